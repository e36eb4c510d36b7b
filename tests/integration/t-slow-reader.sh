#!/bin/bash
# t-slow-reader: a local client that floods queries and never reads the
# replies must cost the scheduler bounded memory: it is dropped ("peer is
# not reading its replies") or held off by back-pressure, and the
# scheduler's peak RSS stays under 256 MiB.  The scheduler stays up and
# serves other clients, and the queue is intact.
. "$(dirname "$0")/../lib/lib.sh"
[ -x "$HOSTILE_BIN" ] || skip "$HOSTILE_BIN is not built (make check builds it)"
[ -r /proc/self/status ] || skip "no /proc to read the scheduler's memory from"

LIMIT_KB=$((256 * 1024))
# The scheduler's own memory is measured: under ASan, freed memory waits
# in its quarantine (256 MiB by default) and would count as the
# scheduler's, so the quarantine is kept small here (16 MiB).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
start_schedd 10s
# No agent: the jobs stay queued, so every query answer is large.
cluster=$(cq submit --terse -- /bin/sh -c 'echo a longish command line to fill the rows') ||
    fail "submit failed"
cat > idle.sub <<SUB
executable = /bin/true
arguments = "a few arguments to make each row of the queue a bit longer"
queue 99
SUB
cq submit --terse idle.sub >/dev/null || fail "submit failed"
[ "$(count_jobs true)" -eq 100 ] || fail "expected 100 queued jobs"

hwm() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$SCHEDD_PID/status"
}
log "scheduler peak RSS before: $(hwm) kB"
"$HOSTILE_BIN" -k no-reader-flood -f 20 -t 5 unix "$CQ_SOCKET" 1 > hostile.out 2>&1 &
hpid=$!
# Meanwhile another client is served.
sleep 1
cq q --json >/dev/null || fail "the scheduler does not answer during the flood"
wait "$hpid"
hrc=$?
cat hostile.out
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
peak=$(hwm)
log "scheduler peak RSS after: $peak kB"
[ "$peak" -le "$LIMIT_KB" ] ||
    fail "the scheduler peaked at $((peak / 1024)) MiB of RSS for one client that does not read (limit $((LIMIT_KB / 1024)) MiB); log: $(grep 'closed: ' schedd.log | grep -v 'closed by peer' | tail -3)"
[ "$hrc" -eq 0 ] || fail "the non-reading client was neither dropped nor held off (hostile exit $hrc)"
[ "$(count_jobs true)" -eq 100 ] || fail "the queue lost jobs: $(count_jobs true) left"
exit 0
