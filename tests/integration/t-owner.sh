#!/bin/bash
# t-owner: the desktop policy end to end with the file: activity source.
# A long job is suspended as soon as the owner is active (its processes
# stop making progress), resumed after resume_after of quiet, and, when the
# owner stays, vacated after vacate_after and run again on another agent.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
AGENT_ACTIVITY="file:$T/act1" AGENT_EXTRA="idle_after = 1s
resume_after = 2s
vacate_after = 4s
max_vacate_time = 2s" start_agent a1 1

cat > count.sh <<'SH'
#!/bin/sh
# Count forever, one line every 50 ms, in a child process too.
( while :; do echo child >> child.out; sleep 0.05; done ) &
i=0
while :; do i=$((i + 1)); echo $i >> count.out; sleep 0.05; done
SH
chmod +x count.sh
c=$(cq submit --terse -- "$T/count.sh") || fail "submit failed"
job_state() { cq q --json | jq -r --arg id "$c.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st; }
job_is() { [ "$(job_state)" = "$1" ]; }
slot_is() { cq status --json | jq -e --arg n "$1" --arg s "$2" \
    '[.[] | select(.Name == $n and .CqState == $s)] | length == 1' >/dev/null; }
grows() {	# FILE: it grows over 300 ms
	local a b
	a=$(wc -l < "$1"); sleep 0.3; b=$(wc -l < "$1")
	[ "$b" -gt "$a" ]
}
wait_until 10 job_is R || fail "job not running: $(cq q --json)"
wait_until 5 test -s count.out || fail "the job makes no progress"
wait_until 10 grows count.out || fail "the job is not counting"

# The owner comes back.
t0=$(now_ms)
touch "$T/act1"
wait_until 5 job_is S || fail "job not suspended: $(cq q --json)"
log "suspended $(( $(now_ms) - t0 )) ms after the owner's activity (as seen by cq q)"
slot_is slot1@a1 SUSPENDED || fail "slot not SUSPENDED: $(cq status --json)"
sleep 0.2
grows count.out && fail "a suspended job still counts"
grows child.out && fail "a suspended job's child still runs"

# The owner leaves: resumed after resume_after (2 s).
wait_until 8 job_is R || fail "job not resumed: $(cq q --json)"
wait_until 10 grows count.out || fail "the resumed job does not count"

# The owner stays: suspended, then vacated after vacate_after (4 s).
start_agent a2 1
touch "$T/act1"
wait_until 5 job_is S || fail "job not suspended again"
end=$(( $(now_ms) + 12000 ))
while ! job_is R || [ "$(cq q --json | jq -r '.[0].RemoteHost')" != "slot1@a2" ]; do
	touch "$T/act1"		# the owner keeps typing
	[ "$(now_ms)" -lt "$end" ] || fail "job not moved to a2: $(cq q --json)"
	sleep 0.3
done
run=$(cq q --json | jq -r '.[0].JobRunCount')
[ "$run" -eq 2 ] || fail "the job's run number is $run, not 2"
slot_is slot1@a1 OWNER || fail "a1 is not OWNER after the vacate: $(cq status --json)"
log "vacated from a1 and running on a2 as run 2"
cq rm "$c" >/dev/null
