#!/bin/bash
# t-creds-throttle: failed proofs are counted per source address.  With
# auth_failures = 3, three agents with wrong tokens from 127.0.0.1 get the
# address blocked (logged); then even an agent with a valid token from
# there is refused at accept (logged) and does not register, while an
# agent that was connected before keeps its link and runs jobs.
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_EXTRA="auth_failures = 3
auth_window = 5m
auth_block = 10m"
start_schedd 10s
start_agent early 1

good=$SCHEDD_POOL_TOKEN
wrong=${good%????}beef
[ "$wrong" != "$good" ] || wrong=${good%????}cafe
AGENT_NO_WAIT=1
for i in 1 2 3; do
	AGENT_TOKEN=$wrong start_agent "bad$i" 1
done
wait_until 20 grep -q "source 127.0.0.1 blocked for 600 s after 3 failed proofs" schedd.log ||
    fail "the address was not blocked"
grep -q "refused: wrong secret for pool token .* (failure 1 from 127.0.0.1" schedd.log ||
    fail "the first failure was not logged with its count"

start_agent late 1
AGENT_NO_WAIT=0
wait_until 30 grep -q "agents: connection from 127.0.0.1 refused: blocked for [0-9]* s more after failed proofs" schedd.log ||
    fail "a connection from the blocked address was not refused"
agent_connected late >/dev/null && fail "agent late registered from a blocked address"
[ -e "$(agent_state_dir agent-late.d)"/credential ] && fail "agent late got a credential"

# The agent connected before keeps working.
agent_connected early >/dev/null || fail "agent early lost its link"
j=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq wait -t 20 "$j" || fail "job $j did not run on early"
[ "$(cq history --json "$j" | jq -r '.[0].LastRemoteHost')" = slot1@early ] ||
    fail "job $j ran elsewhere"
exit 0
