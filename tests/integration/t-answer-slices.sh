#!/bin/bash
# t-answer-slices: a large `cq status` answer is written a bounded slice
# per loop turn and does not hold up a job start.  Six stand-in agents
# (tests/lib/rogue-agent.py) register 1,000 slots each that match no job;
# while `cq status --json` answers over those 6,002 slots run one after
# the other, jobs are submitted one at a time to the real agent and each
# runs.  The scheduler's own counts (the query "loop") say: no loop turn
# wrote more rows of answers than its bound, the answers took many slices,
# every job started in the loop turn after it entered the idle queue, and
# at most one slice of answer rows was written between the two.  The
# answer itself is whole: every slot once, in order of machine name.
# `cq q`'s batch view over 5,000 jobs is summed in slices as well.
. "$(dirname "$0")/../lib/lib.sh"

NBULK=6
NSLOTS=1000
loop_stats() {
	python3 "$CQ_SRCDIR/tests/lib/cqclient.py" "$CQ_SOCKET" query \
	    '{"what":"loop"}' | jq -c '.rows[0]'
}

start_schedd 60s
start_agent a1 2

pids=()
for i in $(seq 1 $NBULK); do
	python3 "$CQ_SRCDIR/tests/lib/rogue-agent.py" --tls \
	    --addr "$SCHEDD_ADDR" --token "$SCHEDD_POOL_TOKEN" \
	    --name "bulk$i" --slots $NSLOTS --act machine \
	    --machine '{"Arch":"NONE","OpSys":"NONE","TotalDisk":1048576}' \
	    --linger 120 > "$T/bulk$i.out" 2>&1 &
	pids+=($!)
done
at_cleanup sh -c "kill ${pids[*]} 2>/dev/null"
want=$((NBULK * NSLOTS + 2))
slots_shown() {
	[ "$(cq status --json | jq length)" -eq "$want" ]
}
wait_until 30 slots_shown ||
    fail "cq status does not show $want slots: $(cq status --json | jq length)"
log "$want slots registered"

# The answer is whole: every slot once, machines in order of name.
cq status --json > status.json || fail "cq status --json failed"
[ "$(jq '[.[] | .Name] | unique | length' status.json)" -eq "$want" ] ||
    fail "cq status shows a slot twice or misses one"
jq -r '.[].Machine' status.json | uniq > machines.txt
sort -c machines.txt || fail "cq status is not in order of machine name"

before=$(loop_stats) || fail "the query loop failed"
# Large answers, one after the other, while the jobs come.
( while :; do cq status --json > /dev/null 2>&1; done ) &
busy=$!
at_cleanup sh -c "kill $busy 2>/dev/null"
for k in 1 2 3 4 5; do
	id=$(cq submit --terse -- /bin/true) || fail "cq submit $k failed"
	cq wait -t 30 "$id" > /dev/null || fail "job $id did not complete"
done
kill "$busy"
after=$(loop_stats) || fail "the query loop failed"
log "loop: $after"

bound=$(jq .answer_rows_per_turn <<<"$after")
[ "$bound" -gt 0 ] || fail "no bound on answer rows per turn: $after"
[ "$(jq .answer_rows_turn_max <<<"$after")" -le "$bound" ] ||
    fail "a loop turn wrote more answer rows than $bound: $after"
rows=$(( $(jq .answer_rows <<<"$after") - $(jq .answer_rows <<<"$before") ))
slices=$(( $(jq .answer_slices <<<"$after") - $(jq .answer_slices <<<"$before") ))
[ "$rows" -ge "$want" ] || fail "no whole status answer written meanwhile: $rows rows"
[ "$slices" -ge $((rows / bound)) ] ||
    fail "$rows rows in $slices slices: more than $bound a turn"
[ "$(jq .start_wait_turns_max <<<"$after")" -le 1 ] ||
    fail "a job waited more than one loop turn for a free slot: $after"
[ "$(jq .start_wait_rows_max <<<"$after")" -le "$bound" ] ||
    fail "more than a slice of answer rows went before a job start: $after"
log "$rows answer rows in $slices slices (at most $bound a turn); five jobs started a turn after they were queued"

# The batch view (cq q) over 5,000 jobs (that match no slot) is summed
# in slices too.
cat > many.sub <<SUB
executable = /bin/true
requirements = (TARGET.Memory > 1000000000)
queue 5000
SUB
big=$(cq submit --terse many.sub) || fail "cq submit of 5,000 jobs failed"
before=$(loop_stats) || fail "the query loop failed"
out=$(cq q) || fail "cq q failed"
after=$(loop_stats) || fail "the query loop failed"
grep -q "$big" <<<"$out" || fail "cq q does not show cluster $big: $out"
slices=$(( $(jq .answer_slices <<<"$after") - $(jq .answer_slices <<<"$before") ))
[ "$slices" -ge 2 ] || fail "the batch view of 5,000 jobs took $slices slice(s)"
[ "$(jq .answer_rows_turn_max <<<"$after")" -le "$bound" ] ||
    fail "a loop turn wrote more answer rows than $bound: $after"
log "cq q over 5,000 jobs: $slices slices"
cq rm "$big" > /dev/null || fail "cq rm $big failed"

# A client that leaves in the middle of a large answer costs nothing more.
for i in 1 2 3; do
	(timeout -s KILL 0.05 "$CQ_BIN" status --json > /dev/null 2>&1) 2>/dev/null
done
id=$(cq submit --terse -- /bin/true) || fail "cq submit after the leavers failed"
cq wait -t 30 "$id" > /dev/null || fail "job $id did not complete"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
log "clients gone in the middle of an answer: the scheduler goes on"
