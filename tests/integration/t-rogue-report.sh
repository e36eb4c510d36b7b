#!/bin/bash
# t-rogue-report: an agent may report only on runs it was given.  A job
# runs on the real agent a1 and waits; a rogue agent (tests/lib/
# rogue-agent.py, another name) reports `started` and `exited` with exit 0
# for that job's current run (visible to anyone in cq q -a --json): both
# are refused and logged, the real run is neither killed nor requeued.
# The rogue comes back under the same name with an ad that claims to hold
# the job: the third claim closes its link before the ad changes anything.
# The job then completes with its real exit code, 3, and keeps run 1.
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the rogue agent"

start_schedd 10s
# An agent with a credential of its own (the token enrolls it once): a
# liar that proved who it is.
ROGUE="python3 $CQ_SRCDIR/tests/lib/rogue-agent.py --tls --token $SCHEDD_POOL_TOKEN --credential-file $T/rogue1.cred"
start_agent a1 1

cat > job.sh <<EOF
#!/bin/sh
while [ ! -e "$T/go" ]; do sleep 0.1; done
exit 3
EOF
chmod +x job.sh
id=$(cq submit --terse -- "$T/job.sh") || fail "cq submit failed"
id=$id.0
running() {
	[ "$(cq q -a --json | jq -r '.[0] | "\(.JobStatus) \(.RemoteHost)"')" = "2 slot1@a1" ]
}
wait_until 20 running || fail "the job did not start on a1: $(cq q -a --json)"
run=$(cq q -a --json | jq -r '.[0].JobRunCount')
log "job $id run $run running on a1"

# Claims on a run given to a1: refused, logged, nothing changes.
$ROGUE --addr "$SCHEDD_ADDR" --name rogue1 --act report --job "$id" \
    --run "$run" --code 0 --linger 0.5 > rogue1.out 2>&1 ||
    fail "the rogue agent broke off: $(cat rogue1.out)"
refused() {
	grep -q "agent rogue1: refused $1 for job $id run $run: that run was given to slot1@a1" \
	    "$T/schedd.log"
}
wait_until 10 refused "a start report" || fail "the start report was not refused"
wait_until 10 refused "an exit report" || fail "the exit report was not refused"
running || fail "the rogue's report changed the job: $(cq q -a --json)"
[ "$(cq q -a --json | jq -r '.[0].JobRunCount')" = "$run" ] ||
    fail "the job's run changed: $(cq q -a --json)"

# Third claim (an ad holding the job): the link is closed.
$ROGUE --addr "$SCHEDD_ADDR" --name rogue1 --act ad --job "$id" \
    --run "$run" --linger 5 > rogue2.out 2>&1 ||
    fail "the rogue agent broke off: $(cat rogue2.out)"
wait_until 10 refused "holding in its ad" || fail "the ad's claim was not refused"
wait_until 10 grep -q "closed: too many claims on runs it was not given" \
    "$T/schedd.log" || fail "the rogue's link was not closed"
grep -q "job $id run $run is stale, killing" "$T/schedd.log" &&
    fail "the scheduler ordered a kill of the real run"
grep -q "kill.*$id" agent-a1.log &&
    fail "agent a1 was told to kill the real run: $(grep kill agent-a1.log)"
running || fail "the rogue's ad changed the job: $(cq q -a --json)"
log "three claims refused, the rogue's link closed, the job still on a1"

touch "$T/go"
wait_queue_empty 30 || fail "the job did not complete: $(cq q -a --json)"
hist=$(cq history --json "$id")
[ "$(jq -r '.[0].ExitCode' <<<"$hist")" = 3 ] ||
    fail "history shows exit $(jq -r '.[0].ExitCode' <<<"$hist"), not the real 3: $hist"
[ "$(jq -r '.[0].JobRunCount' <<<"$hist")" = "$run" ] ||
    fail "the job ran again: $hist"
[ "$(jq -r '.[0].LastRemoteHost' <<<"$hist")" = slot1@a1 ] ||
    fail "the job completed elsewhere: $hist"
log "the job completed on a1 with its real exit code 3"
exit 0
