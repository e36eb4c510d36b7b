#!/bin/bash
# t-rm-group: `cq rm` of a running job kills its whole process group,
# background grandchildren included, and the job shows in history as
# removed (st X).
. "$(dirname "$0")/../lib/lib.sh"
command -v pgrep >/dev/null 2>&1 || skip "pgrep is needed"

start_schedd 10s
start_agent a1 1

job=$(cq submit --terse -- /bin/sh -c \
    "sleep 300 & sleep 300 & read -r p x < /proc/self/stat; echo \$p > $T/pidfile; wait") ||
    fail "cq submit failed"
wait_until 10 test -s "$T/pidfile" || fail "job $job wrote no pidfile within 10 s"
pgid=$(< "$T/pidfile")
echo "$pgid" >> "$T/kill.pgids"		# cleanup kills it if we fail
group_size() {
	pgrep -g "$pgid" | wc -l
}
group_complete() {
	[ "$(group_size)" -ge 3 ]
}
wait_until 5 group_complete ||
    fail "process group $pgid has $(group_size) processes, expected 3: $(ps -o pid,pgid,args -g "$pgid")"
[ "$(ps -o pgid= -p "$pgid" | tr -d ' ')" = "$pgid" ] ||
    fail "the job's shell $pgid does not lead its own process group"
[ "$(cq q --json | jq -r '.[0].JobStatus')" = 2 ] || fail "job $job is not RUNNING"
log "job $job runs as process group $pgid: $(pgrep -g "$pgid" | tr '\n' ' ')"

cq rm "$job" || fail "cq rm $job failed"
group_gone() {
	! pgrep -g "$pgid" >/dev/null
}
wait_until 5 group_gone ||
    fail "process group $pgid still alive 5 s after cq rm: $(ps -o pid,stat,args -g "$pgid")"
log "process group $pgid gone"

wait_queue_empty 10 || fail "job $job still in the queue: $(cq q --json)"
row=$(cq history --json "$job" | jq -c '.[0]')
[ "$(jq -r .JobStatus <<<"$row")" = 3 ] || fail "job $job is not REMOVED (3) in history: $row"
log "job $job in history as X"

# The slot is free again.
j=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq wait -t 10 "$j" || fail "a job after the removal did not run"
exit 0
