#!/bin/bash
# t-history: `cq history` selects finished jobs by cluster, by job and by
# count, newest first, and lists each job once however it was named
# (a cluster and one of its jobs, or the same id twice).
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 2
a=$(printf 'executable = /bin/true\nqueue 20\n' > a.sub && cq submit --terse a.sub) ||
    fail "submit failed"
# b is the newest only once a has finished: two slots may end a's last
# job after a later cluster's.
wait_queue_empty 20 || fail "jobs did not finish: $(cq q --json)"
b=$(cq submit --terse -- /bin/true) || fail "submit failed"
wait_queue_empty 20 || fail "jobs did not finish: $(cq q --json)"

n() {
	cq history --json "$@" | jq length
}
[ "$(n)" -eq 21 ] || fail "cq history lists $(n) jobs, not 21"
[ "$(n "$a")" -eq 20 ] || fail "cq history $a lists $(n "$a") jobs, not 20"
[ "$(cq history --json "$a" | jq -c '[.[].ClusterId] | unique')" = "[$a]" ] ||
    fail "cq history $a lists other clusters"
[ "$(cq history --json "$a.3" | jq -r '[.[] | "\(.ClusterId).\(.ProcId)"] | join(" ")')" = "$a.3" ] ||
    fail "cq history $a.3: $(cq history --json "$a.3")"
[ "$(n -n 5)" -eq 5 ] || fail "cq history -n 5 lists $(n -n 5) jobs"
# Newest first.
cq history --json | jq -e '[.[].CompletionDate] | . == (sort | reverse)' >/dev/null ||
    fail "cq history is not newest first"
[ "$(cq history --json -n 1 | jq -r '.[0] | "\(.ClusterId).\(.ProcId)"')" = "$b.0" ] ||
    fail "the newest job is not $b.0: $(cq history --json -n 1)"
log "history by cluster, job, count and order: fine"

# Each job once, however often it is named.
[ "$(n "$a" "$b")" -eq 21 ] || fail "cq history $a $b lists $(n "$a" "$b") jobs, not 21"
[ "$(n "$a" "$a")" -eq 20 ] ||
    fail "cq history $a $a lists $(n "$a" "$a") jobs, not 20 (each id is walked again)"
[ "$(n "$a" "$a.3")" -eq 20 ] ||
    fail "cq history $a $a.3 lists $(n "$a" "$a.3") jobs, not 20"
exit 0
