#!/bin/bash
# t-token: with a pool token set, an agent without it or with a wrong one
# is refused ("bad pool token") and never gets a job; an agent with the
# right token registers and runs jobs.
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_TOKEN=s3cret-pool-token
start_schedd 10s

AGENT_NO_WAIT=1
AGENT_TOKEN=wrong-token start_agent bad1 1
AGENT_TOKEN= start_agent bad2 1
AGENT_NO_WAIT=0
refused_twice() {
	[ "$(grep -c 'closed: bad pool token' "$T/schedd.log")" -ge 2 ]
}
wait_until 10 refused_twice || fail "the scheduler did not refuse both agents"
grep -q "scheduler says: bad pool token" agent-bad1.log ||
    fail "agent bad1 was not told why"

j=$(cq submit --terse -- /bin/echo hello) || fail "submit failed"
sleep 1
[ "$(cq status --json | jq length)" -eq 0 ] ||
    fail "a refused agent shows in the pool: $(cq status --json)"
[ "$(count_jobs '.state == "IDLE"')" -eq 1 ] || fail "the job did not stay IDLE: $(cq q --json)"

AGENT_TOKEN=$SCHEDD_TOKEN start_agent good 1
cq wait -t 20 "$j" || fail "job $j did not run on the agent with the token"
[ "$(cq history --json "$j" | jq -r '.[0].machine')" = "slot1@good" ] ||
    fail "job $j ran elsewhere: $(cq history --json "$j")"
[ "$(cat "cq-$j.out")" = hello ] || fail "job $j output: $(cat "cq-$j.out")"
# The refused agents are still out.
[ "$(cq status --json | jq -c '[.[].machine] | unique')" = '["good"]' ] ||
    fail "pool: $(cq status --json)"
exit 0
