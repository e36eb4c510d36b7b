#!/bin/bash
# t-vacate-machine: what man/cq.1 says `cq vacate MACHINE` does.  The jobs
# there are evicted and go back to the queue (IDLE, then matched again);
# the machine itself is not closed, so a job may come back to it.  After
# `cq drain MACHINE` it takes no new job, and `cq vacate MACHINE` then
# sends its jobs to the other machines.  An unknown machine is refused.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 1
start_agent a2 1
j=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
host() { cq q -af RemoteHost "$j"; }
running() { [ "$(cq q -af JobStatus "$j")" = 2 ]; }
wait_until 10 running || fail "the job does not run: $(cq q -nobatch)"
m=$(host); m=${m#*@}
other=a1; [ "$m" = a1 ] && other=a2
# Keep the other machine busy, so a plain vacate can only requeue.
b=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
wait_until 10 test "$(cq q -af JobStatus "$b")" = 2 || fail "the second job does not run"

out=$(cq vacate "$m") || fail "cq vacate $m failed"
[ "$out" = "vacate: 1 machine(s)" ] || fail "cq vacate said: $out"
evicted() { [ "$(cq q -af NumVacates "$j")" -ge 1 ]; }
wait_until 15 evicted || fail "the job was not evicted: $(cq q -l "$j")"
# Not closed: the job runs there again.
wait_until 15 running || fail "the job did not run again: $(cq q -nobatch)"
[ "$(host)" = "slot1@$m" ] || fail "the job moved to $(host) with $m open"
log "vacate: evicted and matched again (on $m, the only free one)"

# drain, then vacate: to the other machine.
cq rm "$b" >/dev/null || fail "rm failed"
cq drain "$m" >/dev/null || fail "cq drain $m failed"
cq vacate "$m" >/dev/null || fail "cq vacate $m failed"
moved() { running && [ "$(host)" = "slot1@$other" ]; }
wait_until 20 moved || fail "after drain and vacate the job is on $(host): $(cq q -nobatch)"
[ "$(cq q -af NumVacates "$j")" -ge 2 ] || fail "the second eviction is not counted"
log "drain + vacate: the job moved to $other"

if cq vacate no-such-machine 2> err; then fail "vacate of an unknown machine succeeded"; fi
grep -q "no such machine" err || fail "vacate of an unknown machine said: $(cat err)"
exit 0
