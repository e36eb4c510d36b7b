#!/bin/bash
# t-owner-admin: an agent with `agent = off` registers and never gets a
# job; `cq drain` lets the running job finish and starts no new one there
# (`--cancel` undoes it); `cq vacate` sends a running job elsewhere; `cq
# reclaim` (the person at the desktop) vacates and keeps the slots OWNER
# for its duration, and is refused to a user without a console session.
. "$(dirname "$0")/../lib/lib.sh"

chmod 755 "$T"		# the agents' sockets must be reachable by uid 65534
start_schedd 10s
AGENT_EXTRA="agent = off" start_agent off 2
slots_are() {	# MACHINE STATE: every slot of MACHINE is in STATE
	cq status --json | jq -e --arg m "$1" --arg s "$2" \
	    '[.[] | select(.Machine == $m)] | length > 0 and all(.CqState == $s)' >/dev/null
}
slots_are off OWNER || fail "agent = off is not OWNER: $(cq status --json)"
c=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
sleep 1
[ "$(count_jobs '.JobStatus == 1')" -eq 1 ] || fail "a job started on an agent that is off"

AGENT_EXTRA="max_vacate_time = 1s" start_agent a1 1
on_a1() { [ "$(count_jobs '.JobStatus == 2 and .RemoteHost == "slot1@a1"')" -eq 1 ]; }
wait_until 10 on_a1 || fail "job not on a1: $(cq q --json)"

# drain: the job runs on, a new one does not start there.
cq drain a1 >/dev/null || fail "cq drain failed"
sleep 0.5
on_a1 || fail "drain stopped the running job"
cq rm "$c" >/dev/null
wait_until 10 slots_are a1 DRAINING || fail "a1 not DRAINING: $(cq status --json)"
d=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
sleep 1
[ "$(count_jobs '.JobStatus == 1')" -eq 1 ] || fail "a job started on a draining agent"
cq drain --cancel a1 >/dev/null || fail "cq drain --cancel failed"
wait_until 10 on_a1 || fail "job not started after drain --cancel: $(cq q --json)"

# vacate: the job leaves a1 and runs on a2.
start_agent a2 1
cq vacate a1 >/dev/null || fail "cq vacate failed"
on_a2() { [ "$(count_jobs '.JobStatus == 2 and .RemoteHost == "slot1@a2"')" -eq 1 ]; }
wait_until 10 on_a2 || fail "vacated job not on a2: $(cq q --json)"
cq rm "$d" >/dev/null

# reclaim: by a user with no console session: refused.
e=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
wait_until 10 test "$(count_jobs '.JobStatus == 2')" -eq 1 || fail "job e not running"
where=$(cq q --json | jq -r '.[0].RemoteHost | split("@")[1]')
if command -v setpriv >/dev/null 2>&1; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CQ_BIN" reclaim -s "$T/agent-$where.sock" 2>&1) &&
	    fail "reclaim by uid 65534 succeeded: $out"
	case $out in
	*"permission denied"*) ;;
	*) fail "reclaim by uid 65534: unexpected answer: $out" ;;
	esac
fi
# by root (the agent's own user): the job leaves, the slots stay OWNER.
cq reclaim -t 3s -s "$T/agent-$where.sock" >/dev/null || fail "cq reclaim failed"
wait_until 5 slots_are "$where" OWNER || fail "$where not OWNER after reclaim"
moved() { [ "$(count_jobs '.JobStatus == 2 and (.RemoteHost | endswith("@'"$where"'") | not)')" -eq 1 ]; }
wait_until 10 moved || fail "reclaimed job did not move: $(cq q --json)"
wait_until 8 slots_are "$where" UNCLAIMED || fail "$where not offered again after the reclaim"
cq rm "$e" >/dev/null
log "agent = off, drain, vacate and reclaim as expected"
