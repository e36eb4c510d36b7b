#!/bin/bash
# t-criu-migrate: transparent checkpoints through the real vacate and
# start paths.  The scheduler and three agents are hosts in network
# namespaces of their own; each agent also has a mount namespace where
# its own sandbox directory is mounted on the one path every agent uses
# as sandbox_dir (CQ_TEST_PRIVATE_SANDBOX: no directory is shared, yet a
# job's sandbox has the same absolute path everywhere, as CRIU needs).
# A counter with no checkpoint support of its own (its count and 16 MiB
# of checksummed memory only in memory, its output file held open) is
# submitted with `checkpoint = criu`.  It is vacated twice, once by its
# desktop's owner coming back (dumped while suspended) and once by its
# agent shutting down; each time CRIU dumps it into its sandbox, the
# image and its open files travel to the spool as a checkpoint, and the
# next agent restores it.  It finishes on the third agent with exactly
# 1..N (a restart would have counted from 1 again) and exit code 0 (a bad
# page fails the checksum: exit 3); the event log shows two CRIU
# checkpoints, two restores and three executes.  Then the fallback: the
# same job on agents without CRIU is killed at its vacate, starts again
# from scratch, and the event log says why.
# Needs root, a working criu ($CQ_TEST_CRIU, else the copy made by
# scripts/criu-fetch.sh), unshare and network namespaces; else skips.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" = 0 ] || skip "CRIU needs root"
CRIU=${CQ_TEST_CRIU:-/var/cache/cq/criu/criu}
[ -x "$CRIU" ] || skip "no criu at $CRIU (run scripts/criu-fetch.sh or set CQ_TEST_CRIU)"
"$CRIU" check > "$T/criu-check.log" 2>&1 ||
    skip "$CRIU check fails here: $(tail -1 "$T/criu-check.log")"
command -v unshare >/dev/null || skip "no unshare(1) for the agents' mount namespaces"
unshare --mount --propagation private true 2>/dev/null ||
    skip "cannot make mount namespaces here"
command -v sqlite3 >/dev/null || skip "sqlite3 is needed to read the job events"
COUNTER=$CQ_BUILDDIR/tests/lib/counter
[ -x "$COUNTER" ] || skip "tests/lib/counter is not built"
. "$CQ_SRCDIR/tests/lib/netns.sh"
ns_setup 4

N=200
CQ_TEST_NS=ns0 start_schedd 10s
CQ_TEST_PRIVATE_SANDBOX=1
AGENT_ACTIVITY="file:$T/act1" AGENT_EXTRA="criu_path = $CRIU
filesystem_domain = d1
idle_after = 1s
resume_after = 30s
vacate_after = 2s
max_vacate_time = 60s" CQ_TEST_NS=ns1 start_agent a1 1
cq status --json | jq -e '[.[] | select(.Machine == "a1" and .HasCRIU)] |
    length == 1' >/dev/null || fail "a1 does not advertise CRIU: $(cq status --json)"

mkdir sub
cp "$COUNTER" sub/counter
cat > sub/c.sub <<SUB
executable = \$(initialdir)/counter
arguments = $N --step-ms 100 --out out.txt --mem 16
should_transfer_files = YES
transfer_output_files = out.txt
checkpoint = criu
output = stdout.txt
error = stderr.txt
initialdir = $T/sub
queue
SUB
id=$(cq submit --terse sub/c.sub) || fail "cq submit failed"
id=$id.0
cluster=${id%.0}

running_on() {
	[ "$(cq q --json | jq -r --arg id "$id" \
	    '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | "\(.JobStatus) \(.RemoteHost)"')" = "2 slot1@$1" ]
}
# lines AGENT: lines of the job's output in AGENT's sandbox so far.
lines() {
	cat "$T/sandbox-$1/$id/out.txt" 2>/dev/null | wc -l
}
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
events() {
	sqlite3 "$T/state/queue.db" "SELECT event || ' ' || COALESCE(detail, '')
	    FROM job_events WHERE cluster = $1 ORDER BY id"
}

wait_until 20 running_on a1 || fail "the job did not start on a1: $(cq q --json)"
wait_until 20 at_least a1 10 || fail "the job makes no progress on a1"
log "counting on a1: $(lines a1) lines"

# Hop 1: a1's owner comes back and stays; the suspended job is dumped.
AGENT_ACTIVITY= AGENT_EXTRA="criu_path = $CRIU
filesystem_domain = d2
max_vacate_time = 60s" CQ_TEST_NS=ns2 start_agent a2 1
end=$(( $(now_ms) + 60000 ))
while ! running_on a2; do
	touch "$T/act1"		# the owner keeps typing
	[ "$(now_ms)" -lt "$end" ] || fail "the job did not move to a2: $(cq q --json)"
	sleep 0.3
done
wait_until 20 at_least a2 $(( $(lines a2) + 5 )) ||
    fail "the job does not count on a2: $(events "$cluster" | tr '\n' ';')"
n2=$(lines a2)
[ "$n2" -lt "$N" ] || fail "the job was done before the second hop"
head -1 "$T/sandbox-a2/$id/out.txt" | grep -qx 1 ||
    fail "a2's output does not start at 1"
log "restored on a2, counting on: $n2 lines"

# Hop 2: a2 shuts down; the job is dumped and goes to a3.  a1's owner
# stays at the keyboard meanwhile, or the job could go back to a1 (it
# turns unclaimed 1 s after the last key) if a3 registered later.
( while :; do touch "$T/act1"; sleep 0.3; done ) &
toucher=$!
at_cleanup "kill $toucher 2>/dev/null"
AGENT_ACTIVITY= AGENT_EXTRA="criu_path = $CRIU
filesystem_domain = d3
max_vacate_time = 60s" CQ_TEST_NS=ns3 start_agent a3 1
stop_agent a2 TERM
wait_until 60 running_on a3 || fail "the job did not move to a3: $(cq q --json)"
kill "$toucher" 2>/dev/null
cq wait -t 120 "$id" || fail "the job did not complete: $(cq history --json "$id")"

