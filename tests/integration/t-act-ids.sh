#!/bin/bash
# t-act-ids: rm, hold, release and vacate by CLUSTER and CLUSTER.PROC:
# hold and release of one proc and of a whole cluster; `cq vacate ID`
# evicts a running job, which goes back to IDLE and runs again (logged as
# an eviction); an unknown id exits 1, names the id and changes nothing;
# a bad id exits 2; `rm -a` removes all of mine.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 1

cat > c.sub <<SUB
executable = /bin/sleep
arguments = 300
log = $T/c.log
queue 3
SUB
c=$(cq submit --terse c.sub) || fail "submit failed"
st() { cq q --json | jq -r --arg id "$1" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st; }
is() { [ "$(st "$1")" = "$2" ]; }
wait_until 10 is "$c.0" R || fail "$c.0 not running: $(cq q --json)"

# The bash completion offers the queue's ids and the machines.
[ "$(cq __complete jobs | tr '\n' ' ')" = "$c.0 $c.1 $c.2 " ] ||
    fail "cq __complete jobs: $(cq __complete jobs)"
[ "$(cq __complete machines)" = a1 ] || fail "cq __complete machines: $(cq __complete machines)"
comp=$(CQ_BIN=$CQ_BIN bash -c 'cq() { "$CQ_BIN" "$@"; }
	. "$CQ_SRCDIR/completions/cq.bash"
	COMP_WORDS=(cq vacate ""); COMP_CWORD=2; _cq; echo "${COMPREPLY[*]}"
	COMP_WORDS=(cq hold -r); COMP_CWORD=2; _cq; echo "${COMPREPLY[*]}"')
[ "$comp" = "$c.0 $c.1 $c.2 a1
-reason" ] || fail "completion offered: $comp"

# hold one proc, then the cluster.
out=$(cq hold "$c.1") || fail "hold $c.1 failed"
[ "$out" = "1 job(s) held." ] || fail "hold $c.1 said: $out"
is "$c.1" H && is "$c.0" R && is "$c.2" I || fail "after hold $c.1: $(cq q --json)"
out=$(cq hold "$c") || fail "hold $c failed"
[ "$out" = "2 job(s) held." ] || fail "hold $c said: $out"
is "$c.0" H && is "$c.1" H && is "$c.2" H || fail "after hold $c: $(cq q --json)"
free() { cq status --json | jq -e '.[0].CqState == "UNCLAIMED" and .[0].JobId == null' >/dev/null; }
wait_until 10 free || fail "slot not free after the hold"
out=$(cq release "$c.2") || fail "release $c.2 failed"
[ "$out" = "1 job(s) released." ] || fail "release $c.2 said: $out"
wait_until 10 is "$c.2" R || fail "$c.2 not running: $(cq q --json)"
out=$(cq release "$c") || fail "release $c failed"
[ "$out" = "2 job(s) released." ] || fail "release $c said: $out"
log "hold/release by cluster and by proc as expected"

# -constraint narrows ids, selects alone, sees +Attr values; bad: exit 2.
out=$(cq hold -constraint 'ProcId == 1' "$c") || fail "hold -constraint failed"
[ "$out" = "1 job(s) held." ] || fail "hold -constraint said: $out"
is "$c.1" H || fail "$c.1 not held: $(cq q --json)"
out=$(cq hold -constraint 'ProcId == 7' "$c.0") || fail "hold of an existing job the constraint excludes failed: $out"
[ "$out" = "0 job(s) held." ] || fail "hold of an excluded job said: $out"
[ "$(cq q --json -constraint 'JobStatus == 5' | jq -r '[.[] | "\(.ClusterId).\(.ProcId)"] | join(" ")')" = "$c.1" ] ||
    fail "q -constraint: $(cq q --json -constraint 'JobStatus == 5')"
out=$(cq release -constraint "JobStatus == 5 && ClusterId == $c") || fail "release -constraint failed"
[ "$out" = "1 job(s) released." ] || fail "release -constraint said: $out"
cat > e.sub <<SUB
executable = /bin/sleep
arguments = 300
+Project = "alpha"
queue
SUB
e=$(cq submit --terse e.sub) || fail "submit e failed"
[ "$(cq q --json -constraint 'Project == "alpha"' | jq -r '.[] | "\(.ClusterId).\(.ProcId)"')" = "$e.0" ] ||
    fail "q -constraint on a custom attribute: $(cq q --json -constraint 'Project == "alpha"')"
out=$(cq rm -constraint 'Project =?= "alpha"') || fail "rm -constraint failed"
[ "$out" = "1 job(s) removed." ] || fail "rm -constraint said: $out"
out=$(cq rm -constraint 'ProcId ==' 2>&1)
rc=$?
[ "$rc" -eq 2 ] || fail "a bad constraint exited $rc: $out"
grep -q "bad constraint" <<<"$out" || fail "bad constraint message: $out"
out=$(cq q -constraint 'RequestMemory >' 2>&1)
[ $? -eq 2 ] || fail "cq q with a bad constraint: $out"
log "-constraint as expected"

# Unknown ids: exit 1, named, nothing done.
out=$(cq rm "$c.0" 99999 "$c.7" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "rm of unknown ids exited $rc: $out"
grep -q "99999" <<<"$out" && grep -q "$c.7" <<<"$out" || fail "unknown ids not named: $out"
grep -q "$c.0" <<<"$out" && fail "a good id named as bad: $out"
[ -n "$(st "$c.0")" ] || fail "$c.0 was removed by a failed request"
for bad in abc 1.x 1. .1 -- 0; do
	cq rm "$bad" >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "cq rm '$bad' exited $rc, not 2"
done
cq rm >/dev/null 2>&1
[ $? -eq 2 ] || fail "cq rm with no id is not a usage error"
cq hold -reason >/dev/null 2>&1
[ $? -eq 2 ] || fail "cq hold -reason without text is not a usage error"
log "unknown ids exit 1, bad ids exit 2"

# vacate a running job by id: it is evicted and runs again (the others
# are held so that it is the one that gets the slot back).
wait_until 10 is "$c.2" R || fail "$c.2 not running"
cq hold "$c.0" "$c.1" >/dev/null || fail "hold $c.0 $c.1 failed"
starts() { cq q --json | jq -r --arg id "$1" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .NumJobStarts'; }
n0=$(starts "$c.2")
out=$(cq vacate "$c.2") || fail "cq vacate $c.2 failed: $out"
[ "$out" = "1 job(s) vacated." ] || fail "vacate said: $out"
again() { [ "$(starts "$c.2")" -gt "$n0" ] && is "$c.2" R; }
wait_until 20 again || fail "$c.2 did not run again: $(cq q --json)"
[ "$(cq history --json "$c.2" | jq length)" -eq 0 ] || fail "the vacated job finished"
grep -q "^004 ($(printf '%03d' "$c").002.000)" c.log || fail "no eviction event: $(cat c.log)"
out=$(cq vacate "$c.0" 2>&1)	# held: nothing to vacate
[ "$out" = "0 job(s) vacated." ] || fail "vacate of a held job said: $out"
log "vacate by id evicts and the job runs again"

# rm -a: all of mine.
d=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
out=$(cq rm -a) || fail "rm -a failed"
[ "$out" = "4 job(s) removed." ] || fail "rm -a said: $out"
wait_queue_empty 10 || fail "queue not empty after rm -a: $(cq q --json)"
log "rm -a removed all"
