#!/bin/bash
# t-agent-stall: an agent that stops answering (SIGSTOP) loses its job
# once its lease (2 s) runs out; the job runs again elsewhere with the next
# run number.  The stalled agent's copy of the old run dies at the
# agent's lease deadline by its keeper (jobctl_deadline(); while that is
# a stub, it runs on until the agent wakes up); when the agent wakes up
# (SIGCONT), it kills its copy at once (its deadline has passed) or the
# scheduler has it killed as stale, and the job completes once, from its
# new run.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 2s
start_agent a1 1

echo 30 > dur
# The job writes the agent's number for itself (\$\$ is its pid
# namespace's; /proc is the desktop's).
cat > job.sh <<'SH'
#!/bin/sh
read -r p x < /proc/self/stat
echo $p >> "$1"
exec sleep "$(cat "$2")"
SH
chmod +x job.sh
cat > job.sub <<SUB
executable = $T/job.sh
arguments = "$T/pids $T/dur"
output = $T/job.out
error = $T/job.err
queue
SUB
j=$(cq submit --terse job.sub) || fail "cq submit failed"
wait_until 10 test -s pids || fail "job $j did not start"
pid1=$(head -1 pids)
[ "$(cq q --json | jq -r '.[0].RemoteHost')" = slot1@a1 ] || fail "job $j is not on a1"

# Only now a second agent, so the job can only move there.
start_agent a2 1
echo 1 > dur
agent_signal a1 STOP
log "agent a1 stopped; job $j run 1 is pid $pid1"
echo "${AGENT_PID[a1]}" > a1.pid

second_run() {
	[ "$(wc -l < pids)" -ge 2 ]
}
wait_until 8 second_run || { agent_signal a1 CONT; fail "job $j did not start again within 8 s: $(cq q --json)"; }
log "job $j started again: $(cq q --json | jq -c '.[0] | {RemoteHost, JobRunCount, JobStatus}')"
wait_queue_empty 10 || { agent_signal a1 CONT; fail "the second run did not finish: $(cq q --json)"; }
stub=0
if grep -q "jobctl_deadline() stub" agent-a1.log; then
	stub=1
	kill -0 "$pid1" 2>/dev/null ||
	    fail "run 1 (pid $pid1) died while its agent was stopped"
else
	! kill -0 "$pid1" 2>/dev/null ||
	    fail "run 1 (pid $pid1) outlived its stopped agent's lease"
fi

agent_signal a1 CONT
log "agent a1 continued"
wait_until 20 agent_connected a1 || fail "agent a1 did not reconnect"
pid1_gone() {
	! kill -0 "$pid1" 2>/dev/null
}
wait_until 5 pid1_gone || fail "the stale run 1 (pid $pid1) was not killed after a1 came back"
log "stale run 1 killed"

row=$(cq history --json "$j" | jq -c '.[0]')
[ "$(jq -r .JobStatus <<<"$row")" = 4 ] || fail "job $j: $row"
[ "$(jq -r .JobRunCount <<<"$row")" = 2 ] || fail "job $j completed from run $(jq -r .JobRunCount <<<"$row"), not 2: $row"
[ "$(jq -r .LastRemoteHost <<<"$row")" = slot1@a2 ] || fail "job $j: $row"
[ "$(jq -r .ExitCode <<<"$row")" = 0 ] || fail "job $j: $row"
[ "$stub" = 0 ] || grep -q "job $j.0 run 1 is stale, killing" schedd.log ||
    grep -q "lease: nothing answered for .*: killed 1 job" agent-a1.log ||
    fail "no stale kill logged (by the scheduler or the agent's lease)"
# a1 is usable again.
k=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq wait -t 10 "$k" || fail "job $k did not run"
exit 0
