#!/bin/bash
# t-creds-approve: agents with no secret (netbooted desktops) ask for a
# credential.  A request waits, listed by cq pool agents, until
# `cq pool approve N`; the agent's next hello gets its credential and it
# runs jobs.  A run-time auto-approve rule (cq pool auto-approve CIDR)
# grants a request from inside the block at once; ended (--lifetime 0) it
# grants nothing.  The configured auto_approve block grants during its
# window after start-up, also a request that was pending before.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
AGENT_TOKEN=			# none of these agents has a token
AGENT_NO_WAIT=1 start_agent desk1 1
wait_until 15 grep -q "agent desk1 from 127.0.0.1: credential request [0-9]* pending approval" schedd.log ||
    fail "no pending request of desk1"
n=$(grep -o "agent desk1 from 127.0.0.1: credential request [0-9]*" schedd.log | head -1 | awk '{print $NF}')
req=$(cq pool agents --json | jq -c --arg n "$n" '.[] | select(.id == $n)')
[ "$(jq -r '"\(.kind) \(.name) \(.state) \(.source)"' <<<"$req")" = \
    "request desk1 pending 127.0.0.1" ] || fail "request $n: $req"
j=$(cq submit --terse -- /bin/echo approved) || fail "submit failed"
sleep 1
agent_connected desk1 >/dev/null && fail "desk1 registered without approval"
[ "$(count_jobs '.JobStatus == 1')" -eq 1 ] || fail "the job did not wait"

out=$(cq pool approve "$n") || fail "cq pool approve $n failed: $out"
wait_until 30 agent_connected desk1 || fail "desk1 did not register after the approval"
cq wait -t 20 "$j" || fail "job $j did not run on desk1"
[ "$(cq history --json "$j" | jq -r '.[0].LastRemoteHost')" = slot1@desk1 ] ||
    fail "job $j ran elsewhere"
[ -f "$(agent_state_dir agent-desk1.d)"/credential ] || fail "desk1 kept no credential"
[ -e "$(agent_state_dir agent-desk1.d)"/request ] && fail "desk1 kept its request key"
cid=$(cut -d. -f2 "$(agent_state_dir agent-desk1.d)"/credential)
[ "$(cq pool agents --json | jq -r --arg i "$cid" '.[] | select(.id == $i) | "\(.name) \(.how)"')" = \
    "desk1 approved by root" ] || fail "desk1's credential: $(cq pool agents --json)"
out=$(cq pool approve "$n" 2>&1) && fail "a second approval of $n worked: $out"
log "request $n approved, desk1 enrolled"

# A run-time rule: granted at the first hello.
cq pool auto-approve 127.0.0.0/8 --lifetime 10m >/dev/null ||
    fail "cq pool auto-approve failed"
[ "$(cq pool auto-approve --json | jq -r '.[] | "\(.netblock) \(.from)"')" = \
    "127.0.0.0/8 rule" ] || fail "rules: $(cq pool auto-approve --json)"
start_agent desk2 1
grep -q "agent desk2 from 127.0.0.1: issued credential [0-9a-f]* (auto 127.0.0.0/8)" schedd.log ||
    fail "desk2 was not auto-approved"
out=$(cq pool auto-approve 10.1.2.3/8 2>&1) && fail "a block with host bits was taken: $out"
case $out in *"bits set past the prefix"*) ;; *) fail "bad block: $out" ;; esac

# A netbooted desktop that rebooted lost its secret with its RAM disk:
# inside the block its auto-approved name gets a new credential...
old=$(cut -d. -f2 "$(agent_state_dir agent-desk2.d)"/credential)
stop_agent desk2
rm -rf agent-desk2.d/state
start_agent desk2 1
grep -q "agent desk2 from 127.0.0.1: credential $old (auto 127.0.0.0/8, not connected) replaced by auto-approval" schedd.log ||
    fail "desk2's auto-approved name was not given a new credential"
[ "$(cut -d. -f2 "$(agent_state_dir agent-desk2.d)"/credential)" != "$old" ] ||
    fail "desk2 kept its old credential"
# ...but a name an administrator approved is never taken that way.
stop_agent desk1
mv agent-desk1.d/state agent-desk1.d/state.keep
AGENT_NO_WAIT=1 start_agent desk1 1
wait_until 15 grep -q "agent desk1 from 127.0.0.1: refused: name desk1 belongs to another agent (credential $cid" schedd.log ||
    fail "a request took desk1's approved name"
stop_agent desk1
rm -rf agent-desk1.d/state
mv agent-desk1.d/state.keep agent-desk1.d/state
start_agent desk1 1

# Ended: nothing more is granted.
cq pool auto-approve 127.0.0.0/8 --lifetime 0 >/dev/null || fail "ending the rule failed"
[ "$(cq pool auto-approve --json | jq length)" -eq 0 ] ||
    fail "rules left: $(cq pool auto-approve --json)"
AGENT_NO_WAIT=1 start_agent desk3 1
wait_until 15 grep -q "agent desk3 from 127.0.0.1: credential request [0-9]* pending approval" schedd.log ||
    fail "desk3 was not left pending"

# The configured block, open for an hour after start-up: desk3's pending
# request is granted at its next hello.
stop_schedd
SCHEDD_EXTRA="auto_approve = 127.0.0.0/8, ::1/128"
write_schedd_conf 10s "$SCHEDD_ADDR"	# the agents' address stays
start_schedd
wait_until 30 agent_connected desk3 || fail "desk3 was not granted by auto_approve"
grep -q "agent desk3 from 127.0.0.1: issued credential [0-9a-f]* (auto 127.0.0.0/8)" schedd.log ||
    fail "desk3's credential did not come from the configured block"
grep -q "auto_approve: requests from 127.0.0.0/8 are granted for 3600 s" schedd.log ||
    fail "the scheduler did not log its auto_approve block"
for a in desk1 desk2; do
	wait_until 20 agent_connected "$a" || fail "$a did not come back"
done
exit 0
