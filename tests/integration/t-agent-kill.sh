#!/bin/bash
# t-agent-kill: an agent that dies (kill -9) takes its job with it
# (PR_SET_PDEATHSIG); once its lease (2 s) runs out the scheduler puts
# the job back to IDLE and starts it again, with the next run number, on
# the agent that is still free.  The other job is not disturbed.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 2s
start_agent a1 1
start_agent a2 1
start_agent a3 1

# The job writes the agent's number for itself (/proc is the desktop's;
# \$\$ would be its pid namespace's).
cat > long.sh <<'SH'
#!/bin/sh
read -r p x < /proc/self/stat
echo $p >> "$1"
exec sleep 30
SH
chmod +x long.sh
cat > long.sub <<SUB
executable = $T/long.sh
arguments = $T/pids.\$(Process)
queue 2
SUB
cluster=$(cq submit --terse long.sub) || fail "cq submit failed"
both_running() {
	[ "$(count_jobs '.JobStatus == 2')" -eq 2 ]
}
wait_until 10 both_running || fail "the two jobs are not RUNNING: $(cq q --json)"
wait_until 5 test -s "$T/pids.0" -a -s "$T/pids.1" || fail "the jobs wrote no pid"

q=$(cq q --json)
mA=$(jq -r '.[] | select(.ProcId == 0) | .RemoteHost' <<<"$q")
rA=$(jq -r '.[] | select(.ProcId == 0) | .JobRunCount' <<<"$q")
mB=$(jq -r '.[] | select(.ProcId == 1) | .RemoteHost' <<<"$q")
rB=$(jq -r '.[] | select(.ProcId == 1) | .JobRunCount' <<<"$q")
agentA=${mA#*@}
pidA=$(head -1 "$T/pids.0")
log "job $cluster.0 runs on $mA (run $rA, pid $pidA); $cluster.1 on $mB"
[ "$rA" = 1 ] || fail "first run number is $rA, not 1"
[ -n "${AGENT_PID[$agentA]:-}" ] || fail "job $cluster.0 runs on unknown machine '$mA'"

t0=$(now_ms)
stop_agent "$agentA" KILL
log "killed agent $agentA"

# The agent's death kills its job.
pid_gone() {
	! kill -0 "$pidA" 2>/dev/null
}
wait_until 2 pid_gone || fail "job process $pidA outlived its agent"

moved() {
	local row
	row=$(cq q --json | jq -c '.[] | select(.ProcId == 0)')
	[ "$(jq -r .JobStatus <<<"$row")" = 2 ] &&
	    [ "$(jq -r .RemoteHost <<<"$row")" != "$mA" ] &&
	    [ "$(jq -r .RemoteHost <<<"$row")" != null ]
}
# Lease 2 s, the tick 0.25 s: well within 2 + 5 s.
wait_until 7 moved || fail "job $cluster.0 did not move off $mA within 7 s: $(cq q --json)"
t1=$(now_ms)
q=$(cq q --json)
mA2=$(jq -r '.[] | select(.ProcId == 0) | .RemoteHost' <<<"$q")
rA2=$(jq -r '.[] | select(.ProcId == 0) | .JobRunCount' <<<"$q")
log "job $cluster.0 runs again on $mA2 (run $rA2) $(( t1 - t0 )) ms after the kill"
[ "$rA2" -eq $((rA + 1)) ] || fail "run number went from $rA to $rA2, not +1"
[ "${mA2#*@}" != "${mB#*@}" ] || fail "job $cluster.0 landed on the busy agent of $cluster.1"
[ "$(( t1 - t0 ))" -ge 1500 ] ||
    fail "job $cluster.0 moved after $(( t1 - t0 )) ms, before the 2 s lease ran out"
second_run() {
	[ "$(wc -l < "$T/pids.0")" -eq 2 ]
}
wait_until 5 second_run ||
    fail "the second run of $cluster.0 did not start its process"

# The other job: same machine, same run, same process.
[ "$(jq -r '.[] | select(.ProcId == 1) | .RemoteHost' <<<"$q")" = "$mB" ] ||
    fail "job $cluster.1 moved: $q"
[ "$(jq -r '.[] | select(.ProcId == 1) | .JobRunCount' <<<"$q")" = "$rB" ] ||
    fail "job $cluster.1 was restarted: $q"
kill -0 "$(head -1 "$T/pids.1")" 2>/dev/null || fail "job $cluster.1's process died"

# The dead agent's slot shows OFFLINE.
[ "$(cq status --json | jq -r --arg m "$agentA" '.[] | select(.Machine == $m) | .CqState')" = OFFLINE ] ||
    fail "agent $agentA is not OFFLINE: $(cq status --json)"
grep -q "agent $agentA: offline (missed its lease)" "$T/schedd.log" ||
    fail "the scheduler did not log the missed lease"

cq rm "$cluster" >/dev/null || fail "cq rm $cluster failed"
wait_queue_empty 10 || fail "the jobs were not removed: $(cq q --json)"
exit 0
