#!/bin/bash
# t-agent-kill-reason: the agent says why it ended a run, and the
# scheduler's log and the job's user log show it.  (1) A scheduler
# stopped past the lease (4 s): the agent vacates its job for its lease,
# and the eviction reads "the agent did not hear the scheduler within the
# job lease", not "the desktop's owner came back".  (2) An agent stopped
# past its lease with a start order waiting in its socket: continued, it
# does not start the job (it says why), and the job runs once, elsewhere
# in time: from its next run.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 4s
AGENT_EXTRA="max_vacate_time = 1s"
start_agent a1 1

cat > job.sh <<JOB
#!/bin/sh
echo "\$1" >> "$T/started"
sleep "\$2"
JOB
chmod +x job.sh
count() {	# count ID: the runs of job ID that started
	if [ -f "$T/started" ]; then grep -cx "$1" "$T/started"; else echo 0; fi
}
runs() {	# runs ID N: job ID started N times at least
	[ "$(count "$1")" -ge "$2" ]
}
submit() {	# submit NAME SECS: a job that sleeps SECS, its user log NAME.log
	cat > "$1.sub" <<SUB
executable = $T/job.sh
arguments = $1 $2
output = /dev/null
error = $T/$1.err
log = $T/$1.log
queue
SUB
	cq submit --terse "$1.sub" | cut -d. -f1
}

# (1) The scheduler stopped past the lease: the agent's lease ends the job.
j=$(submit one 6) || fail "submit failed"
wait_until 20 runs one 1 || fail "job $j did not start"
kill -STOP "$SCHEDD_PID"
at_cleanup "kill -CONT $SCHEDD_PID 2>/dev/null"
wait_until 20 grep -q "job $j.0 run 1: exited" "$T/agent-a1.log" ||
    fail "the agent did not end job $j at its lease"
grep -q "lease: nothing answered for" "$T/agent-a1.log" ||
    fail "the agent does not say its lease ended the job"
kill -CONT "$SCHEDD_PID"
wait_until 20 grep -q "job $j.0 run 1 evicted by the agent: its lease" "$T/schedd.log" ||
    fail "the scheduler's log does not say the lease ended job $j"
wait_until 10 grep -q "evicted: the agent did not hear the scheduler within the job lease" "$T/one.log" ||
    fail "the user log does not say the lease ended job $j: $(cat "$T/one.log")"
grep -q "owner came back" "$T/one.log" "$T/schedd.log" &&
    fail "the lease's eviction is told as the owner's return"
# (Its next run ends by itself: the slot is free on both sides then.)
cq wait -t 30 "$j.0" >/dev/null || fail "job $j did not complete: $(cq q)"
log "(1) job $j: evicted for the lease, and said so"

# (2) The agent stopped past its lease, a start order in its socket.
wait_until 20 agent_connected a1 || fail "a1 is not back"
agent_signal a1 STOP
at_cleanup "kill -CONT $(agent_net_pid a1) ${AGENT_PID[a1]} 2>/dev/null"
j=$(submit two 1) || fail "submit failed"
on_a1() {
	[ "$(cq q -af RemoteHost)" = slot1@a1 ]
}
wait_until 10 on_a1 || fail "job $j was not given to a1: $(cq q)"
wait_until 20 grep -q "agent a1: offline (missed its lease)" "$T/schedd.log" ||
    fail "the scheduler did not give a1 up"
agent_signal a1 CONT
wait_until 20 grep -q "job $j.0 run 1: not started: the agent is past its lease" "$T/agent-a1.log" ||
    fail "the agent did not refuse the start past its lease"
wait_until 10 grep -q "agent a1: job $j.0 run 1 not started by the agent: its lease" "$T/schedd.log" ||
    fail "the scheduler's log does not say why a1 did not start job $j"
cq wait -t 30 "$j.0" >/dev/null || fail "job $j did not complete: $(cq q)"
[ "$(count two)" -eq 1 ] || fail "job $j started $(count two) times"
run=$(cq history -af JobRunCount "$j")
[ "$run" = 2 ] || fail "job $j completed from run $run"
log "(2) job $j: not started past the lease; ran once, as run 2"
exit 0
