#!/bin/bash
# t-schedd-kill: the scheduler is killed (-9) in the middle of 200 short
# jobs and restarted on the same state directory and port; the agents
# reconnect by themselves, the jobs they hold are adopted, exits that
# happened meanwhile are reported again, and every job runs exactly once:
# each id appears once in the file the jobs append to, and history has
# each job once, completed.
. "$(dirname "$0")/../lib/lib.sh"

N=200
start_schedd 10s
# The agents keep the address they were given: restart on the same port.
addr=$SCHEDD_ADDR
write_schedd_conf 10s "$addr"
start_agent a1 2
start_agent a2 2

cat > job.sh <<'JOB'
#!/bin/sh
# job.sh ID PROC FILE: note that we ran, then take 0.05 to 0.30 s.
echo "$1" >> "$3"
sleep "$(printf '0.%02d' $(( ($2 * 37) % 26 + 5 )))"
JOB
chmod +x job.sh
cat > jobs.sub <<SUB
executable = $T/job.sh
arguments = \$(Cluster).\$(Process) \$(Process) $T/ran
output = /dev/null
error = $T/job-errors
queue $N
SUB
cluster=$(cq submit --terse jobs.sub) || fail "cq submit failed"
log "cluster $cluster: $N jobs submitted"

ran() {
	if [ -f "$T/ran" ]; then wc -l < "$T/ran"; else echo 0; fi
}
ran_at_least() {
	[ "$(ran)" -ge "$1" ]
}
wait_until 60 ran_at_least 40 || fail "fewer than 40 jobs ran within 60 s"
stop_schedd KILL
log "scheduler killed with $(ran) jobs run"
sleep 1		# jobs finish meanwhile: their exits wait on the agents
log "restarting with $(ran) jobs run"
start_schedd
[ "$SCHEDD_ADDR" = "$addr" ] || fail "the scheduler came back on $SCHEDD_ADDR, not $addr"

for a in a1 a2; do
	wait_until 20 agent_connected "$a" || fail "agent $a did not reconnect within 20 s"
done
log "agents reconnected"
wait_queue_empty 90 || fail "jobs left after 90 s: $(cq q --json | jq -c '[.[] | {ClusterId, ProcId, JobStatus, RemoteHost, JobRunCount}]')"

# Each id ran once.
[ "$(wc -l < "$T/ran")" -eq $N ] ||
    fail "$(wc -l < "$T/ran") runs for $N jobs; repeated: $(sort "$T/ran" | uniq -d | head | tr '\n' ' ')"
[ "$(sort -u "$T/ran" | wc -l)" -eq $N ] ||
    fail "ids repeated: $(sort "$T/ran" | uniq -d | head | tr '\n' ' ')"
for ((p = 0; p < N; p++)); do
	grep -qx "$cluster.$p" "$T/ran" || fail "job $cluster.$p never ran"
done
[ -s "$T/job-errors" ] && fail "the jobs wrote errors: $(head "$T/job-errors")"

# History: each job once, completed, exit 0.
hist=$(cq history --json "$cluster") || fail "cq history failed"
[ "$(jq length <<<"$hist")" -eq $N ] || fail "history has $(jq length <<<"$hist") rows"
[ "$(jq '[.[] | "\(.ClusterId).\(.ProcId)"] | unique | length' <<<"$hist")" -eq $N ] || fail "history repeats a job"
bad=$(jq -c '[.[] | select(.JobStatus != 4 or .ExitCode != 0)] | .[:5]' <<<"$hist")
[ "$bad" = "[]" ] || fail "jobs not completed with exit 0: $bad"
log "adopted after the restart: $(grep -c 'adopted job' "$T/schedd.log"), runs > 1: $(jq '[.[] | select(.JobRunCount > 1)] | length' <<<"$hist")"
exit 0
