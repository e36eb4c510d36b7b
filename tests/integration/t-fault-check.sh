#!/bin/bash
# t-fault-check: the fault-injection suite's checker
# (tests/lib/fault-check.py) finds what it is there for.  A run directory
# made by hand, as scripts/fault.sh leaves it, passes as it is; each
# change that breaks one invariant is counted under that invariant: an
# acknowledged job missing from the history (lost), a partial cluster of
# an unacknowledged submit (lost), a second completion of the completed
# run or of a later run (twice), an earlier run that completed with
# nothing to explain why it ran again (twice; allowed when its agent was
# killed, it was killed after its last line, or its exit was stale), two
# runs alive at once (overlap), a second, different terminate event
# (ulog; an identical repeat is allowed and counted).
. "$(dirname "$0")/../lib/lib.sh"

PY=$(command -v python3) || skip "python3 is not installed"
D=$T/run
mkdir -p "$D/ulog"
ev() {	# ev CODE ID TIME TEXT: one user log event
	printf '%s (%03d.%03d.000) 2026-12-06 10:00:%02d %s\n\t(1) Normal termination\n...\n' \
	    "$1" "${2%.*}" "${2#*.}" "$3" "$4"
}
base() {
	rm -rf "$D"
	mkdir -p "$D/ulog"
	echo "1 3" > "$D/acked"
	cat > "$D/history.json" <<'J'
[{"ClusterId": 1, "ProcId": 0, "JobStatus": 4, "JobRunCount": 1, "ExitCode": 0},
 {"ClusterId": 1, "ProcId": 1, "JobStatus": 4, "JobRunCount": 2, "ExitCode": 0},
 {"ClusterId": 1, "ProcId": 2, "JobStatus": 4, "JobRunCount": 1, "ExitCode": 0}]
J
	echo "[]" > "$D/queue.json"
	# 1.1 ran twice: run 1 on a1 was evicted after its last line.
	cat > "$D/runs" <<'R'
S 1.0 101,100,50 1000
E 1.0 101,100,50 2000
S 1.1 111,110,50 1000
E 1.1 111,110,50 2000
S 1.2 121,120,60 1000
E 1.2 121,120,60 2000
S 1.1 131,130,60 3000
E 1.1 131,130,60 4000
R
	cat > "$D/agent-a1.log" <<'L'
=== start 10:00:00
x cq-startd[50]: job 1.0 run 1: started pid 100 on slot 1 as root
x cq-startd[50]: job 1.0 run 1: exited (code 0, signal 0)
x cq-startd[50]: job 1.1 run 1: started pid 110 on slot 2 as root
x cq-startd[50]: job 1.1 run 1: exited (code -1, signal 9), evicted
L
	cat > "$D/agent-a2.log" <<'L'
=== start 10:00:00
x cq-startd[60]: job 1.2 run 1: started pid 120 on slot 1 as root
x cq-startd[60]: job 1.2 run 1: exited (code 0, signal 0)
x cq-startd[60]: job 1.1 run 2: started pid 130 on slot 2 as root
x cq-startd[60]: job 1.1 run 2: exited (code 0, signal 0)
L
	: > "$D/schedd.log"
	for j in 1.0 1.1 1.2; do
		ev 000 $j 1 "Job submitted from host: <x>"
		ev 001 $j 2 "Job executing on host: <y>"
		ev 005 $j 3 "Job terminated."
	done > "$D/ulog/r1.log"
}
# expect WHAT: the checker's last line, less "completed 3".
expect() {
	local out last
	out=$("$PY" "$CQ_SRCDIR/tests/lib/fault-check.py" "$D") ||
	    fail "the checker failed: $out"
	last=$(tail -n 1 <<<"$out")
	[ "${last% completed *}" = "$1" ] ||
	    fail "$2: expected '$1', the checker says '$last': $(sed '$d' <<<"$out")"
	log "$2: $last"
}

base
expect "lost 0 twice 0 overlap 0 ulog 0 rerun 1 repeats 0" "as it is"

base
jq '[.[] | select(.ProcId != 2)]' "$D/history.json" > "$D/h" && mv "$D/h" "$D/history.json"
sed -i '/(001.002.000)/,/^\.\.\.$/d' "$D/ulog/r1.log"
sed -i '/ 1\.2 /d' "$D/runs"
expect "lost 1 twice 0 overlap 0 ulog 0 rerun 1 repeats 0" "a job lost"

base
echo "? 3" >> "$D/acked"
jq '. + [{"ClusterId": 2, "ProcId": 0, "JobStatus": 4, "JobRunCount": 1, "ExitCode": 0}]' "$D/history.json" > "$D/h" && mv "$D/h" "$D/history.json"
ev 000 2.0 1 "Job submitted" >> "$D/ulog/r1.log"
ev 001 2.0 2 "Job executing" >> "$D/ulog/r1.log"
ev 005 2.0 3 "Job terminated." >> "$D/ulog/r1.log"
printf 'S 2.0 151,150,60 3000\nE 2.0 151,150,60 4000\n' >> "$D/runs"
echo "x cq-startd[60]: job 2.0 run 1: started pid 150 on slot 1 as root" >> "$D/agent-a2.log"
expect "lost 1 twice 0 overlap 0 ulog 0 rerun 1 repeats 0" "an unacknowledged cluster in part"

base
echo "E 1.2 121,120,60 2500" >> "$D/runs"
expect "lost 0 twice 1 overlap 0 ulog 0 rerun 1 repeats 0" "the completed run ended twice"

base
printf 'S 1.0 141,140,60 3000\nE 1.0 141,140,60 4000\n' >> "$D/runs"
echo "x cq-startd[60]: job 1.0 run 2: started pid 140 on slot 1 as root" >> "$D/agent-a2.log"
expect "lost 0 twice 1 overlap 0 ulog 0 rerun 1 repeats 0" "a later run after the completed one"

base
sed -i 's/job 1.1 run 1: exited (code -1, signal 9), evicted/job 1.1 run 1: exited (code 0, signal 0)/' "$D/agent-a1.log"
expect "lost 0 twice 1 overlap 0 ulog 0 rerun 0 repeats 0" "an earlier run completed, nothing explains the rerun"
echo "x cq-schedd[9]: agent a1: exit of stale 1.1 run 1" > "$D/schedd.log"
expect "lost 0 twice 0 overlap 0 ulog 0 rerun 1 repeats 0" "the same, its exit stale"
: > "$D/schedd.log"
echo "=== killed (SIGKILL) 10:00:01" >> "$D/agent-a1.log"
expect "lost 0 twice 0 overlap 0 ulog 0 rerun 1 repeats 0" "the same, its agent killed"

base
sed -i 's/^S 1.1 131,130,60 3000$/S 1.1 131,130,60 1500/' "$D/runs"
expect "lost 0 twice 0 overlap 1 ulog 0 rerun 1 repeats 0" "two runs at once"

base
ev 005 1.0 3 "Job terminated." >> "$D/ulog/r1.log"
expect "lost 0 twice 0 overlap 0 ulog 0 rerun 1 repeats 1" "a terminate event repeated"
ev 005 1.0 9 "Job terminated." >> "$D/ulog/r1.log"
expect "lost 0 twice 0 overlap 0 ulog 1 rerun 1 repeats 1" "two different terminate events"
exit 0