row=$(cq history --json "$id" | jq -c '.[0]')
[ "$(jq -r .ExitCode <<<"$row")" = 0 ] ||
    fail "the counter failed (3: its memory was corrupt): $row"
[ "$(jq -r .LastRemoteHost <<<"$row")" = slot1@a3 ] || fail "did not end on a3: $row"
seq 1 $N | cmp -s - sub/out.txt ||
    fail "the output is not exactly 1..$N ($(wc -l < sub/out.txt) lines; first diff: $(seq 1 $N | cmp - sub/out.txt))"
ev=$(events "$cluster")
log "events: $(tr '\n' ';' <<<"$ev")"
[ "$(grep -c '^criu-dump ' <<<"$ev")" -eq 2 ] || fail "not two CRIU dumps in the events"
[ "$(grep -c '^criu-restore ' <<<"$ev")" -eq 2 ] || fail "not two CRIU restores in the events"
[ "$(grep -c '^checkpoint version [0-9]* (CRIU image)$' <<<"$ev")" -eq 2 ] ||
    fail "not two CRIU checkpoints in the events"
[ "$(grep -c '^evict-checkpointed ' <<<"$ev")" -eq 2 ] ||
    fail "not two evictions with a checkpoint"
[ "$(grep -c '^execute ' <<<"$ev")" -eq 3 ] || fail "not three executes"
grep -q '^checkpoint-failed\|^restore-failed' <<<"$ev" &&
    fail "a CRIU step failed: $(grep 'failed' <<<"$ev")"
log "1..$N after two CRIU hops, memory intact, events as expected"
wait_until 10 sh -c "[ ! -e '$T/state/spool/$id' ]" ||
    fail "the job's spool was not removed"

# cq vacate ID: dumped and restored by whichever CRIU agent takes it
# (perhaps the same one: its sandbox path is the same as before).
N=60
sed -i "s/^arguments = .*/arguments = $N --step-ms 100 --out out.txt --mem 4/" sub/c.sub
rm -f sub/out.txt
id=$(cq submit --terse sub/c.sub) || fail "cq submit failed"
id=$id.0
cluster=${id%.0}
running() {
	[ "$(cq q --json | jq -r --arg id "$id" \
	    '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus')" = 2 ]
}
wait_until 20 running || fail "the third job did not start"
m=$(cq q --json | jq -r --arg id "$id" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .RemoteHost')
wait_until 20 at_least "${m#slot1@}" 10 || fail "the third job makes no progress"
cq vacate "$id" > /dev/null || fail "cq vacate $id failed"
cq wait -t 120 "$id" || fail "the third job did not complete: $(cq history --json "$id")"
seq 1 $N | cmp -s - sub/out.txt ||
    fail "cq vacate: the output is not exactly 1..$N ($(wc -l < sub/out.txt) lines)"
ev=$(events "$cluster")
log "events: $(tr '\n' ';' <<<"$ev")"
[ "$(grep -c '^criu-dump ' <<<"$ev")" -eq 1 ] &&
    [ "$(grep -c '^criu-restore ' <<<"$ev")" -eq 1 ] ||
    fail "cq vacate: not one CRIU dump and one restore"
log "cq vacate: dumped on ${m#slot1@}, restored, 1..$N"

# The fallback: agents without CRIU (criu_path empty).
stop_agent a1 TERM
stop_agent a3 TERM
AGENT_ACTIVITY= AGENT_EXTRA="filesystem_domain = d4
max_vacate_time = 10s" CQ_TEST_NS=ns1 start_agent b1 1
cq status --json | jq -e '[.[] | select(.Machine == "b1" and .HasCRIU)] |
    length == 0' >/dev/null || fail "b1 advertises CRIU without criu_path"
rm -f sub/out.txt
N=40
sed -i "s/^arguments = .*/arguments = $N --step-ms 100 --out out.txt/" sub/c.sub
id=$(cq submit --terse sub/c.sub) || fail "cq submit failed"
id=$id.0
cluster=${id%.0}
wait_until 20 running_on b1 || fail "the job did not start on b1"
wait_until 20 at_least b1 5 || fail "the job makes no progress on b1"
AGENT_ACTIVITY= AGENT_EXTRA="filesystem_domain = d5
max_vacate_time = 10s" CQ_TEST_NS=ns2 start_agent b2 1
stop_agent b1 TERM
wait_until 30 running_on b2 || fail "the job did not move to b2: $(cq q --json)"
cq wait -t 60 "$id" || fail "the job did not complete: $(cq history --json "$id")"
seq 1 $N | cmp -s - sub/out.txt ||
    fail "the restarted job's output is not exactly 1..$N"
ev=$(events "$cluster")
log "events: $(tr '\n' ';' <<<"$ev")"
grep -q '^checkpoint-failed no CRIU on agent b1: .*restarts from' <<<"$ev" ||
    fail "the event log does not say the job restarts without CRIU"
grep -q '^evict ' <<<"$ev" || fail "no eviction without a checkpoint"
grep -q '^criu-' <<<"$ev" && fail "a CRIU step on agents without CRIU"
[ "$(grep -c '^execute ' <<<"$ev")" -eq 2 ] || fail "not two executes"
log "without CRIU: killed, restarted from scratch, said so"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
exit 0
