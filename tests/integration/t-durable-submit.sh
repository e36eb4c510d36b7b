#!/bin/bash
# t-durable-submit: a submit is answered only once it is durable.  The
# scheduler is killed (-9) the moment `cq submit` returns; after a restart
# the jobs are all there, IDLE, under the cluster id the client was told,
# cluster ids are not reused, and an agent that joins then runs them.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
cat > five.sub <<SUB
executable = /bin/sh
arguments = "-c 'echo \$(Cluster).\$(Process)'"
output = $T/out.\$(Process)
queue 5
SUB
c1=$(cq submit --terse five.sub) || fail "cq submit failed"
stop_schedd KILL
log "scheduler killed right after cluster $c1 was acknowledged"

start_schedd
q=$(cq q --json)
[ "$(jq length <<<"$q")" -eq 5 ] || fail "after the restart the queue holds $(jq length <<<"$q") jobs, not 5: $q"
[ "$(jq -c '[.[] | select(.ClusterId == '"$c1"' and .JobStatus == 1)] | length' <<<"$q")" -eq 5 ] ||
    fail "jobs of cluster $c1 not IDLE after the restart: $q"
[ "$(jq -c '[.[].ProcId] | sort' <<<"$q")" = "[0,1,2,3,4]" ] || fail "procs changed: $q"

c2=$(cq submit --terse -- /bin/true) || fail "second submit failed"
[ "$c2" -gt "$c1" ] || fail "cluster id $c2 reused after the restart (first was $c1)"

start_agent a1 2
wait_queue_empty 20 || fail "the recovered jobs did not run: $(cq q --json)"
for p in 0 1 2 3 4; do
	[ "$(cat "$T/out.$p")" = "$c1.$p" ] || fail "job $c1.$p wrote '$(cat "$T/out.$p")'"
done
[ "$(cq history --json "$c1" | jq '[.[] | select(.JobStatus == 4)] | length')" -eq 5 ] ||
    fail "history of $c1: $(cq history --json "$c1")"
exit 0
