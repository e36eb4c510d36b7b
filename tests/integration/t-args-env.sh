#!/bin/bash
# t-args-env: what a job receives is exactly what was submitted: its
# arguments (spaces, quotes, empty, UTF-8, shell characters) both from a
# submit file and from `cq submit -- CMD ARGS`, its environment (and
# nothing of the submitter's), its working directory (initialdir) and its
# standard input.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 2

cat > args.sh <<'SH'
#!/bin/sh
# Print where we are, each argument in brackets, then stdin.
echo "pwd=$(pwd)"
for a in "$@"; do printf '[%s]\n' "$a"; done
cat
SH
chmod +x args.sh
mkdir work out
printf 'line one\nline two\n' > work/in.txt

# --- from a submit file: what --dry-run says is what the job gets ---------
cat > args.sub <<SUB
executable = $T/args.sh
initialdir = $T/work
arguments = "one 'two words' 'it''s' ""quoted"" h\$(DOLLAR)OME *  'tab	in' héllo"
input = in.txt
output = $T/out/args.out
error = $T/out/args.err
queue
SUB
cq submit --dry-run args.sub > dry.json || fail "cq submit --dry-run failed"
{
	echo "pwd=$T/work"
	jq -r '.arguments[] | "[" + . + "]"' dry.json
	printf 'line one\nline two\n'
} > expected.out
# And what HTCondor's quoting rules say it must be.
cat > rules.out <<'OUT'
[one]
[two words]
[it's]
["quoted"]
[h$OME]
[*]
[tab	in]
[héllo]
OUT
jq -r '.arguments[] | "[" + . + "]"' dry.json | diff -u rules.out - ||
    fail "the submit parser split the arguments wrongly"
j=$(cq submit --terse args.sub) || fail "cq submit args.sub failed"
cq wait -t 20 "$j" || fail "job $j failed: $(cat out/args.err)"
diff -u expected.out out/args.out || fail "job $j received other arguments, directory or input"
[ -s out/args.err ] && fail "job $j wrote errors: $(cat out/args.err)"
log "submit file: arguments, initialdir and input arrive exactly"

# --- from the command line ------------------------------------------------
j=$(cq submit --terse -- "$T/args.sh" 'a b' '' '*' '$HOME' "x'y\"z" '  lead' 'ünï cödé' '-c') ||
    fail "cq submit -- failed"
cq wait -t 20 "$j" || fail "job $j failed"
cat > expected2.out <<OUT
pwd=$T
[a b]
[]
[*]
[\$HOME]
[x'y"z]
[  lead]
[ünï cödé]
[-c]
OUT
diff -u expected2.out "cq-$j.out" || fail "cq submit -- passed other arguments"
log "command line: arguments arrive exactly"

# --- the environment is the description's, nothing of ours ---------------
export CQ_TEST_LEAK=should-not-reach-the-job
cat > env.sub <<SUB
executable = /usr/bin/env
environment = "A=1 B='x y' C=""q"" D='it''s' E="
output = $T/out/env.out
error = $T/out/env.err
queue
SUB
j=$(cq submit --terse env.sub) || fail "cq submit env.sub failed"
cq wait -t 20 "$j" || fail "job $j failed: $(cat out/env.err)"
for kv in 'A=1' 'B=x y' 'C="q"' "D=it's" 'E='; do
	grep -qxF -- "$kv" out/env.out || fail "job $j: '$kv' missing from its environment: $(cat out/env.out)"
done
grep -q CQ_TEST_LEAK out/env.out && fail "the submitter's environment leaked into job $j"
[ "$(wc -l < out/env.out)" -eq 5 ] || log "note: job $j has extra variables: $(cat out/env.out)"
log "environment arrives exactly"
exit 0
