#!/bin/bash
# t-late-mat: late materialization (docs/materialize.md).  A 200,000-job
# submit is acknowledged as one factory while `cq q` answers; its jobs
# enter the queue bounded by max_idle, its TOTAL and unmaterialized count
# show in the batch view; cq hold of the cluster pauses it, cq release
# resumes it, cq qedit of it is refused, a cluster with none in the queue
# keeps its batch row, cq rm removes the procs not yet made.  A smaller factory (items from a list, max_idle 3) runs to its
# end on an agent, every proc once with its own item.  The per-submit and
# per-owner limits refuse with clear messages, and a factory stops at the
# owner's limit.
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_EXTRA="max_jobs_per_submission = 100
max_jobs_per_owner = 1000" start_schedd 10s

late() { cq q -batch --json | jq --arg c "$1" '.[] | select(.ClusterId == ($c | tonumber)) | .Unmaterialized'; }
inq() { cq q --json "$1" | jq length; }

# 200,000 jobs, at most 50 idle: acknowledged as one, then 50 in the queue.
printf 'executable = /bin/true\nmax_idle = 50\nqueue 200000\n' > big.sub
out=$(cq submit big.sub) || fail "cq submit of 200,000 jobs failed"
echo "$out" | grep -q "^200000 job(s) submitted to cluster [0-9]* (late materialization)\.$" ||
    fail "submit said: $out"
big=$(echo "$out" | sed 's/.*cluster \([0-9]*\).*/\1/')
cq q --json >/dev/null || fail "cq q does not answer during materialization"
fifty() { [ "$(inq "$big")" -eq 50 ]; }
wait_until 10 fifty || fail "not 50 jobs of $big in the queue: $(inq "$big")"
sleep 1
[ "$(inq "$big")" -eq 50 ] || fail "max_idle 50 passed: $(inq "$big") jobs"
b=$(cq q -batch --json)
[ "$(echo "$b" | jq --arg c "$big" '.[] | select(.ClusterId == ($c | tonumber)) | [.Total, .Idle, .Unmaterialized] | tostring' -r)" = "[200000,50,199950]" ] ||
    fail "batch row of $big: $b"
cq q | grep -q "^Not yet materialized: 199950 jobs" || fail "cq q: $(cq q)"

# hold pauses the factory (no idle job: still none made), release resumes.
cq hold "$big" >/dev/null || fail "cq hold $big failed"
sleep 1
[ "$(inq "$big")" -eq 50 ] || fail "held factory went on: $(inq "$big")"
[ "$(late "$big")" -eq 199950 ] || fail "held factory: $(late "$big") left"
cq release "$big" >/dev/null || fail "cq release $big failed"
[ "$(count_jobs ".ClusterId == $big and .JobStatus == 1")" -eq 50 ] ||
    fail "released jobs not idle"

# qedit of a cluster with jobs not made: refused, nothing changed.
err=$(cq qedit "$big" Priority 5 2>&1) && fail "qedit of the factory's cluster passed"
echo "$err" | grep -q "199950 jobs not materialized yet" || fail "qedit said: $err"
cq qedit "$big.0" Priority 5 >/dev/null || fail "qedit of $big.0 failed"

# Held, its 50 removed by a constraint (which reaches made jobs only):
# the cluster keeps its batch row with none in the queue.
cq hold "$big" >/dev/null || fail "cq hold $big failed"
cq rm -constraint "ClusterId == $big" >/dev/null || fail "cq rm -constraint failed"
none() { [ "$(inq "$big")" -eq 0 ]; }
wait_until 10 none || fail "constraint left $(inq "$big") jobs"
b=$(cq q -batch --json)
[ "$(echo "$b" | jq -r --arg c "$big" '.[] | select(.ClusterId == ($c | tonumber)) | [.Total, .Done, .Jobs, .Unmaterialized, .JobIds] | tostring')" = "[200000,50,0,199950,\"$big\"]" ] ||
    fail "batch row of $big with none in the queue: $b"

# rm of the cluster takes what is not made too.
out=$(cq rm "$big") || fail "cq rm $big failed"
echo "$out" | grep -q "^199950 job(s) removed" || fail "rm said: $out"
gone() { [ "$(inq "$big")" -eq 0 ]; }
wait_until 10 gone || fail "cluster $big still has jobs"
[ -z "$(late "$big")" ] || fail "cluster $big still in the batch view"
grep -q "cluster $big: 199950 jobs not materialized are removed" "$T/schedd.log" ||
    fail "no removal in the log"

