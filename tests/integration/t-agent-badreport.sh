#!/bin/bash
# t-agent-badreport: what an agent reports is checked member by member
# (common/agentmsg.c) before anything is applied.  An agent that proved
# its name sends an `exited` report with exit code 999: its link is
# closed with the member and the fault in the scheduler's log, and the
# scheduler goes on (a job runs and completes on a real agent).  The same
# agent sending the same report with exit code 0 keeps its link and gets
# its `exit-ack` (a report on a run it holds no longer is acknowledged).
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the rogue agent"

start_schedd 10s
ROGUE="python3 $CQ_SRCDIR/tests/lib/rogue-agent.py --tls --token $SCHEDD_POOL_TOKEN --credential-file $T/bad1.cred"

$ROGUE --addr "$SCHEDD_ADDR" --name bad1 --act report --job 5.0 --run 1 \
    --code 999 --linger 5 > bad1.out 2>&1 ||
    fail "the rogue agent broke off: $(cat bad1.out)"
wait_until 10 grep -q "agent bad1 (.*closed: bad exited message: code: out of range" \
    "$T/schedd.log" || fail "the bad report did not close the link: $(grep bad1 "$T/schedd.log")"
grep -qx closed bad1.out || fail "the rogue saw no close: $(cat bad1.out)"
grep -q "got exit-ack" bad1.out && fail "the bad report was acknowledged"
log "exit code 999: refused, the link closed"

$ROGUE --addr "$SCHEDD_ADDR" --name bad1 --act report --job 5.0 --run 1 \
    --code 0 --linger 3 > bad2.out 2>&1 ||
    fail "the rogue agent broke off: $(cat bad2.out)"
grep -q "got exit-ack" bad2.out || fail "a good report was not acknowledged: $(cat bad2.out)"
grep -qx open bad2.out || fail "a good report closed the link: $(cat bad2.out)"
log "exit code 0: acknowledged, the link open"

start_agent a1 1
id=$(cq submit --terse -- /bin/sh -c "exit 4") || fail "cq submit failed"
wait_queue_empty 30 || fail "the job did not complete: $(cq q -a --json)"
[ "$(cq history --json "$id.0" | jq -r '.[0].ExitCode')" = 4 ] ||
    fail "history: $(cq history --json "$id.0")"
log "the scheduler went on: job $id.0 completed with its exit code"
exit 0
