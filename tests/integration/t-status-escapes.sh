#!/bin/bash
# t-status-escapes: what an agent says of itself is printed by cq status
# on an administrator's terminal.  An agent whose CqOwnerReason holds a
# terminal control (ESC, a C1 CSI) loses its link ("bad ad", its own
# only) and nothing of it reaches cq status; an agent with a plain reason
# and an image version is listed as Owner for good with them.
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the rogue agent"

start_schedd 10s
ROGUE="python3 $CQ_SRCDIR/tests/lib/rogue-agent.py --tls --token $SCHEDD_POOL_TOKEN --addr $SCHEDD_ADDR"
ad() {
	printf '{"Arch":"X86_64","OpSys":"LINUX","CqOwnerReason":"%s"%s}' "$1" "${2:-}"
}

n=0
for bad in 'x\u001b]0;owned\u0007' 'x\u001b[2J' 'x\u009b2J' 'a\nb'; do
	n=$((n + 1))
	out=$($ROGUE --name "esc$n" --act machine --machine "$(ad "$bad")" \
	    --linger 3 2>&1)
	grep -qx closed <<<"$out" || fail "reason '$bad' kept its link: $out"
done
[ "$(grep -c "bad ad: machine ad: CqOwnerReason is not" "$T/schedd.log")" = 4 ] ||
    fail "the scheduler did not say why: $(grep esc "$T/schedd.log")"
log "reasons with terminal controls: refused, the link closed"

$ROGUE --name plain1 --act machine --linger 30 \
    --machine "$(ad 'opted out on this machine (agent = off, kernel command line)' \
    ',"CqImageVersion":"2026.12.06-1"')" > plain1.out 2>&1 &
at_cleanup kill $!
wait_until 20 agent_connected plain1 || fail "plain1 did not register: $(cat plain1.out)"
cq status > status.out || fail "cq status failed"
grep -q "^  plain1: opted out on this machine (agent = off, kernel command line)$" \
    status.out || fail "no reason line: $(cat status.out)"
grep -q "2026.12.06-1" status.out || fail "no IMAGE: $(cat status.out)"
grep -q esc status.out && fail "a refused agent is listed: $(cat status.out)"
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' status.out &&
    fail "cq status printed a control character: $(od -c status.out | head)"
log "a plain reason and image version are shown, no control character"
exit 0
