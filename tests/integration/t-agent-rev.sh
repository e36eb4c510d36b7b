#!/bin/bash
# t-agent-rev: protocol revisions between the scheduler and its agents
# (docs/protocol.md, "Revisions").  Rogue agents (tests/lib/rogue-agent.py)
# play agents of other cq versions:
# - one announcing a revision newer than the scheduler's adds a member
#   the scheduler does not know to its ad, machine ad and heartbeat: all
#   ignored, its link stays open and it is listed;
# - at the same time one announcing the scheduler's own revision sends
#   the same: its link, and only its, is closed (unknown member);
# - one announcing no revision (an agent older than revisions) is sent
#   a hello and a start order without the members added since (rev,
#   jobad), one of this revision gets them;
# - a real agent with a scheduler of revision 0 (tests/lib/fake-schedd.py)
#   does not send it its image version;
# and the scheduler goes on: a job completes on a real agent.
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the rogue agent"

start_schedd 10s
ROGUE="python3 $CQ_SRCDIR/tests/lib/rogue-agent.py --tls --token $SCHEDD_POOL_TOKEN --addr $SCHEDD_ADDR"

# The scheduler's own revision, as its hello says it.
$ROGUE --name probe --rev 1 --act machine --linger 0 > probe.out 2>&1 ||
    fail "the probe broke off: $(cat probe.out)"
REV=$(sed -n 's/^rogue: hello rev: //p' probe.out)
[ -n "$REV" ] && [ "$REV" -ge 1 ] ||
    fail "the scheduler's hello to a revision-1 agent has no rev: $(cat probe.out)"
newer=$((REV + 41))

$ROGUE --name new1 --rev $newer --act extra --linger 4 > new1.out 2>&1 &
newpid=$!
$ROGUE --name same1 --rev $REV --act extra --linger 4 > same1.out 2>&1 ||
    fail "the same-revision rogue broke off before its heartbeat: $(cat same1.out)"
wait $newpid || fail "the newer rogue broke off: $(cat new1.out)"
grep -qx closed same1.out || fail "same revision, unknown member: link not closed: $(cat same1.out)"
grep -q "agent same1 (.*closed: bad ad message: unknown member" schedd.log ||
    fail "no reason logged for same1: $(grep same1 schedd.log)"
grep -qx open new1.out || fail "the newer agent's link was closed: $(cat new1.out) $(grep new1 schedd.log)"
grep -q "agent new1 (.*: protocol revision $newer, this scheduler's $REV: what this scheduler does not know is ignored" \
    schedd.log || fail "the newer revision is not logged: $(grep new1 schedd.log)"
grep -q "agent new1 (.*closed: bad" schedd.log && fail "new1 closed: $(grep new1 schedd.log)"
cq status --json | jq -e '[.[] | select(.Machine == "new1")] | length == 1' >/dev/null ||
    fail "new1 is not listed: $(cq status --json)"
log "revision $newer: unknown members ignored; revision $REV: its own link closed"

# Two jobs, one for each of the next two rogues (one slot each).
cq submit --terse -- /bin/true >/dev/null || fail "cq submit failed"
cq submit --terse -- /bin/true >/dev/null || fail "cq submit failed"
$ROGUE --name old1 --act start --wait 20 --linger 0 > old1.out 2>&1 ||
    fail "the old agent got no start: $(cat old1.out)"
$ROGUE --name cur1 --rev $REV --act start --wait 20 --linger 0 > cur1.out 2>&1 ||
    fail "the current agent got no start: $(cat cur1.out)"
grep -q "rogue: hello members: .*rev" old1.out && fail "rev sent to an agent of revision 0: $(cat old1.out)"
grep -q "^rogue: start members: .*jobad" old1.out &&
    fail "jobad (revision 1) sent to an agent of revision 0: $(cat old1.out)"
grep -q "^rogue: start members: .*desc" old1.out || fail "old1's start: $(cat old1.out)"
grep -q "^rogue: start members: .*jobad" cur1.out ||
    fail "jobad not sent to an agent of revision $REV: $(cat cur1.out)"
grep -q "agent old1 (.*: protocol revision 0, this scheduler's $REV: what it does not know is not sent to it" \
    schedd.log || fail "old1's revision is not logged: $(grep old1 schedd.log)"
log "revision 0: no rev, no jobad; revision $REV: both"

# A real agent and a scheduler of revision 0 (tests/lib/fake-schedd.py):
# the image version (revision 1) stays off the wire.
printf '2026.12.06-7\n' > "$T/version-b1"
python3 "$CQ_SRCDIR/tests/lib/fake-schedd.py" --port-file "$T/fake.port" \
    --rev -1 --job 77.0 --wait 60 > fake.out 2> fake.err &
fake=$!
wait_until 10 test -s "$T/fake.port" || fail "the fake scheduler did not start"
INSECURE=1 AGENT_NO_WAIT=1 SCHEDD_ADDR=127.0.0.1:$(cat "$T/fake.port") \
    AGENT_TOKEN= AGENT_EXTRA="image_version_file = $T/version-b1" \
    start_agent b1 1
wait "$fake" || fail "the fake scheduler heard nothing of its order: $(cat fake.out fake.err)"
sed -n 's/^ad //p' fake.out | jq -e 'has("Arch") and (has("CqImageVersion") | not)' >/dev/null ||
    fail "the agent sent a revision-0 scheduler its image version: $(cat fake.out)"
grep -q "link: the scheduler speaks protocol revision 0, this agent $REV: what it does not know is not sent to it" \
    "$T/agent-b1.log" || fail "b1 did not log the scheduler's revision"
stop_agent b1
log "an agent with a revision-0 scheduler: no image version on the wire"

start_agent a1 1
id=$(cq submit --terse -- /bin/sh -c "exit 3") || fail "cq submit failed"
ended() {
	cq history --json "$id.0" | jq -e '.[0].ExitCode == 3' >/dev/null
}
wait_until 30 ended ||
    fail "the job did not complete on a1: $(cq q -a --json)"
log "the scheduler went on: job $id.0 completed on a1"
exit 0
