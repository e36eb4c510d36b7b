#!/bin/bash
# t-memhold: a job over its request_memory is HELD with HTCondor's reason
# (hold code 34), not silently killed.  With request_memory = 50MB, a job
# that writes 200 MB is killed by its memory cgroup's limit; the agent
# reports the OOM kill with the peak, and the scheduler holds the job with
# "Job has gone over cgroup memory limit of 50 megabytes. Peak usage: N
# megabytes." (HoldReasonCode 34, also in the user log); cq why says so.
# A job within its request (20 MB of 100MB) completes.  The jobs ask for
# 32 processes at most (max_job_pids): the 33rd fork fails.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root for the jobs' memory cgroups"
[ -w /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] ||
    skip "no v1 memory cgroup here (see docs/jobs-users.md)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip "python3 is not installed"

start_schedd 10s
AGENT_EXTRA="max_job_pids = 32" start_agent a1 1
grep -q "jobctl: .*memory" "$T/agent-a1.log" ||
    skip "the agent has no memory cgroup: $(grep jobctl: "$T/agent-a1.log")"

cat > big.sub <<SUB
executable = $PY
arguments = "-c 'b = bytes(range(256)) * (200 << 12); print(len(b))'"
request_memory = 50MB
log = big.log
output = big.out
queue
SUB
cat > small.sub <<SUB
executable = $PY
arguments = "-c 'b = bytes(range(256)) * (20 << 12); print(len(b))'"
request_memory = 100MB
output = small.out
queue
SUB
big=$(cq submit --terse big.sub) || fail "cq submit big.sub failed"
small=$(cq submit --terse small.sub) || fail "cq submit small.sub failed"

state_of() {
	cq q -a --json | jq -r --arg c "$1" \
	    '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus'
}
held() { [ "$(state_of "$big")" = 5 ]; }
wait_until 60 held || fail "the job over its memory is not HELD: $(cq q -a --json; cq history --json "$big")"
reason=$(cq q -a --json | jq -r --arg c "$big" \
    '.[] | select(.ClusterId == ($c | tonumber)) | .HoldReason')
echo "$reason" | grep -Eq '^Job has gone over cgroup memory limit of 50 megabytes\. Peak usage: [0-9]+ megabytes\.' ||
    fail "the hold reason is not HTCondor's: $reason"
peak=$(echo "$reason" | sed -n 's/.*Peak usage: \([0-9]*\) megabytes.*/\1/p')
[ "$peak" -ge 45 ] && [ "$peak" -le 60 ] ||
    fail "the peak $peak MB is not near the 50 MB limit"
[ "$(cq q -a -constraint 'HoldReasonCode == 34' --json | jq length)" -eq 1 ] ||
    fail "HoldReasonCode is not 34: $(cq q -a -l --json 2>/dev/null | head -c 2000)"
grep -q "over its memory limit of 50 MiB" "$T/agent-a1.log" ||
    fail "the agent did not log the memory kill"
wait_until 10 grep -q "Code 34 Subcode 0" big.log ||
    fail "the user log has no hold code 34: $(cat big.log)"
cq why "$big" | grep -q "memory limit of 50 megabytes" ||
    fail "cq why does not say why: $(cq why "$big")"
log "over its request: HELD, $reason"

cq wait -t 30 "$small" || fail "the job within its request did not complete: $(cq history --json "$small")"
[ "$(cat small.out)" = $((20 << 20)) ] || fail "small.out: $(cat small.out)"
cq history --json "$small" | jq -e '.[0].ExitCode == 0' >/dev/null ||
    fail "the job within its request did not exit 0: $(cq history --json "$small")"
log "within its request: completed"

# pids: 32 at most.
cat > forks.sh <<'SH'
#!/bin/sh
i=0
while [ $i -lt 40 ]; do
	sleep 5 &
	i=$((i + 1))
done
kill $(jobs -p) 2>/dev/null
wait
SH
chmod 755 forks.sh
cat > forks.sub <<SUB
executable = forks.sh
output = forks.out
error = forks.err
queue
SUB
cq rm "$big" >/dev/null
f=$(cq submit --terse forks.sub) || fail "cq submit forks.sub failed"
wait_queue_empty 30 || fail "the forks job did not end: $(cq q -a --json)"
grep -qi "fork\|resource" forks.err ||
    fail "the 33rd fork did not fail: $(cat forks.out forks.err)"
log "max_job_pids = 32: forks past it fail"
exit 0
