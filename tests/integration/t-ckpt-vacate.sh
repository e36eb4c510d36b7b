#!/bin/bash
# t-ckpt-vacate: `cq vacate ID` gives a running job its vacate signal
# (kill_sig) rather than a kill: a job that checkpoints on it leaves with
# its checkpoint (event evict-checkpointed), runs again from it and ends
# with the output of an undisturbed run, nothing redone; a job deaf to the
# signal is killed after the agent's max_vacate_time and runs again.
. "$(dirname "$0")/../lib/lib.sh"

N=40
start_schedd 10s
AGENT_EXTRA="filesystem_domain = d1
max_vacate_time = 2s" start_agent a1 1

mkdir sub
cp "$CQ_SRCDIR/tests/lib/ckpt-counter.sh" sub/counter.sh
cat > sub/c.sub <<SUB
executable = \$(initialdir)/counter.sh
arguments = $N 0 $T/steps USR1
initialdir = $T/sub
should_transfer_files = YES
checkpoint_exit_code = 85
kill_sig = SIGUSR1
transfer_checkpoint_files = state
output = out.txt
queue
SUB
c=$(cq submit --terse sub/c.sub) || fail "cq submit failed"
counted() {
	[ -s "$T/steps" ] && [ "$(wc -l < "$T/steps")" -ge "$1" ]
}
wait_until 20 counted 10 || fail "the job does not count"
out=$(cq vacate "$c.0") || fail "cq vacate failed: $out"
cq wait -t 60 "$c.0" || fail "the job did not complete: $(cq history --json "$c.0")"
{ seq 1 $N | sed 's/^/count /'; echo "done at $N"; } > want.txt
diff want.txt sub/out.txt > out.diff ||
    fail "the output is not an undisturbed run's: $(head out.diff)"
[ "$(wc -l < "$T/steps")" -eq $N ] ||
    fail "$(wc -l < "$T/steps") steps for $N: work was redone"
ev=$(sqlite3 "$T/state/queue.db" "SELECT group_concat(event, ' ')
    FROM job_events WHERE cluster = $c")
[[ $ev == *"vacate checkpoint evict-checkpointed execute"* ]] ||
    fail "no eviction with a checkpoint: $ev"
row=$(cq history --json "$c.0" | jq -c '.[0]')
[ "$(jq -r .JobRunCount <<<"$row")" = 2 ] || fail "not completed by run 2: $row"
[ "$(jq -r .NumVacates <<<"$row")" = 1 ] || fail "evictions is not 1: $row"
log "cq vacate: checkpointed on the signal, resumed, nothing redone"

# Deaf to the signal: killed after max_vacate_time, runs again.
d=$(cq submit --terse -- /bin/sh -c "trap '' TERM; touch $T/deaf.ready; sleep 30") ||
    fail "submit of the deaf job failed"
running() {
	[ "$(cq q --json | jq -r --arg id "$d.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus')" = 2 ]
}
wait_until 20 running || fail "the deaf job did not start"
# Vacated before its trap is set, it would die of the signal at once.
wait_until 20 test -e "$T/deaf.ready" || fail "the deaf job set no trap"
cq vacate "$d.0" >/dev/null || fail "cq vacate of the deaf job failed"
again() {
	[ "$(cq q --json | jq -r --arg id "$d.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | "\(.JobStatus) \(.JobRunCount)"')" = "2 2" ]
}
wait_until 20 again || fail "the deaf job was not killed and run again: $(cq q --json)"
grep -q "job $d.0 run 1: max_vacate_time is up, killing" "$T/agent-a1.log" ||
    fail "the agent did not kill the deaf job at max_vacate_time"
cq rm "$d" >/dev/null
log "a job deaf to the signal is killed after max_vacate_time"
exit 0