# A factory of 3 items x 4 runs to its end, at most 3 idle at a time;
# cq wait of it returns once all 12 are done.
cat > items.sub <<'SUB'
executable = /bin/sh
arguments = "-c 'echo $(Process) $(Step) $(ItemIndex) $(color)'"
output = out.$(Process)
max_idle = 3
queue 4 color from (
red
green
blue
)
SUB
c=$(cq submit --terse items.sub) || fail "submit of items.sub failed"
[ "$(inq "$c")" -le 3 ] || fail "more than 3 idle: $(inq "$c")"
start_agent a1 2
# cq wait waits for the procs not made yet too, not only those in the queue.
cq wait -t 30 "$c" || fail "cq wait $c failed: $(cq q -nobatch)"
queue_empty || fail "cq wait $c returned with jobs left: $(cq q -nobatch)"
h=$(cq history --json "$c")
[ "$(jq length <<<"$h")" -eq 12 ] || fail "history of $c: $(jq length <<<"$h") rows"
[ "$(jq -c '[.[].ProcId] | sort' <<<"$h")" = "[0,1,2,3,4,5,6,7,8,9,10,11]" ] ||
    fail "procs of $c: $(jq -c '[.[].ProcId]' <<<"$h")"
colors=(red green blue)
for p in $(seq 0 11); do
	want="$p $((p % 4)) $((p / 4)) ${colors[$((p / 4))]}"
	[ "$(cat "out.$p")" = "$want" ] || fail "out.$p: '$(cat "out.$p")', not '$want'"
done
stop_agent a1

# A job the factory cannot build pauses it, with why, in cq q and the log.
printf 'executable = /bin/true\nrequest_memory = $(mem)\nmax_idle = 10\nqueue mem from (\n64\nlots\n128\n)\n' > badmem.sub
bm=$(cq submit --terse badmem.sub) || fail "submit of badmem.sub failed"
paused() { cq q | grep -q "^Cluster $bm: materialization paused: job 1: "; }
wait_until 10 paused || fail "no pause shown: $(cq q)"
[ "$(inq "$bm")" -eq 1 ] || fail "$(inq "$bm") jobs of $bm, not proc 0 alone"
grep -q "cluster $bm: late materialization paused: job 1: " "$T/schedd.log" ||
    fail "no pause in the log"
cq rm "$bm" >/dev/null || fail "cq rm $bm failed"

# Limits: more than max_jobs_per_submission at once (two queue
# statements: not a factory), and past max_jobs_per_owner.
printf 'executable = /bin/true\nqueue 60\nqueue 60\n' > two.sub
err=$(cq submit two.sub 2>&1) && fail "120 jobs passed max_jobs_per_submission 100"
echo "$err" | grep -q "submit refused: 120 jobs in one submit, max 100 (max_jobs_per_submission)" ||
    fail "per-submit refusal said: $err"
printf 'executable = /bin/true\nrequirements = false\nmax_materialize = 5000\nqueue 5000\n' > many.sub
m=$(cq submit --terse many.sub) || fail "submit of a 5,000-job factory failed"
full() { [ "$(inq "$m")" -eq 1000 ]; }
wait_until 10 full || fail "factory $m did not stop at the owner's 1000: $(inq "$m")"
sleep 1
[ "$(inq "$m")" -eq 1000 ] || fail "factory $m passed the owner's limit"
printf 'executable = /bin/true\nqueue 2\n' > small.sub
err=$(cq submit small.sub 2>&1) && fail "a submit past max_jobs_per_owner passed"
echo "$err" | grep -q "would have 1002 jobs in the queue, max 1000 (max_jobs_per_owner)" ||
    fail "per-owner refusal said: $err"
printf 'executable = /bin/true\nmax_idle = 5\nqueue 3\n' > fact.sub
err=$(cq submit fact.sub 2>&1) && fail "a factory with no room passed"
echo "$err" | grep -q "max_jobs_per_owner" || fail "factory refusal said: $err"

# max_materialize with two queue statements: refused with file and line.
printf 'executable = /bin/true\nmax_materialize = 5\nqueue 2\nqueue 2\n' > bad.sub
err=$(cq submit bad.sub 2>&1) && fail "two queue statements with max_materialize passed"
echo "$err" | grep -q "bad.sub:4: late materialization" || fail "bad.sub said: $err"
log "ok"
