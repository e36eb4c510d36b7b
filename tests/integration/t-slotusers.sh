#!/bin/bash
# t-slotusers: slot users are made by `cq pool up` as root and never by
# the agent.  An agent whose slot user is missing refuses that slot at
# start (it stays DRAINING, no job goes there) and says which useradd
# command makes it; `CQ_SLOT_USER=cqt-ps CQ_SLOTS=2 cq pool up` makes
# cqt-ps1 and cqt-ps2 (system users, no login shell), and its agent
# offers both slots.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root: slot users are for root agents"
command -v useradd >/dev/null 2>&1 || skip "useradd is not installed"
for u in cqt-none1 cqt-ps1 cqt-ps2; do
	at_cleanup "userdel $u 2>/dev/null"
	userdel "$u" 2>/dev/null
done

slots_are() {	# MACHINE STATE: every slot of MACHINE is in STATE
	cq status --json | jq -e --arg m "$1" --arg s "$2" \
	    '[.[] | select(.Machine == $m)] | length > 0 and all(.CqState == $s)' >/dev/null
}

start_schedd 10s
AGENT_EXTRA="slot_user = cqt-none" start_agent a1 1
grep -q "slot1: refused: no user cqt-none1 .*useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin cqt-none1" \
    "$T/agent-a1.log" || fail "no refusal naming the useradd command: $(grep slot1 "$T/agent-a1.log")"
wait_until 10 slots_are a1 DRAINING || fail "the refused slot is not DRAINING: $(cq status --json)"
j=$(cq submit --terse -- /bin/true) || fail "cq submit failed"
sleep 2
[ "$(cq q -a --json | jq -r '.[0].JobStatus')" = 1 ] ||
    fail "a job went to the refused slot: $(cq q -a --json)"
id cqt-none1 >/dev/null 2>&1 && fail "the agent made a user"
cq rm "$j" >/dev/null
stop_all
log "a missing slot user: slot refused, DRAINING, useradd named"

export CQ_HOME=$T/home
at_cleanup "\"$CQ_BIN\" pool down >/dev/null 2>&1"
CQ_SLOT_USER=cqt-ps CQ_SLOTS=2 cq pool up > pool-up.out 2>&1 ||
    fail "cq pool up: $(cat pool-up.out)"
for u in cqt-ps1 cqt-ps2; do
	grep -qx "made the slot user $u" pool-up.out ||
	    fail "cq pool up did not say it made $u: $(cat pool-up.out)"
	[ "$(getent passwd $u | cut -d: -f6,7)" = /nonexistent:/usr/sbin/nologin ] ||
	    fail "$u: $(getent passwd $u)"
	[ "$(id -u $u)" -lt 1000 ] || fail "$u is not a system user: $(id $u)"
done
grep -q "refused" "$CQ_HOME"/log/startd-1.log &&
    fail "the pool's agent refused a slot: $(grep refused "$CQ_HOME"/log/startd-1.log)"
cq pool down >/dev/null || fail "cq pool down failed"
log "cq pool up made cqt-ps1 and cqt-ps2; its agent refused no slot"
exit 0
