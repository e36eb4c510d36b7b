#!/bin/bash
# t-late-items: the items of a late materialization travel as item
# frames (docs/materialize.md), each checked and stored in a loop turn of
# its own, and a submit is whole or absent whatever moment the scheduler
# dies.  A raw client sends half of 200,000 items and pauses: meanwhile
# the scheduler answers, another job starts and ends on an agent, and
# the store holds the frames that came but no cluster.  The rest and the
# submit follow: 200,000 jobs, proc 0 with the first item, the stored
# items equal to the file.  Killed (SIGKILL) right after the answer, the
# scheduler keeps the whole cluster; killed half-way through another
# upload, it keeps nothing (the frames swept at the restart).  `cq
# submit` of 12,000 longer items (three frames) materializes every job
# with its own item.  A factory that transfers files is refused with its
# file and line by cq submit, and by the scheduler when a client sends
# it anyway.  `cq submit` of 200,000 items with the scheduler killed at a
# few moments leaves the whole cluster or nothing.
. "$(dirname "$0")/../lib/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 is not installed"
PY=$(command -v python3) || skip "python3 is not installed"
CLIENT=$CQ_SRCDIR/tests/lib/cqclient.py

N=200000
SCHEDD_EXTRA="max_jobs_per_owner = 1000000" start_schedd 10s
db=$T/state/queue.db
sql() { sqlite3 -readonly "$db" "PRAGMA busy_timeout = 5000; $1" | tail -n 1; }

awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) printf "item-%d\n", i }' > items.txt
# The digest cq submit would send for this file (docs/protocol.md).
cat > late.sub <<'SUB'
executable = /bin/echo
arguments = $(x)
max_idle = 5
queue x from items.txt
SUB
jq -n --arg cwd "$PWD" --arg text "$(head -n 3 late.sub)
" '{name: "late.sub", text: $text, cwd: $cwd, line: 4, vars: ["x"],
    nitems: '$N', count: 1, max_idle: 5}' > digest.json

# upload K: the raw client sends frames, pauses after K of them (fifo
# "go" resumes it); its output in upload.out.
upload() {
	rm -f go upload.out
	mkfifo go
	"$PY" "$CLIENT" "$CQ_SOCKET" items items.txt digest.json "$1" \
	    < go > upload.out 2>&1 &
	UPLOAD_PID=$!
	exec 3> go
	wait_until 20 grep -q "^paused" upload.out ||
	    fail "the raw client did not pause: $(cat upload.out)"
}
frames() { sql "SELECT count(*) FROM factory_items"; }
orphans() { sql "SELECT count(*) FROM factory_items WHERE upload NOT IN (SELECT items_upload FROM factories WHERE items_upload IS NOT NULL)"; }

# Half of the frames, then a pause: the scheduler is in the middle of the
# submit.  It answers, runs another job, and shows no cluster of it.
start_agent a1 1
upload 5
nf=$(sed -n 's/^paused //p' upload.out)
[ "$nf" -ge 8 ] || fail "only $nf frames for $N items"
stored5() { [ "$(frames)" -eq 5 ]; }
wait_until 10 stored5 || fail "$(frames) frames stored, not 5"
cq q >/dev/null || fail "cq q does not answer in the middle of the submit"
[ "$(cq q -batch --json | jq length)" -eq 0 ] ||
    fail "a cluster shows before its submit: $(cq q -batch --json)"
other=$(cq submit --terse -- /bin/true) || fail "another submit failed"
cq wait -t 30 "$other" || fail "job $other did not run during the upload"
[ "$(cq history -af ExitCode "$other")" = 0 ] ||
    fail "job $other: $(cq history -l "$other")"
stop_agent a1

# The rest and the submit: one cluster of N jobs, its items as sent.
echo go >&3
exec 3>&-
wait "$UPLOAD_PID" || fail "the upload failed: $(cat upload.out)"
reply=$(tail -n 1 upload.out)
c=$(jq -r .cluster <<<"$reply")
[ "$(jq -c '[.count, .late]' <<<"$reply")" = "[$N,true]" ] ||
    fail "submit answered: $(cat upload.out)"
batch() { cq q -batch --json | jq -r --arg c "$1" '.[] | select(.ClusterId == ($c | tonumber)) | .Total'; }
[ "$(batch "$c")" = "$N" ] || fail "cluster $c: total $(batch "$c"), not $N"
first() { [ "$(cq q -af Args "$c.0")" = "item-0" ]; }
wait_until 10 first || fail "proc 0 of $c: '$(cq q -af Args "$c.0")', not item-0"
[ "$(frames)" -eq "$nf" ] || fail "$(frames) frames stored, not $nf"
sqlite3 -readonly "$db" "SELECT items FROM factory_items WHERE upload = (SELECT items_upload FROM factories WHERE cluster = $c) ORDER BY seq" |
    grep -v '^$' > stored.txt
cmp -s stored.txt items.txt || fail "the stored items differ from items.txt"
grep -q "cluster $c with $N jobs (late materialization; $N items in $nf frames" "$T/schedd.log" ||
    fail "no submit line in the log"

