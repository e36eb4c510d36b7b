#!/bin/bash
# t-submit-hold: `hold = true` in a submit file, as condor_submit's: the
# jobs enter the queue HELD with HTCondor's hold code 15 (SubmittedOnHold)
# and its reason, the user log has their submit events and no held one
# (as HTCondor writes it), the hold outlives a scheduler restart, and
# `cq release` lets them run to the end (a released event each).
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
write_schedd_conf 10s "$SCHEDD_ADDR"	# a restart keeps the address
start_agent a1 2

cat > held.sub <<SUB
executable = /bin/sh
arguments = "-c 'echo ran \$(Process)'"
output = out.\$(Process)
log = held.log
hold = true
queue 2
SUB
c=$(cq submit --terse held.sub) || fail "cq submit held.sub failed"
want="5 15 submitted on hold at user's request"
for p in 0 1; do
	got=$(cq q -af JobStatus HoldReasonCode HoldReason "$c.$p")
	[ "$got" = "$want" ] || fail "job $c.$p: '$got', not '$want'"
done
cc=$(printf %03d "$c")
wait_until 10 sh -c "grep -c '^000 ($cc\.' held.log | grep -qx 2" ||
    fail "the user log has no submit event for each job: $(cat held.log)"
grep -q '^012 ' held.log && fail "a held event at submit: $(cat held.log)"
log "submitted on hold: HELD, code 15, submit events in the user log"

stop_schedd
start_schedd
got=$(cq q -af JobStatus HoldReasonCode HoldReason "$c.1")
[ "$got" = "$want" ] || fail "after a restart, job $c.1: '$got'"
# Never started while held.
[ "$(cq q -af NumJobStarts "$c" | sort -u)" = 0 ] && [ ! -e out.0 ] ||
    fail "a job submitted on hold ran: $(cq q -af ProcId NumJobStarts "$c")"

wait_until 10 agent_connected a1 || fail "agent a1 did not come back"
cq release "$c" || fail "cq release $c failed"
wait_queue_empty 30 || fail "cluster $c not done within 30 s: $(cq q -af ProcId JobStatus HoldReason "$c")"
[ "$(cat out.0 out.1)" = "ran 0
ran 1" ] || fail "outputs after the release: $(cat out.0 out.1)"
[ "$(grep -c "^013 ($cc\." held.log)" = 2 ] ||
    fail "no released event for each job: $(cat held.log)"
log "released after a restart: both ran"
exit 0
