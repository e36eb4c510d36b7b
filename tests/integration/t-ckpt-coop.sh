#!/bin/bash
# t-ckpt-coop: cooperative (self-)checkpoints across agents that share no
# filesystem domain.  A counter job keeps its count in a checkpoint file,
# exits with checkpoint_exit_code every K steps on its own (periodic
# checkpoint: spooled, the job restarted at once on the same agent) and
# saves and exits with the code on the vacate signal.  Its agent is
# stopped gracefully twice (vacate with a checkpoint, then goodbye); the
# job finishes on a third agent with the output of an undisturbed run,
# having redone at most one checkpoint interval.  The spool holds one
# checkpoint version at a time and nothing once the job is done; the job
# events record each checkpoint; q/history carry evictions and goodput.
# With CKPT_NETNS=1 (t-ckpt-netns.sh) the scheduler and the three agents
# are hosts in network namespaces of their own (tests/lib/netns.sh).
. "$(dirname "$0")/../lib/lib.sh"

NS=(sched a1 a2 a3)
if [ "${CKPT_NETNS:-0}" = 1 ]; then
	. "$CQ_SRCDIR/tests/lib/netns.sh"
	ns_setup 4
	NS=(ns0 ns1 ns2 ns3)
fi
# in_host I CMD...: CMD with CQ_TEST_NS set to host I when in namespaces.
in_host() {
	local i=$1
	shift
	if [ "${CKPT_NETNS:-0}" = 1 ]; then
		CQ_TEST_NS=${NS[$i]} "$@"
	else
		"$@"
	fi
}

N=80		# steps
K=10		# steps between periodic checkpoints
in_host 0 start_schedd 10s
AGENT_EXTRA="filesystem_domain = d1
max_vacate_time = 10s" in_host 1 start_agent a1 1

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
error = err.txt
log = c.log
queue
SUB
id=$(cq submit --terse sub/c.sub) || fail "cq submit failed"
id=$id.0
cluster=${id%.0}

ckpt_version() {
	cq q --json | jq -r --arg id "$id" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .NumCkpts'
}
running_on() {
	[ "$(cq q --json | jq -r --arg id "$id" \
	    '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | "\(.JobStatus) \(.RemoteHost)"')" = "2 slot1@$1" ]
}
at_least() {
	local v
	v=$(ckpt_version)
	[ -n "$v" ] && [ "$v" -ge "$1" ]
}
# running_again: a step is done after the last checkpoint seen, so the
# job restarted after it has its vacate trap set (a TERM before the trap
# would end it without a checkpoint).
steps_past() { [ "$(wc -l < "$T/steps")" -gt "$1" ]; }
running_again() {
	wait_until 10 steps_past "$(wc -l < "$T/steps")"
}
one_version() {
	[ "$(ls "$T/state/spool/$id" 2>/dev/null | grep -cE '^ckpt\.[0-9]+$')" -eq 1 ]
}

wait_until 30 at_least 2 || fail "no periodic checkpoints on a1: $(cq q --json)"
one_version || fail "the spool holds more than one version: $(ls "$T/state/spool/$id")"
log "two periodic checkpoints on a1 (restarted in place)"

# First eviction: a1 leaves gracefully; a2 takes over.
AGENT_EXTRA="filesystem_domain = d2
max_vacate_time = 10s" in_host 2 start_agent a2 1
running_again || fail "the job did not run again on a1"
stop_agent a1 TERM
wait_until 30 running_on a2 || fail "the job did not move to a2: $(cq q --json)"
v=$(ckpt_version)
wait_until 30 at_least $((v + 1)) || fail "no checkpoint on a2"
log "moved to a2 with its checkpoint, checkpointing there"

# Second eviction: a2 leaves; a3 finishes.
AGENT_EXTRA="filesystem_domain = d3
max_vacate_time = 10s" in_host 3 start_agent a3 1
running_again || fail "the job did not run again on a2"
stop_agent a2 TERM
wait_until 30 running_on a3 || fail "the job did not move to a3: $(cq q --json)"
# The job view shows when it last checkpointed and how often it moved.
line=$(cq q -nobatch "$id" | awk -v id="$id" '$1 == id')
hdr=$(cq q -nobatch "$id" | head -1)
echo "$hdr" | grep -q ' CKPT  *EVICT  *CMD$' || fail "no CKPT/EVICT columns: $hdr"
echo "$line" | grep -Eq ' [0-9]+[smhd]  +2 ' ||
    fail "CKPT/EVICT of a job checkpointed and evicted twice: $line"
cq wait -t 60 "$id" || fail "the job did not complete: $(cq history --json "$id")"

# The output of an undisturbed run.
{ seq 1 $N | sed 's/^/count /'; echo "done at $N"; } > want.txt
diff want.txt sub/out.txt > out.diff ||
    fail "the output differs from an undisturbed run: $(head -20 out.diff)"
steps=$(wc -l < "$T/steps")
[ "$steps" -le $((N + K)) ] ||
    fail "$steps steps done for $N: more than one interval ($K) redone"
log "same output as an undisturbed run; $steps steps done for $N"

row=$(cq history --json "$id" | jq -c '.[0]')
out=$(cq history "$id")
echo "$out" | head -1 | grep -q 'RUN_TIME  *GOODPUT  *BADPUT' ||
    fail "no GOODPUT/BADPUT columns: $out"
echo "$out" | tail -1 | grep -Eq '^1 jobs; goodput [0-9]+\+[0-9:]+, badput ' ||
    fail "no goodput/badput summary: $out"
[ "$(jq -r .NumVacates <<<"$row")" -eq 2 ] || fail "evictions is not 2: $row"
jq -e '.CommittedTime > 0' <<<"$row" >/dev/null || fail "no goodput: $row"
[ "$(jq -r .LastCkptTime <<<"$row")" -gt 0 ] || fail "no last checkpoint: $row"
[ "$(jq -r .LastRemoteHost <<<"$row")" = slot1@a3 ] || fail "did not end on a3: $row"
events=$(sqlite3 "$T/state/queue.db" \
    "SELECT event FROM job_events WHERE cluster = $cluster ORDER BY id")
nck=$(grep -c '^checkpoint$' <<<"$events")
[ "$nck" -ge 4 ] || fail "only $nck checkpoint events: $(tr '\n' ' ' <<<"$events")"
[ "$(grep -c '^evict-checkpointed$' <<<"$events")" -eq 2 ] ||
    fail "not 2 evictions with a checkpoint: $(tr '\n' ' ' <<<"$events")"
# The user log, as HTCondor writes it: checkpointed (003), evicted with
# a checkpoint (004, "(1) Job was checkpointed.").
wait_until 10 grep -q '^005 ' sub/c.log || fail "no termination in the user log"
[ "$(grep -c '^003 ' sub/c.log)" -ge 4 ] || fail "few 003 events: $(cat sub/c.log)"
[ "$(grep -c 'Job was checkpointed' sub/c.log)" -ge 2 ] ||
    fail "no evictions with a checkpoint in the user log: $(cat sub/c.log)"
log "history: 2 evictions, goodput, $nck checkpoint events; user log too"

wait_until 10 sh -c "[ ! -e '$T/state/spool/$id' ]" ||
    fail "the job's spool was not removed: $(ls "$T/state/spool/$id")"
left=$(find "$T" -name '*.cq-part' | head -5)
[ -z "$left" ] || fail "partial files left: $left"
log "spool cleaned after completion"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
exit 0
