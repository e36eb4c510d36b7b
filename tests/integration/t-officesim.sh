#!/bin/bash
# t-officesim: the office simulator (bench/officesim) against a real
# scheduler over plain TCP.  Flood mode: 20 agents of 2 slots run 200
# zero-length jobs, every one started, ended and acknowledged; `cq q` and
# `cq status` are timed once (not judged), and the scheduler hears the
# agents' expected owner absences (-A).  Office
# mode: 40 desktops for one simulated Monday (seed 7, 6000 times faster:
# about 15 s), the real scheduler placing the jobs and the agents' own
# policy suspending and vacating them; the report's invariants hold:
# committed job-hours within the idle slot-hours, every job accounted for
# (completed, running or idle, and the scheduler's queue holds the running
# and idle ones), every end acknowledged, jobs completed and
# owners returning, and the SVG of the day written.  No timing is judged.
. "$(dirname "$0")/../lib/lib.sh"

SIM=$CQ_BUILDDIR/bench/officesim
[ -x "$SIM" ] || skip "no $SIM (make builds it)"

INSECURE=1 start_schedd 60s

"$SIM" -a "$SCHEDD_ADDR" -t "$SCHEDD_POOL_TOKEN" -c "$CQ_BIN" \
    -p "$SCHEDD_PID" -m flood -N fl -n 20 -j 200 -w 0 -M 1 -k 2 -A \
    > flood.out 2> flood.log ||
    fail "officesim -m flood failed: $(cat flood.out; tail flood.log)"
log "$(tr '\n' ';' < flood.out)"
grep -q '^registered: 20$' flood.out || fail "not 20 registered: $(cat flood.out)"
grep -q '^jobs: 200 started, 200 ended, 200 acknowledged, 0 refused$' flood.out ||
    fail "not every flood job acknowledged: $(cat flood.out)"
grep -q '^errors: 0$' flood.out || fail "flood errors: $(cat flood.out)"
# -M: cq q and cq status ran (cq status: a row a slot, 40, and more).
grep -q '^query_q_ms: median [0-9.]* max [0-9.]* (1 runs;' flood.out ||
    fail "no cq q timed: $(cat flood.out)"
st=$(sed -n 's/^query_status_ms: .* \([0-9]*\) lines)$/\1/p' flood.out)
[ -n "$st" ] && [ "$st" -gt 40 ] || fail "cq status printed ${st:-no} lines: $(cat flood.out)"
# -A: the scheduler heard each flood agent's expected owner absence (two
# slots each).
[ "$(cq status fl00000 fl00019 -af ExpectedOwnerAbsence | grep -c '^[0-9][0-9]*$')" = 4 ] ||
    fail "no ExpectedOwnerAbsence from the flood agents: $(cq status -af Name ExpectedOwnerAbsence | head)"

# No option taken and ignored: office's -x in a flood is refused.
rc=0
"$SIM" -a "$SCHEDD_ADDR" -t "$SCHEDD_POOL_TOKEN" -c "$CQ_BIN" \
    -m flood -n 1 -j 0 -x 10 > bad.out 2> bad.log || rc=$?
[ "$rc" = 2 ] && grep -q -- '-x is for -m office only' bad.log ||
    fail "flood took -x: rc $rc, $(cat bad.out bad.log)"

mkdir out
"$SIM" -a "$SCHEDD_ADDR" -t "$SCHEDD_POOL_TOKEN" -c "$CQ_BIN" \
    -p "$SCHEDD_PID" -m office -N of -n 40 -d 1 -x 6000 -r 7 -o out \
    > office.out 2> office.log ||
    fail "officesim -m office failed: $(cat office.out; tail office.log)"
cat office.out
val() { sed -n "s/^$1: \([0-9.]*\).*/\1/p" office.out; }
idle=$(val idle_slot_hours)
committed=$(val committed_job_hours)
busy=$(val busy_slot_hours)
[ -n "$idle" ] && [ -n "$committed" ] && [ -n "$busy" ] ||
    fail "the report lacks its hours"
awk -v c="$committed" -v i="$idle" 'BEGIN { exit !(c > 0 && c <= i) }' ||
    fail "committed job-hours $committed not within (0, idle $idle]"
awk -v b="$busy" -v i="$idle" 'BEGIN { exit !(b <= i) }' ||
    fail "busy slot-hours $busy over the idle slot-hours $idle"
grep -q '^jobs_accounted: yes$' office.out || fail "a job is unaccounted for"
# The scheduler's queue holds what the simulator has running or idle.
left=$(sed -n 's/^jobs: [0-9]* submitted, [0-9]* completed, \([0-9]*\) running at the end, \([0-9]*\) idle.*/\1 \2/p' office.out)
read -r run idl <<<"$left"
[ "$(count_jobs true)" = $((run + idl)) ] ||
    fail "the queue holds $(count_jobs true) jobs, the simulator $run running and $idl idle"
sent=$(sed -n 's/^ends_sent: \([0-9]*\), acknowledged: \([0-9]*\)$/\1 \2/p' office.out)
read -r s a <<<"$sent"
[ -n "$s" ] && [ "$s" -gt 0 ] && [ "$s" = "$a" ] ||
    fail "ends sent and acknowledged differ: $sent"
[ "$(sed -n 's/^jobs: [0-9]* submitted, \([0-9]*\) completed.*/\1/p' office.out)" -gt 0 ] ||
    fail "no job completed"
[ "$(val owner_arrivals)" -gt 0 ] || fail "no owner came to a desk"
grep -q '^errors: 0$' office.out || fail "office errors"
[ -s out/officesim.svg ] && grep -q '^<svg ' out/officesim.svg &&
    grep -q 'fill="#2ca02c"' out/officesim.svg ||
    fail "no SVG with running jobs in it"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
log "ok"
