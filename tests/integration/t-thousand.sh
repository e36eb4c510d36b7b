#!/bin/bash
# t-thousand: two agents with four slots each run one cluster of 1,000
# jobs.  Every job completes exactly once, with its own exit code
# (proc % 7) and its own output file.
. "$(dirname "$0")/../lib/lib.sh"

N=1000
start_schedd 10s
start_agent a1 4
start_agent a2 4

mkdir out
cat > many.sub <<SUB
executable = /bin/sh
arguments = "-c 'echo job \$(Process); exit \$(DOLLAR)(( \$(Process) % 7 ))'"
output = out/\$(Process).out
error = out/\$(Process).err
queue $N
SUB
t0=$(now_ms)
cluster=$(cq submit --terse many.sub) || fail "cq submit failed"
log "cluster $cluster: $N jobs submitted"

wait_queue_empty 180 || fail "not done within 180 s: $(count_jobs 'true') jobs left"
t1=$(now_ms)
log "$N jobs done in $(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 )) s"

hist=$(cq history --json "$cluster") || fail "cq history failed"
[ "$(jq length <<<"$hist")" -eq $N ] ||
    fail "history has $(jq length <<<"$hist") rows, not $N"
# One row per id, each completed once, on its first run, with proc % 7.
bad=$(jq -c '[.[] | select(.JobStatus != 4 or .JobRunCount != 1 or (.ExitSignal // 0) != 0
    or .ExitCode != (.ProcId % 7))] | .[:5]' <<<"$hist")
[ "$bad" = "[]" ] || fail "jobs with a wrong state, run or exit code: $bad"
[ "$(jq '[.[].ProcId] | unique | length' <<<"$hist")" -eq $N ] ||
    fail "history repeats a proc"
[ "$(jq '[.[].ProcId] | (min, max)' <<<"$hist" | tr '\n' ' ')" = "0 $((N - 1)) " ] ||
    fail "history procs are not 0..$((N - 1))"
# Both agents took part.
for a in a1 a2; do
	n=$(jq --arg a "$a" '[.[] | select(.LastRemoteHost | endswith("@" + $a))] | length' <<<"$hist")
	[ "$n" -gt 0 ] || fail "agent $a ran no job"
	log "agent $a ran $n jobs"
done

# Every output file holds exactly its own line; no stray errors.
for ((p = 0; p < N; p++)); do
	[ "$(< "out/$p.out")" = "job $p" ] ||
	    fail "out/$p.out holds '$(< "out/$p.out")'"
	[ -s "out/$p.err" ] && fail "out/$p.err is not empty: $(< "out/$p.err")"
done
[ "$(ls out | wc -l)" -eq $((2 * N)) ] || fail "unexpected files in out/"

# Each job started once, from the agents' point of view too.
starts=$(cat "$T"/agent-a*.log | grep -c "job $cluster\.[0-9]* run [0-9]*: started")
[ "$starts" -eq $N ] || fail "agents logged $starts starts, not $N"
[ "$(cat "$T"/agent-a*.log | grep -o "job $cluster\.[0-9]* run [0-9]*: started" | sort -u | wc -l)" -eq $N ] ||
    fail "an agent started a job twice"
exit 0
