#!/bin/bash
# t-lease-cut: a one-way cut, on hosts in network namespaces: the agent a1
# still hears the scheduler, but nothing it sends arrives (iptables drops
# its packets to the scheduler, in a1's namespace).  The job writes to a
# shared file every 0.1 s and ignores the vacate signal.  (1) A short cut
# (0.5 s of an 8 s lease): nothing happens to the job.  (2) A cut for good:
# a1 vacates the job, then kills it, before the scheduler's lease runs
# out; the job runs again on a2, and the shared file shows that the first
# copy wrote its last line (and noted the vacate signal) before the second
# copy wrote its first.  The job completes once, from run 2.
. "$(dirname "$0")/../lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/netns.sh"

ns_setup 3
command -v iptables >/dev/null 2>&1 || skip "no iptables"
ns_exec ns1 iptables -L OUTPUT >/dev/null 2>&1 ||
    skip "iptables does not work in a network namespace here"
CQ_TEST_NS=ns0 start_schedd 8s
CQ_TEST_NS=ns1 start_agent a1 1
sched=$(ns_addr ns0)
oneway() {
	ns_exec ns1 iptables "$1" OUTPUT -d "$sched" -j DROP ||
	    fail "iptables $1 in ns1 failed"
}

cp "$CQ_SRCDIR/tests/lib/lease-writer.sh" writer.sh
echo 100000 > dur
cat > w.sub <<SUB
executable = $T/writer.sh
arguments = $T
output = $T/w.out
error = $T/w.err
queue
SUB
j=$(cq submit --terse w.sub) || fail "cq submit failed"
wait_until 20 test -s pids || fail "job $j did not start"
pid1=$(head -1 pids)
[ "$(cq q --json | jq -r '.[0].RemoteHost')" = slot1@a1 ] || fail "job $j is not on a1"
grep -q "link: the scheduler answers heartbeats" agent-a1.log ||
    fail "a1 does not see the scheduler's heartbeat answers"

# --- (1) a short cut: the link is back in time -----------------------------
oneway -A
log "a1 cut off one way for 0.5 s"
sleep 0.5
oneway -D
# TCP's retransmissions bring what was dropped within about a second;
# the vacate would come 4.4 s after the last answer at the earliest.
sleep 6
kill -0 "$pid1" 2>/dev/null || fail "run 1 (pid $pid1) died after a short cut"
! grep "lease: nothing answered" agent-a1.log ||
    fail "a1 acted on its lease after a short cut"
[ "$(cq q --json | jq -r '.[0] | "\(.RemoteHost) \(.JobRunCount)"')" = "slot1@a1 1" ] ||
    fail "the job moved after a short cut: $(cq q --json)"
log "a short cut changed nothing"

# --- (2) the cut stays -----------------------------------------------------
# Run 2 reads a short duration; a2 comes only now, so the job can move
# only there.
echo 10 > dur
CQ_TEST_NS=ns2 start_agent a2 1
oneway -A
log "a1 cut off one way for good"
second_run() {
	[ "$(wc -l < pids)" -ge 2 ]
}
wait_until 30 second_run || fail "job $j did not start again: $(cq q --json)"
pid2=$(sed -n 2p pids)
! kill -0 "$pid1" 2>/dev/null ||
    fail "run 1 (pid $pid1) still runs on a1 beside run 2 (pid $pid2)"
wait_until 10 grep -q "^$pid2 " shared || fail "run 2 wrote nothing"
log "run 2 is pid $pid2"
# No line of run 1 after the first line of run 2.
first2=$(grep -n "^$pid2 " shared | head -1 | cut -d: -f1)
last1=$(grep -n "^$pid1 " shared | tail -1 | cut -d: -f1)
[ "$last1" -lt "$first2" ] ||
    fail "the copies overlapped: run 1's line $last1 after run 2's first, $first2: $(sed -n "$first2,\$p" shared | head -20 | tr '\n' ' ')"
grep -q "^$pid1 term" shared || fail "run 1 never got the vacate signal"
grep -q "lease: nothing answered for .*: vacating 1 job" agent-a1.log ||
    fail "a1 did not vacate its job"
# The agent's loop and the job's init both hold the deadline: whichever
# comes first kills (under a sanitizer the init often does).
grep -q "lease: nothing answered for .*: killed 1 job" agent-a1.log ||
    grep -q "job $j.0 run 1: exited (code -1, signal 9), evicted" agent-a1.log ||
    fail "a1 did not kill its job at the deadline"
grep -q "agent a1.*missed its lease" schedd.log ||
    fail "the scheduler did not time a1 out"
gap=$(awk -v a="$last1" -v b="$first2" 'NR == a { t1 = $3 } NR == b { t2 = $3 }
    END { printf "%d", (t2 - t1) * 1000 }' shared)
log "run 1 vacated and killed by a1 before run 2 started (lines $last1 < $first2, $gap ms apart)"

cq wait -t 30 "$j.0" || fail "job $j did not complete: $(cq q --json)"
row=$(cq history --json "$j" | jq -c '.[0]')
[ "$(jq -r .JobRunCount <<<"$row")" = 2 ] || fail "job $j completed from run $(jq -r .JobRunCount <<<"$row"): $row"
[ "$(jq -r .ExitCode <<<"$row")" = 0 ] || fail "job $j: $row"
oneway -D
exit 0
