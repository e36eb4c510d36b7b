#!/bin/bash
# t-presence-learn: a job with no +ExpectedRuntime is placed by the run
# time its cluster's completed procs took.  Desktop "away" advertises an
# owner absence of days, "blink" one of under a minute (its history: an
# owner who comes back within seconds).  A cluster of two `sleep 3` procs
# materialized one at a time: the first, of unknown run time, takes the
# slot free longest (away, registered first); once it has completed, the
# cluster's run time is learned (3 s), which blink's absence does not
# cover, so the second goes to away again, although blink has been free
# longer (owner-blind placement would give it blink).
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
seed blink 36000 100000000	# 36 s away per half hour, 100 returns
start_agent away 1
start_agent blink 1
wait_until 10 absence away || fail "away advertises no absence"
wait_until 10 absence blink || fail "blink advertises no absence"
log "expected owner absence: away $(absence away) s, blink $(absence blink) s"
[ "$(absence blink)" -lt 3 ] || fail "blink's absence is not under 3 s"

cat > learn.sub <<'SUB'
executable = /bin/sleep
arguments = 3
max_materialize = 1
queue 2
SUB
c=$(cq submit --terse learn.sub) || fail "submit failed"
where() {	# PROC: the machine job $c.PROC runs on
	cq q -af ProcId RemoteHost 2>/dev/null |
	    awk -v p="$1" '$1 == p && $2 != "undefined" { print $2; f = 1 }
		END { exit !f }'
}
wait_until 10 where 0 || fail "proc 0 did not start: $(cq q -l)"
[ "$(where 0)" = slot1@away ] || fail "proc 0 runs on $(where 0), not away"
wait_until 20 where 1 || fail "proc 1 did not start: $(cq q -l)"
log "proc 1 runs on $(where 1)"
[ "$(where 1)" = slot1@away ] ||
    fail "proc 1 runs on $(where 1), not away (the learned 3 s fit only there)"
cq rm "$c" >/dev/null
log "ok"
