#!/bin/bash
# t-submit-forms: every queue form of the submit language runs through a
# personal pool: `queue N`, `queue N VAR in (...)`, `queue a,b from FILE`,
# `queue from (` inline list `)` and `queue VAR matching files GLOB`, in
# one submit file (one cluster, procs numbered on).  Each job writes a
# file named after its item and proc; the test checks every expected
# file and its contents, and that no other file appeared.  Then a bad
# submit file (an error on its last line, after valid queue statements)
# exits 2 and queues nothing.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 4

cat > write.sh <<'SH'
#!/bin/sh
# write.sh NAME TEXT: TEXT into NAME in the working directory.
printf '%s\n' "$2" > "$1"
SH
chmod +x write.sh
mkdir out data
: > data/b.dat
: > data/a.dat
mkdir data/c.dat		# a directory: `files` leaves it out
printf 'x1, first\nx2 second\n\nx3,third one\n' > items.txt

cat > forms.sub <<SUB
executable = $T/write.sh
initialdir = $T/out
output = $T/out/std.\$(Process).out
error = $T/out/std.\$(Process).err

arguments = plain-\$(Process).txt step\$(Step)
queue 2

arguments = "in-\$(name)-\$(Step).txt 'proc \$(Process) index \$(ItemIndex)'"
queue 2 name in (alpha,
    beta)

arguments = "from-\$(x).txt '\$(y)'"
queue x,y from items.txt

arguments = inline-\$(Item).txt \$(Process)
queue from (
  i1
  i2
)

initialdir = $T/data
arguments = ../out/match-\$(f).txt \$(ItemIndex)
queue f matching files *.dat
SUB
cq submit --dry-run forms.sub > dry.json || fail "cq submit --dry-run failed"
[ "$(wc -l < dry.json)" = 13 ] || fail "dry run: $(wc -l < dry.json) jobs, not 13"
c=$(cq submit --terse forms.sub) || fail "cq submit forms.sub failed"
cq wait -t 60 "$c" || fail "cluster $c did not finish well"

cat > expected.txt <<'EXP'
from-x1.txt:first
from-x2.txt:second
from-x3.txt:third one
in-alpha-0.txt:proc 2 index 0
in-alpha-1.txt:proc 3 index 0
in-beta-0.txt:proc 4 index 1
in-beta-1.txt:proc 5 index 1
inline-i1.txt:9
inline-i2.txt:10
match-a.dat.txt:0
match-b.dat.txt:1
plain-0.txt:step0
plain-1.txt:step1
EXP
(cd out && for f in *.txt; do printf '%s:%s\n' "$f" "$(cat "$f")"; done) \
    > got.txt
diff -u expected.txt got.txt || fail "the jobs wrote other files than expected"
for e in out/std.*.err; do
	[ -s "$e" ] && fail "$e: $(cat "$e")"
done
log "13 jobs of 5 queue forms wrote exactly the expected files"

# --- a bad file submits nothing, whatever came before the error ------------
before=$(cq q --json | jq length)
cat > bad.sub <<SUB
executable = $T/write.sh
arguments = never-\$(Item).txt x
initialdir = $T/out
queue in (a b c)
request_memory = lots
queue
SUB
cq submit bad.sub 2> bad.err
rc=$?
[ $rc = 2 ] || fail "a bad submit file exited $rc, not 2"
grep -q "bad.sub:5: request_memory: bad size 'lots'" bad.err ||
    fail "the error does not name file, line and problem: $(cat bad.err)"
after=$(cq q --json | jq length)
[ "$before" = "$after" ] || fail "a bad submit queued jobs ($before -> $after)"
cq history --json 2>/dev/null | grep -q never- &&
    fail "a job of the bad submit ran"
ls out/never-* >/dev/null 2>&1 && fail "a job of the bad submit ran"
log "a bad submit file exits 2, names file and line, and queues nothing"

# --- a glob that matches nothing queues nothing, and that is no error -------
printf 'executable = %s/write.sh\nqueue matching *.none\n' "$T" > none.sub
out=$(cq submit none.sub) || fail "a submit of no job failed"
[ "$out" = "0 job(s) submitted." ] || fail "a submit of no job said: $out"
[ "$(cq q --json | jq length)" = "$after" ] || fail "a submit of no job queued"
log "a queue statement with no item submits nothing and succeeds"
