#!/bin/bash
# t-ckpt-cut: a hard cut with checkpoints, on hosts in network namespaces.
# A counter job checkpoints every K steps on a1; a1's link goes down (its
# packets vanish).  After the lease the job runs on a2 from its last
# spooled checkpoint.  Cut off, a1's copy checkpoints once more and then
# waits for the scheduler's answer, so it cannot run ahead.  When the link
# comes back, a1's stale checkpoint files are refused, its copy is gone,
# and the job completes exactly once (one terminate, from run 2), with the
# output of an undisturbed run and at most one interval redone.
. "$(dirname "$0")/../lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/netns.sh"

N=60
K=10
ns_setup 3
CQ_TEST_NS=ns0 start_schedd 3s
AGENT_EXTRA="filesystem_domain = d1" CQ_TEST_NS=ns1 start_agent a1 1

mkdir sub
cp "$CQ_SRCDIR/tests/lib/ckpt-counter.sh" sub/counter.sh
cat > sub/c.sub <<SUB
executable = \$(initialdir)/counter.sh
arguments = $N $K $T/steps
initialdir = $T/sub
should_transfer_files = YES
checkpoint_exit_code = 85
transfer_checkpoint_files = state
output = out.txt
queue
SUB
c=$(cq submit --terse sub/c.sub) || fail "cq submit failed"
id=$c.0
at_least() {
	local v
	v=$(cq q --json | jq -r '.[0].NumCkpts')
	[ -n "$v" ] && [ "$v" != null ] && [ "$v" -ge "$1" ]
}
wait_until 30 at_least 2 || fail "no checkpoints on a1: $(cq q --json)"
ns_link_down ns1
log "a1 cut off after checkpoint $(cq q --json | jq -r '.[0].NumCkpts')"
AGENT_EXTRA="filesystem_domain = d2" CQ_TEST_NS=ns2 start_agent a2 1
on_a2() {
	[ "$(cq q --json | jq -r '.[0].RemoteHost')" = slot1@a2 ]
}
wait_until 20 on_a2 || fail "the job did not move to a2: $(cq q --json)"
cq wait -t 60 "$id" || fail "the job did not complete: $(cq history --json "$id")"
log "run 2 completed on a2"

ns_link_up ns1
wait_until 60 agent_connected a1 || fail "a1 did not reconnect"
wait_until 20 sh -c "[ -z \"\$(ls -A '$T/sandbox-a1')\" ]" ||
    fail "a1 kept the stale copy's sandbox: $(ls -A "$T/sandbox-a1")"
grep -q "refusing checkpoint file state of $id run 1" "$T/schedd.log" ||
    fail "a1's stale checkpoint was not refused"
log "a1 back; its stale checkpoint refused, its copy gone"

{ seq 1 $N | sed 's/^/count /'; echo "done at $N"; } > want.txt
diff want.txt sub/out.txt > out.diff ||
    fail "the output is not an undisturbed run's: $(head out.diff)"
steps=$(wc -l < "$T/steps")
[ "$steps" -le $((N + K)) ] || fail "$steps steps for $N: more than $K redone"
ev=$(sqlite3 "$T/state/queue.db" "SELECT event || ':' || run FROM job_events
    WHERE cluster = $c ORDER BY id" | tr '\n' ' ')
[ "$(grep -o 'terminate:[0-9]*' <<<"$ev" | tr '\n' ' ')" = "terminate:2 " ] ||
    fail "not exactly one terminate, from run 2: $ev"
log "completed exactly once from run 2; $steps steps for $N"
exit 0
