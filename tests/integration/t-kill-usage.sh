#!/bin/bash
# t-kill-usage: what the scheduler writes once per commit instead of at
# each job's move survives a SIGKILL right after the jobs' ends were
# acknowledged.  Two submitters run a 2 s job and 30 short ones on an
# agent that shares no filesystem domain; as soon as history has them
# all, the scheduler is killed and restarted on the same state: each
# submitter's accumulated usage is what `cq userprio` showed before the
# kill (its row was written with the ends), the 2 s job's user log has
# its submit, execute and terminate events (the jobs without a log made
# no read of the store skip them).  Then two checkpointing jobs: the
# scheduler is killed once they have a checkpoint in the spool; after the
# restart they complete and their spool directories (found at start-up)
# are removed.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
addr=$SCHEDD_ADDR
write_schedd_conf 10s "$addr"
AGENT_EXTRA="filesystem_domain = d1" start_agent a1 2

cat > long.sub <<SUB
executable = /bin/sleep
arguments = 2
accounting_group = a
log = $T/a.log
queue
SUB
cat > short.sub <<SUB
executable = /bin/true
accounting_group = b
queue 30
SUB
ca=$(cq submit --terse long.sub) || fail "submit of a's job failed"
cb=$(cq submit --terse short.sub) || fail "submit of b's jobs failed"
done_all() {
	[ "$(cq history --json "$ca" | jq length)" -eq 1 ] &&
	    [ "$(cq history --json "$cb" | jq length)" -eq 30 ]
}
wait_until 30 done_all || fail "the jobs did not all end: $(cq q --json | jq -c '[.[] | {ClusterId, ProcId, JobStatus}]')"
before=$(cq userprio --json) || fail "cq userprio failed"
stop_schedd KILL
log "killed right after the ends: $(jq -c '[.[] | {name, usage_hours, cores_in_use}]' <<<"$before")"
start_schedd
[ "$SCHEDD_ADDR" = "$addr" ] || fail "the scheduler came back on $SCHEDD_ADDR, not $addr"
after=$(cq userprio --json) || fail "cq userprio failed after the restart"

usage() { jq -r --arg n "$2" '.[] | select(.name == $n) | .usage_hours' <<<"$1"; }
for s in a.root b.root; do
	u1=$(usage "$before" "$s")
	u2=$(usage "$after" "$s")
	[ -n "$u1" ] && [ -n "$u2" ] || fail "no row for $s: before $before, after $after"
	awk -v a="$u1" -v b="$u2" 'BEGIN { d = a - b; if (d < 0) d = -d;
	    exit !(a > 0 && d <= 1e-9 + a * 1e-9) }' ||
	    fail "$s: usage $u1 h before the kill, $u2 h after the restart"
done
awk -v a="$(usage "$before" a.root)" 'BEGIN { exit !(a * 3600 >= 1.8) }' ||
    fail "a's 2 s job charged $(usage "$before" a.root) h"
jq -e 'all(.[]; .cores_in_use == 0)' <<<"$after" >/dev/null ||
    fail "cores in use after the restart: $after"
log "usage as before the kill: $(jq -c '[.[] | {name, usage_hours}]' <<<"$after")"

# The user log of a's job: its events, once each (or an identical repeat
# of what was written just before the kill: docs/userlog.md).
has() { grep -q "^$1 ($(printf '%03d' "$ca").000.000)" "$T/a.log"; }
wait_until 10 has 005 || fail "no terminate event in a's log: $(cat "$T/a.log" 2>/dev/null)"
for e in 000 001 005; do
	has "$e" || fail "no $e event in a's log: $(cat "$T/a.log")"
done
n=$(grep -c '^00[015] ' "$T/a.log")
[ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "$n events in a's log: $(cat "$T/a.log")"
log "a's user log complete"

# Checkpoints in the spool when the scheduler dies: removed with their
# jobs after the restart.  Each of the two jobs checkpoints once, after 20
# of its 40 steps, so only the scheduler's look at the spool at start-up
# knows of them (the first to end is not its cluster's last).
mkdir sub
cp "$CQ_SRCDIR/tests/lib/ckpt-counter.sh" sub/counter.sh
cat > sub/c.sub <<SUB
executable = \$(initialdir)/counter.sh
arguments = 40 20 $T/steps.\$(Process)
initialdir = $T/sub
should_transfer_files = YES
checkpoint_exit_code = 85
transfer_checkpoint_files = state
output = out.\$(Process).txt
queue 2
SUB
cc=$(cq submit --terse sub/c.sub) || fail "submit of the checkpointing jobs failed"
ckpts() {
	[ "$(cq q --json | jq --arg c "$cc" '[.[] | select(.ClusterId == ($c | tonumber) and .NumCkpts >= 1)] | length')" -eq 2 ]
}
wait_until 20 ckpts || fail "no checkpoints: $(cq q --json)"
for p in 0 1; do
	[ -d "$T/state/spool/$cc.$p" ] || fail "no spool directory for $cc.$p: $(ls "$T/state/spool")"
done
stop_schedd KILL
start_schedd
wait_until 20 agent_connected a1 || fail "the agent did not reconnect"
cq wait -t 30 "$cc" || fail "the jobs did not complete: $(cq q --json)"
gone() { [ ! -e "$T/state/spool/$cc.0" ] && [ ! -e "$T/state/spool/$cc.1" ]; }
wait_until 10 gone || fail "a job's spool was not removed: $(ls "$T/state/spool")"
for p in 0 1; do
	[ "$(tail -1 "sub/out.$p.txt")" = "done at 40" ] ||
	    fail "job $cc.$p's output: $(tail -3 "sub/out.$p.txt")"
done
log "the spool found at start-up went with its jobs"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
exit 0