# A slice of the items: their $(ItemIndex)es go as a first and a step.
printf 'executable = /bin/echo\narguments = $(x) $(ItemIndex)\nmax_idle = 10\nqueue x from [1:7:3] items.txt\n' > slice.sub
sl=$(cq submit --terse slice.sub) || fail "cq submit slice.sub failed"
sliced() { [ "$(cq q -af ProcId Args "$sl" | tr '\n' ' ')" = "0 item-1 1 1 item-4 4 " ]; }
wait_until 10 sliced || fail "slice: $(cq q -af ProcId Args "$sl")"

# Killed right after the answer: the whole clusters after the restart.
stop_schedd KILL
start_schedd 10s
[ "$(batch "$c")" = "$N" ] || fail "after SIGKILL: cluster $c total '$(batch "$c")'"
wait_until 10 first || fail "after SIGKILL: proc 0 of $c is not item-0"
[ "$(orphans)" -eq 0 ] || fail "$(orphans) frames of no factory"
sliced || fail "after SIGKILL, slice: $(cq q -af ProcId Args "$sl")"
cq rm "$sl" >/dev/null || fail "cq rm $sl failed"

# Killed half-way through another upload: nothing of it stays.
upload 4
stored() { [ "$(frames)" -eq $((nf + 4)) ]; }
wait_until 10 stored || fail "$(frames) frames stored, not $((nf + 4))"
stop_schedd KILL
exec 3>&-
wait "$UPLOAD_PID" 2>/dev/null
start_schedd 10s
[ "$(orphans)" -eq 0 ] || fail "$(orphans) frames of the killed upload stay"
[ "$(frames)" -eq "$nf" ] || fail "$(frames) frames, not the cluster's $nf"
grep -q "the items of 1 submits that never completed are removed" "$T/schedd.log" ||
    fail "the sweep is not in the log"
[ "$(cq q -batch --json | jq length)" -eq 1 ] ||
    fail "the killed upload made a cluster: $(cq q -batch --json)"

# cq rm of the cluster takes its items' rows too.
cq rm "$c" >/dev/null || fail "cq rm $c failed"
empty() { [ "$(frames)" -eq 0 ]; }
wait_until 10 empty || fail "$(frames) frames stay after cq rm"

# cq submit of 12,000 longer items (three frames): every job has its own.
awk 'BEGIN { for (i = 0; i < 12000; i++)
    printf "row-%05d-%s\n", i, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop" }' > rows.txt
printf 'executable = /bin/echo\narguments = $(r)\nmax_idle = 12000\nqueue r from rows.txt\n' > rows.sub
r=$(cq submit --terse rows.sub) || fail "cq submit rows.sub failed"
made() { cq q -af ProcId "$r" | wc -l; }
all() { [ "$(made)" -eq 12000 ]; }
wait_until 20 all || fail "$(made) of 12000 jobs made"
cq q -af ProcId Args "$r" | sort -n | awk '{ print $2 }' > made.txt
cmp -s made.txt rows.txt || fail "the jobs' items differ from rows.txt"
cq rm "$r" >/dev/null || fail "cq rm $r failed"

# A factory spools no files: refused with the file and the line, by cq
# submit and, for a client that sends it anyway, by the scheduler.
printf 'executable = /bin/true\nmax_idle = 2\nshould_transfer_files = YES\ntransfer_input_files = items.txt\nqueue 3\n' > xfer.sub
err=$(cq submit xfer.sub 2>&1) && fail "a factory with input files passed"
echo "$err" | grep -q "xfer.sub:3: late materialization .* cannot send files through the scheduler's spool" ||
    fail "xfer.sub said: $err"
jq --arg text "$(head -n 4 xfer.sub)
" '.text = $text | .name = "xfer.sub" | .line = 5 | .vars = [] | .nitems = 1 | .count = 3' \
    digest.json > xdigest.json
echo > one.txt
out=$("$PY" "$CLIENT" "$CQ_SOCKET" items one.txt xdigest.json 9 </dev/null 2>&1) &&
    fail "the scheduler took a factory with input files: $out"
echo "$out" | grep -q "xfer.sub: late materialization cannot send files" ||
    fail "the scheduler said: $out"

# cq submit of N items, the scheduler killed at a few moments: after the
# restart the cluster is whole (N jobs) or absent, no frame left over.
for d in 0.05 0.15 0.3; do
	cq submit --terse late.sub > sub.out 2>&1 &
	sp=$!
	sleep "$d"
	stop_schedd KILL
	wait "$sp"
	start_schedd 10s
	n=$(cq q -batch --json | jq '[.[] | select(.Total == '$N')] | length')
	[ "$(orphans)" -eq 0 ] || fail "killed after $d s: $(orphans) frames left over"
	# Answered: durable, so there.
	if grep -qx '[0-9]*' sub.out; then
		[ "$n" -eq 1 ] || fail "killed after $d s: cluster $(cat sub.out) was answered but is gone"
	fi
	[ "$n" -le 1 ] || fail "killed after $d s: $n clusters of $N"
	log "killed after $d s: $n cluster(s) of $N ($(head -c 80 sub.out))"
	cq rm -a >/dev/null 2>&1
	wait_until 10 empty || fail "$(frames) frames stay after cq rm -a"
done
log "ok"
