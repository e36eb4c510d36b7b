#!/bin/bash
# t-presence-restart: the agent's owner-presence history survives a
# restart.  A history of long absences is put in the agent's state
# directory; the agent advertises the expected absence it gives
# (ExpectedOwnerAbsence), saves the history it has kept at its stop (its
# own file, with the time it last looked), and after a restart advertises
# the same value from that file.  A damaged file is logged and the agent
# starts afresh (the value of an empty history) instead of failing.
# The owner is at the desk throughout (the activity file is new and
# idle_after is 15 minutes), so the test's seconds add no absence.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
dir=$T/agent-a1.d
sdir=$(agent_state_dir "$dir")
mkdir -p "$sdir"
# Every half hour of the week: 100 hours away, one return.
{
	echo "presence 1"
	for ((i = 0; i < 336; i++)); do
		echo "bin $i 0 360000000 0 1000000"
	done
	echo "end 336"
} > "$sdir/presence"
touch "$T/act"
absence() {	# the value a1's slot ad shows, or nothing
	cq status -af Name ExpectedOwnerAbsence 2>/dev/null |
	    awk '$1 == "slot1@a1" && $2 ~ /^[0-9]+$/ { print $2; f = 1 }
		END { exit !f }'
}
AGENT_ACTIVITY="file:$T/act" start_agent a1 1
wait_until 10 absence || fail "no ExpectedOwnerAbsence: $(cq status -l)"
a=$(absence)
log "advertised: $a s"
# ln(2) / (a rate of about 1 in 100 h): about 69 hours, not the 42
# minutes of an empty history.
[ "$a" -gt $((60 * 3600)) ] && [ "$a" -lt $((80 * 3600)) ] ||
    fail "ExpectedOwnerAbsence $a is not about 69 hours"
grep -q "presence history from $sdir/presence" "$T/agent-a1.log" ||
    fail "the agent did not say it loaded the history"

stop_agent a1
grep -q '^last [0-9]* 1$' "$sdir/presence" ||
    fail "the agent did not save its history at its stop: $(head -3 "$sdir/presence")"
[ -e "$sdir/presence.tmp" ] && fail "a temporary file is left"
AGENT_ACTIVITY="file:$T/act" start_agent a1 1
wait_until 10 absence || fail "no ExpectedOwnerAbsence after the restart"
b=$(absence)
log "advertised after the restart: $b s"
[ "$a" = "$b" ] || fail "ExpectedOwnerAbsence $a before the restart, $b after"

# A damaged history: logged, the agent starts afresh and runs on.
stop_agent a1
head -c 300 "$sdir/presence" > "$sdir/p" && mv "$sdir/p" "$sdir/presence"
AGENT_ACTIVITY="file:$T/act" start_agent a1 1
wait_until 10 absence || fail "no ExpectedOwnerAbsence with a bad file"
c=$(absence)
log "advertised with a damaged file: $c s"
grep -q "cut short?; the owner's presence history starts afresh" \
    "$T/agent-a1.log" || fail "the damaged file is not reported: $(tail -5 "$T/agent-a1.log")"
# An empty history: ln(2) hours, to the minute.
[ "$c" = 2520 ] || fail "ExpectedOwnerAbsence $c with an empty history, not 2520"
stop_agent a1
grep -q '^presence 1$' "$sdir/presence" || fail "no history saved afresh"

# As root, state_dir is root's own and may be 0700 (as the agent makes
# it, and systemd's StateDirectoryMode): the network child, cq-agent by
# then, still saves its history beside its credential.
if [ "$(id -u)" -eq 0 ]; then
	chmod 700 "$T/agent-a2.d/state" 2>/dev/null ||
	    { mkdir -p "$T/agent-a2.d/state" && chmod 700 "$T/agent-a2.d/state"; }
	AGENT_ACTIVITY="file:$T/act" start_agent a2 1
	stop_agent a2
	s2=$(agent_state_dir "$T/agent-a2.d")
	grep -q '^presence 1$' "$s2/presence" ||
	    fail "a2 (state_dir 0700) saved no history: $(grep absence "$T/agent-a2.log")"
	[ "$(stat -c %a "$T/agent-a2.d/state")" = 700 ] ||
	    fail "state_dir's mode changed"
	grep -q "presence history from\|no presence history yet ($s2/presence)" \
	    "$T/agent-a2.log" || fail "the log names the file oddly: $(grep absence "$T/agent-a2.log")"
else
	log "not root: the 0700 state_dir case needs the agent to drop to cq-agent (skipped part)"
fi
log "ok"
