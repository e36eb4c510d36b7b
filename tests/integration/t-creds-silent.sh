#!/bin/bash
# t-creds-silent: a netbooted desktop switched off right after its hello
# (before its ad) must not keep its name from itself when it boots again.
# A link that proved a name is given the scheduler's lease for its ad; a
# silent one is closed then, so an auto-approved name whose agent said
# hello and went quiet is granted again, as docs/credentials.md ("Machine
# names") promises: at the latest when the old link misses the lease.
# Until then the name is refused to a second request ("connected now").
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the rogue agent"

SCHEDD_EXTRA="auto_approve = 127.0.0.0/8"
start_schedd 10s
ROGUE="python3 $CQ_SRCDIR/tests/lib/rogue-agent.py --tls --addr $SCHEDD_ADDR --name desk1"
key() {
	printf 'cqr1.%s' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
}

# Boot 1: hello with a request key, granted by the block, then nothing.
$ROGUE --request "$(key)" --act mute --linger 60 > mute.out 2>&1 &
mute=$!
at_cleanup kill "$mute"
wait_until 20 grep -q "agent desk1 from 127.0.0.1: issued credential [0-9a-f]* (auto 127.0.0.0/8)" \
    "$T/schedd.log" || fail "desk1 was not enrolled: $(cat mute.out)"
old=$(sed -n 's/.*agent desk1 from 127.0.0.1: issued credential \([0-9a-f]*\) (auto.*/\1/p' \
    "$T/schedd.log" | head -1)
log "boot 1: desk1 said hello (credential $old) and went silent"

# Boot 2 at once: the silent link still counts as connected.
$ROGUE --request "$(key)" --act machine --linger 0 > again1.out 2>&1 &&
    fail "the name was taken from a link within its lease: $(cat again1.out)"
grep -q "whose agent is connected now" again1.out ||
    fail "not refused as connected: $(cat again1.out)"

# Boot 2 keeps asking: once the silent link has had its lease, granted.
wait_until 40 $ROGUE --request "$(key)" --act machine --linger 0 ||
    fail "desk1 never got its name back from a silent link: $(grep desk1 "$T/schedd.log" | tail -5)"
grep -q "agent desk1 from 127.0.0.1: credential $old (auto 127.0.0.0/8, not connected) replaced by auto-approval" \
    "$T/schedd.log" || fail "the replacement was not logged"
wait "$mute" 2>/dev/null
grep -qx closed mute.out || fail "the silent link was not closed: $(cat mute.out)"
log "boot 2: the silent link was closed at its lease and desk1 re-enrolled"
exit 0
