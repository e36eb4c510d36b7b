#!/bin/bash
# t-agent-ends-kept: a job ends while the scheduler does not hear its
# agent, and the agent stops before the end is acknowledged.  The agent
# kept the end in its state directory (startd/ends.c); started again, it
# reports it, and the job completes exactly once and never runs again.
# (1) The scheduler killed, the agent stopped with SIGTERM (it leaves
# without a goodbye), the scheduler restarted on its state; (2) the
# scheduler stopped (SIGSTOP), the agent killed (SIGKILL) once the end is
# on disk, the scheduler killed too (the report waiting in its socket is
# lost) and restarted; (3) the scheduler stopped, the agent stopped with
# SIGTERM, the scheduler continued: the end reported twice, counted once;
# (4) a cut last record dropped, a damaged file refused.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 30s
addr=$SCHEDD_ADDR
AGENT_EXTRA="max_vacate_time = 1s"
start_agent a1 1
ends=$(agent_state_dir "${AGENT_DIR[a1]}")/ends

# The job counts its runs; it ends when told to (the file go.ID).
cat > job.sh <<JOB
#!/bin/sh
echo "\$1" >> "$T/started"
while [ ! -e "$T/go.\$1" ]; do sleep 0.1; done
echo "\$1" >> "$T/done"
JOB
chmod +x job.sh
count() {	# count FILE ID: the lines ID in FILE
	if [ -f "$T/$1" ]; then grep -cx "$2" "$T/$1"; else echo 0; fi
}
started() {	# started ID: job ID has started
	[ "$(count started "$1")" -ge 1 ]
}
kept() {	# kept ID: the agent's ends file keeps an end of job ID
	grep -q "^keep [0-9]* {\"job\":\"$1\"" "$ends" 2>/dev/null
}
restart_by_hand() {	# the scheduler on its state, on the same port
	echo "=== start by hand $(date +%T.%N)" >> "$T/schedd.log"
	"$SCHEDD_BIN" -f -c "$T/schedd.conf" >> "$T/schedd.log" 2>&1 &
	SCHEDD_PID=$!
	disown "$SCHEDD_PID"
	wait_until 10 cq q --json ||
	    fail "the restarted scheduler does not answer within 10 s"
	[ "$(cat "$T/state/listen.addr")" = "$addr" ] ||
	    fail "restarted on $(cat "$T/state/listen.addr"), not $addr"
}
# check ID: completed once, from its first run, and ran once.
check() {
	local id=$1 row
	cq wait -t 20 "$id.0" >/dev/null || fail "job $id did not complete: $(cq q)"
	# Completed (JobStatus 4), exit 0, from run 1.
	row=$(cq history -af JobStatus ExitCode JobRunCount "$id")
	[ "$row" = "4 0 1" ] || fail "job $id: JobStatus ExitCode JobRunCount $row"
	[ "$(count started "$id")" -eq 1 ] || fail "job $id started $(count started "$id") times"
	[ "$(count done "$id")" -eq 1 ] || fail "job $id ended $(count done "$id") times"
	[ "$(cq history -af ClusterId "$id" | wc -l)" -eq 1 ] ||
	    fail "job $id is in the history more than once"
	grep -q "job $id.0 run 1: its end (exited) was not acknowledged" "$T/agent-a1.log" ||
	    fail "the agent did not report job $id's kept end again"
	! kept "$id.0" || fail "the agent still keeps job $id's end after its acknowledgement"
}

# (1) The scheduler killed; the agent stopped with SIGTERM.
j1=$(cq submit --terse -- "$T/job.sh" 1) || fail "submit failed"
j1=${j1%%.*}
wait_until 20 started "$j1" || fail "job $j1 did not start"
stop_schedd KILL
touch "$T/go.$j1"
wait_until 10 kept "$j1.0" || fail "the agent did not keep job $j1's end: $(cat "$ends")"
stop_agent a1 TERM
grep -q "leaving without a goodbye: 1 job end(s) kept" "$T/agent-a1.log" ||
    fail "the agent did not say it left with its end kept"
kept "$j1.0" || fail "the end of job $j1 is gone from $ends"
restart_by_hand
start_agent a1 1
check "$j1"
log "(1) job $j1: its end kept over a SIGTERM, completed once"

# (2) The agent killed with its end on disk; the scheduler, stopped all
# along, killed too (the report in its socket is lost with it).
j2=$(cq submit --terse -- "$T/job.sh" 2) || fail "submit failed"
j2=${j2%%.*}
wait_until 20 started "$j2" || fail "job $j2 did not start"
kill -STOP "$SCHEDD_PID"
at_cleanup "kill -CONT $SCHEDD_PID 2>/dev/null"
touch "$T/go.$j2"
wait_until 10 kept "$j2.0" || fail "the agent did not keep job $j2's end: $(cat "$ends")"
agent_signal a1 KILL
unset "AGENT_PID[a1]"
stop_schedd KILL
restart_by_hand
start_agent a1 1
check "$j2"
log "(2) job $j2: its end kept over a SIGKILL of both, completed once"

# (3) The scheduler stopped, the agent stopped with SIGTERM (no goodbye:
# its end is kept), the scheduler continued: it reads the report that
# waited in its socket, then the agent reports the kept end again; the
# job is counted once.
j3=$(cq submit --terse -- "$T/job.sh" 3) || fail "submit failed"
j3=${j3%%.*}
wait_until 20 started "$j3" || fail "job $j3 did not start"
kill -STOP "$SCHEDD_PID"
at_cleanup "kill -CONT $SCHEDD_PID 2>/dev/null"
touch "$T/go.$j3"
wait_until 10 kept "$j3.0" || fail "the agent did not keep job $j3's end: $(cat "$ends")"
stop_agent a1 TERM
grep -c "leaving without a goodbye: 1 job end(s) kept" "$T/agent-a1.log" |
    grep -qx 2 || fail "the agent did not say it left with its end kept"
kill -CONT "$SCHEDD_PID"
start_agent a1 1
check "$j3"
log "(3) job $j3: reported twice, counted once"

# (4) A cut last record (a crash mid-write) is dropped with a log line;
# a damaged file refuses the start, saying where, and changes nothing.
stop_agent a1 TERM
printf 'keep 1 {"job":"%s.0","ru' "$j3" >> "$ends"
start_agent a1 1
grep -q "ends: $ends: a cut last record (.* bytes, a write a crash interrupted) ignored" \
    "$T/agent-a1.log" || fail "the agent did not say it dropped the cut record"
grep -q "keep" "$ends" && fail "the cut record is still in $ends: $(cat "$ends")"
stop_agent a1 TERM
printf 'cq-startd ends 1\nkeep 1 {"job":"%s.0","run":0}\n' "$j3" > "$ends"
cp "$ends" ends.before
AGENT_NO_WAIT=1 start_agent a1 1
pid=${AGENT_PID[a1]}
wait_until 10 sh -c "! kill -0 $pid 2>/dev/null" ||
    fail "the agent started over a damaged ends file"
unset "AGENT_PID[a1]"
grep -q "$ends:2: bad kept end: run: out of range: .*move the file away" \
    "$T/agent-a1.log" || fail "the agent did not say what is damaged"
cmp -s "$ends" ends.before || fail "the damaged file was changed"
log "(4) a cut last record dropped; a damaged file refused"
exit 0
