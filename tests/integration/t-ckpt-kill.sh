#!/bin/bash
# t-ckpt-kill: the last good checkpoint survives.  A counter job that
# checkpoints every K steps on its own but ignores the vacate signal runs
# on a1; the scheduler is killed (SIGKILL) and restarted meanwhile and
# adopts the run, its checkpoint version read back from the store.  Then
# a1 leaves: the job ignores SIGTERM, is killed after max_vacate_time
# (no new checkpoint), and a2 resumes it from the last good one: the
# output is that of an undisturbed run, at most one interval is redone,
# and that lost time is counted as badput.  At most one interval (plus
# what ran in the grace before the kill) is done twice.
. "$(dirname "$0")/../lib/lib.sh"

N=60
K=10
start_schedd 10s
# The agents keep the address they were given: restart on the same port.
write_schedd_conf 10s "$SCHEDD_ADDR"
AGENT_EXTRA="filesystem_domain = d1
max_vacate_time = 1s" start_agent a1 1

mkdir sub
cp "$CQ_SRCDIR/tests/lib/ckpt-counter.sh" sub/counter.sh
cat > sub/c.sub <<SUB
executable = \$(initialdir)/counter.sh
arguments = $N $K $T/steps TERM deaf
initialdir = $T/sub
should_transfer_files = YES
checkpoint_exit_code = 85
transfer_checkpoint_files = state
output = out.txt
queue
SUB
id=$(cq submit --terse sub/c.sub).0 || fail "cq submit failed"
field() {
	cq q --json | jq -r --arg id "$id" ".[] | select(\"\\(.ClusterId).\\(.ProcId)\" == \$id) | .$1"
}
at_least() {
	local v
	v=$(field NumCkpts)
	[ -n "$v" ] && [ "$v" -ge "$1" ]
}
wait_until 30 at_least 1 || fail "no checkpoint on a1: $(cq q --json)"

stop_schedd KILL
start_schedd
wait_until 20 agent_connected a1 || fail "a1 did not come back"
v=$(field NumCkpts)
[ "$v" -ge 1 ] || fail "the checkpoint version was lost: $v"
[ "$(field JobStatus)" = 2 ] || fail "the run was not adopted: $(cq q --json)"
wait_until 30 at_least $((v + 1)) || fail "no checkpoint after the restart"
log "scheduler restarted; the run goes on and checkpoints"

AGENT_EXTRA="filesystem_domain = d2" start_agent a2 1
stop_agent a1 TERM
cq wait -t 60 "$id" || fail "the job did not complete: $(cq history --json "$id")"
{ seq 1 $N | sed 's/^/count /'; echo "done at $N"; } > want.txt
# What ran after the last checkpoint on a1 is done again on a2: at most
# one interval, plus what the job did in its max_vacate_time (1 s of
# 0.1 s steps) before the kill.
steps=$(wc -l < "$T/steps")
[ "$steps" -le $((N + K + 10)) ] ||
    fail "$steps steps for $N: more than an interval and the grace redone"
awk '!seen[$0]++' sub/out.txt > out.uniq
diff want.txt out.uniq > out.diff ||
    fail "the output is not an undisturbed run's: $(head out.diff)"
row=$(cq history --json "$id" | jq -c '.[0]')
[ "$(jq -r .LastRemoteHost <<<"$row")" = slot1@a2 ] || fail "did not finish on a2: $row"
[ "$(jq -r .NumVacates <<<"$row")" -ge 1 ] || fail "no eviction counted: $row"
jq -e '.CqBadputTime > 0' <<<"$row" >/dev/null || fail "no badput: $row"
log "killed without a checkpoint: resumed from the last good one on a2 ($steps steps for $N)"
exit 0
