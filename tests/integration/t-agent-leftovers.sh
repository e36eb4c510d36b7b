#!/bin/bash
# t-agent-leftovers: after kill -9 of an agent, its job's leader dies with
# it (parent-death signal) but the job's other processes live on in the
# job's cgroup; the agent's next start kills what is left of them.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" = 0 ] || skip "job cgroups need root"
start_schedd 2s
start_agent a1 1
cat > kids.sh <<'SH'
#!/bin/sh
sleep 300 & echo $! > kid1
sleep 300 & echo $! > kid2
wait
SH
chmod +x kids.sh
c=$(cq submit --terse -- "$T/kids.sh") || fail "submit failed"
wait_until 10 test -s kid2 || fail "the job did not start its children"
k1=$(cat kid1); k2=$(cat kid2)
grep -q "cgroup2 freeze+kill" agent-a1.log ||
    skip "this agent has no cgroup2 containment here: $(grep jobctl: agent-a1.log)"
stop_agent a1 KILL
sleep 0.5
kill -0 "$k1" 2>/dev/null && kill -0 "$k2" 2>/dev/null ||
    fail "the children died with the agent; this test expects them to survive it"
start_agent a1 1
gone() { ! kill -0 "$k1" 2>/dev/null && ! kill -0 "$k2" 2>/dev/null; }
wait_until 5 gone || fail "the dead agent's job children still run: $k1 $k2"
grep -q "killed what was left of job cgroup" agent-a1.log ||
    fail "no log line for the cleanup"
cq rm "$c" >/dev/null
log "leftovers of a killed agent's job were killed at its next start"
