#!/bin/bash
# t-presence-ckpt: owner-aware placement knows from the submit file which
# jobs keep their work at a vacate.  One desktop whose owner comes back
# within about 20 minutes (its presence history is put in its state
# directory).  One submit gives two 10-hour jobs: the first cannot
# checkpoint, the second has checkpoint_exit_code (its files travel).
# The desktop takes the second (a vacate costs it nothing) and the first
# waits for a desktop that stays free long enough; queue order alone
# would start the first.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
sdir=$(agent_state_dir "$T/agent-brief.d")
mkdir -p "$sdir"
{
	echo "presence 1"
	for ((i = 0; i < 336; i++)); do
		echo "bin $i 0 3600000 0 2000000"	# 1 h away, 2 returns
	done
	echo "end 336"
} > "$sdir/presence"
absence() {	# the ExpectedOwnerAbsence of slot1@brief
	cq status -af Name ExpectedOwnerAbsence 2>/dev/null |
	    awk '$1 == "slot1@brief" && $2 ~ /^[0-9]+$/ { print $2; f = 1 }
		END { exit !f }'
}
start_agent brief 1
wait_until 10 absence || fail "brief advertises no absence"
short=$(absence)
log "expected owner absence: $short s"
[ "$short" -ge 60 ] && [ "$short" -lt 36000 ] ||
    fail "brief's absence $short is not between a minute and 10 hours"

cat > ckpt.sub <<'SUB'
executable = /bin/sleep
transfer_executable = false
arguments = 600
+ExpectedRuntime = 36000
queue
checkpoint_exit_code = 85
queue
SUB
c=$(cq submit --terse ckpt.sub) || fail "submit failed"
where() {	# PROC: the machine job $c.PROC runs on
	cq q -af ProcId RemoteHost 2>/dev/null |
	    awk -v p="$1" '$1 == p && $2 != "undefined" { print $2; f = 1 }
		END { exit !f }'
}
wait_until 10 where 1 || fail "the checkpointing job did not start: $(cq q -l)"
[ "$(where 1)" = slot1@brief ] || fail "job $c.1 runs on $(where 1)"
state=$(cq q -af ProcId JobStatus 2>/dev/null | awk '$1 == 0 { print $2 }')
[ "$state" = 1 ] || fail "job $c.0 is not idle (JobStatus $state): $(cq q -l)"
cq rm "$c" >/dev/null
log "ok"
