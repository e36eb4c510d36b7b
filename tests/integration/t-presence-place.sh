#!/bin/bash
# t-presence-place: owner-aware placement.  Two desktops advertise
# different expected owner absences (their presence histories are put in
# their state directories: one owner comes back within about 20 minutes,
# the other stays away for days).  One submit gives a short job
# (+ExpectedRuntime = 60) and a long one (10 hours): the short job takes
# the short absence and the long job the long one, whichever desktop the
# free list offers first (the long-absence one registers first, so
# owner-blind placement would give it the short job).
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
seed() {	# NAME AWAY_MS RETURNS_MICRO: a history in NAME's state dir
	local sdir
	sdir=$(agent_state_dir "$T/agent-$1.d")
	mkdir -p "$sdir"
	{
		echo "presence 1"
		for ((i = 0; i < 336; i++)); do
			echo "bin $i 0 $2 0 $3"
		done
		echo "end 336"
	} > "$sdir/presence"
}
absence() {	# NAME: the ExpectedOwnerAbsence of slot1@NAME
	cq status -af Name ExpectedOwnerAbsence 2>/dev/null |
	    awk -v n="slot1@$1" '$1 == n && $2 ~ /^[0-9]+$/ { print $2; f = 1 }
		END { exit !f }'
}
seed away 360000000 1000000	# 100 h away per half hour, 1 return
seed brief 3600000 2000000	# 1 h away per half hour, 2 returns
start_agent away 1
start_agent brief 1
wait_until 10 absence away || fail "away advertises no absence"
wait_until 10 absence brief || fail "brief advertises no absence"
long=$(absence away) short=$(absence brief)
log "expected owner absence: away $long s, brief $short s"
[ "$long" -gt 36000 ] || fail "away's absence $long is not over 10 hours"
[ "$short" -ge 60 ] && [ "$short" -lt 36000 ] ||
    fail "brief's absence $short is not between a minute and 10 hours"

cat > place.sub <<'SUB'
executable = /bin/sleep
arguments = 60
+ExpectedRuntime = $(rt)
queue rt in (60, 36000)
SUB
c=$(cq submit --terse place.sub) || fail "submit failed"
where() {	# PROC: the machine job $c.PROC runs on
	cq q -af ProcId RemoteHost 2>/dev/null |
	    awk -v p="$1" '$1 == p && $2 != "undefined" { print $2; f = 1 }
		END { exit !f }'
}
wait_until 10 where 0 || fail "the short job did not start: $(cq q -l)"
wait_until 10 where 1 || fail "the long job did not start: $(cq q -l)"
s0=$(where 0) s1=$(where 1)
log "short job on $s0, long job on $s1"
[ "$s0" = slot1@brief ] || fail "the short job runs on $s0, not slot1@brief"
[ "$s1" = slot1@away ] || fail "the long job runs on $s1, not slot1@away"
grep -q "placement: owner-aware" "$T/schedd.log" ||
    fail "the scheduler does not log its placement"
cq rm "$c" >/dev/null
log "ok"
