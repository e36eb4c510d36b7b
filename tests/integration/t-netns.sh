#!/bin/bash
# t-netns: four hosts in network namespaces, the scheduler on ns0 and one
# 2-slot agent on each of ns1..ns3, talking over a bridge, not loopback.
# (1) Six 1-cpu jobs run on all three agents at once, and `cq status`
# shows the three machines.  (2) A hard cut: the link of the agent that
# runs a long job goes down; the cut-off agent ends its copy before the
# lease (3 s) runs out (startd/lease.c), after which the job is queued
# again and runs elsewhere; when the link comes back, the old agent
# reconnects, and the job has completed exactly once (one terminate
# event, from the second run).
. "$(dirname "$0")/../lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/netns.sh"

ns_setup 4
CQ_TEST_NS=ns0 start_schedd 3s
case $SCHEDD_ADDR in
"$(ns_addr ns0)":*) ;;
*) fail "the scheduler listens on $SCHEDD_ADDR, not on ns0's address" ;;
esac
for i in 1 2 3; do
	CQ_TEST_NS=ns$i start_agent a$i 2
done
# Each agent is in its own namespace and is the daemon itself (not a
# wrapper): its pid is what stop_agent will signal.
for i in 1 2 3; do
	p=${AGENT_PID[a$i]}
	[ "$(readlink /proc/$p/exe)" = "$(readlink -f "$STARTD_BIN")" ] ||
	    fail "agent a$i: pid $p is $(readlink /proc/$p/exe), not cq-startd"
	[ "$(readlink /proc/$p/ns/net)" != "$(readlink /proc/$$/ns/net)" ] ||
	    fail "agent a$i runs in the root network namespace"
done
[ "$(cq status --json | jq '[.[].Machine] | unique | length')" -eq 3 ] ||
    fail "cq status does not show 3 machines: $(cq status --json)"

# --- (1) jobs on all three agents -----------------------------------------
cat > six.sub <<SUB
executable = /bin/sh
arguments = "-c 'echo \$\$ >> $T/six.started; sleep 3; echo \$(Process) >> $T/six.done'"
request_cpus = 1
output = $T/six.\$(Process).out
error = $T/six.\$(Process).err
queue 6
SUB
c=$(cq submit --terse six.sub) || fail "cq submit failed"
six_running() {
	[ "$(count_jobs '.JobStatus == 2')" -eq 6 ]
}
wait_until 15 six_running || fail "6 jobs are not running at once: $(cq q --json)"
machines=$(cq q --json | jq -r '.[].RemoteHost | sub("^slot[0-9]+@"; "")' | sort -u | tr '\n' ' ')
[ "$machines" = "a1 a2 a3 " ] || fail "the jobs run on '$machines', not on a1 a2 a3"
log "cluster $c runs on $machines"
wait_queue_empty 20 || fail "the 6 jobs did not finish: $(cq q --json)"
[ "$(sort -n six.done | tr '\n' ' ')" = "0 1 2 3 4 5 " ] ||
    fail "not each job finished once: $(sort -n six.done | tr '\n' ' ')"

# --- (2) the hard cut -----------------------------------------------------
# The job reads its duration before it writes its pid: once the pid is
# there, a new duration is for the next run only.
echo 60 > dur
# It writes the agent's number for itself (\$\$ is its pid namespace's).
cat > cut.sh <<'SH'
#!/bin/sh
d=$(cat "$1/dur")
read -r p x < /proc/self/stat
echo $p >> "$1/cut.pids"
sleep $d
echo $p >> "$1/cut.done"
SH
chmod +x cut.sh
cat > cut.sub <<SUB
executable = $T/cut.sh
arguments = $T
output = $T/cut.out
error = $T/cut.err
queue
SUB
j=$(cq submit --terse cut.sub) || fail "cq submit failed"
wait_until 10 test -s cut.pids || fail "job $j did not start"
pid1=$(head -1 cut.pids)
m1=$(cq q --json | jq -r '.[0].RemoteHost | sub("^slot[0-9]+@"; "")')
h1=ns${m1#a}
log "job $j run 1 is pid $pid1 on $m1 ($h1)"
echo 1 > dur
ns_link_down "$h1"

second_run() {
	[ "$(wc -l < cut.pids)" -ge 2 ]
}
wait_until 15 second_run || fail "job $j did not start again after $m1 was cut off: $(cq q --json)"
! kill -0 "$pid1" 2>/dev/null ||
    fail "run 1 (pid $pid1) still runs on the cut-off $m1 beside run 2"
m2=$(cq q --json | jq -r '.[0].RemoteHost | sub("^slot[0-9]+@"; "")')
[ "$m2" != "$m1" ] || fail "run 2 of job $j is on the cut-off $m1"
log "job $j run 2 on $m2"
wait_queue_empty 15 || fail "run 2 did not finish: $(cq q --json)"
agent_connected "$m1" >/dev/null && fail "$m1 is still shown connected while cut off"

ns_link_up "$h1"
# The old connection is dead; the agent finds out and reconnects (TCP
# retransmission backoff makes this take up to tens of seconds).
wait_until 60 agent_connected "$m1" || fail "$m1 did not reconnect"
grep -q "lease: nothing answered for .*: vacating 1 job" "agent-$m1.log" ||
    fail "$m1 did not log the vacate of its copy when it was cut off"
log "$m1 back; it had vacated run 1 before its lease ran out"

[ "$(wc -l < cut.done)" -eq 1 ] || fail "job $j finished $(wc -l < cut.done) times"
row=$(cq history --json "$j" | jq -c '.[0]')
[ "$(jq -r .JobStatus <<<"$row")" = 4 ] || fail "job $j: $row"
[ "$(jq -r .JobRunCount <<<"$row")" = 2 ] || fail "job $j completed from run $(jq -r .JobRunCount <<<"$row"): $row"
[ "$(jq -r .LastRemoteHost <<<"$row" | sed 's/^slot[0-9]*@//')" = "$m2" ] ||
    fail "job $j completed on $(jq -r .LastRemoteHost <<<"$row"), not $m2"
[ "$(jq -r .ExitCode <<<"$row")" = 0 ] || fail "job $j: $row"
if command -v sqlite3 >/dev/null 2>&1; then
	ev=$(sqlite3 "file:$T/state/queue.db?mode=ro" \
	    "SELECT event || ':' || run FROM job_events WHERE cluster = $j AND proc = 0 ORDER BY id" |
	    tr '\n' ' ')
	log "events of $j: $ev"
	[ "$(grep -o 'terminate:[0-9]*' <<<"$ev" | tr '\n' ' ')" = "terminate:2 " ] ||
	    fail "job $j: not exactly one terminate event, from run 2: $ev"
	grep -q 'execute:1 .*execute:2' <<<"$ev" || fail "job $j: events $ev"
fi
# The cut-off agent takes work again.
k=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq wait -t 10 "$k" || fail "job $k did not run"
exit 0
