#!/bin/bash
# t-start-recheck: the agent judges each start order by its own start
# expression again (startd/machine.c), against the job ad the order
# carries.  The owner types, the slot is the owner's for idle_after, then
# offered again: the scheduler, whose KeyboardIdle comes from the last
# heartbeat, starts a job there, but the agent has seen the owner 1 s ago
# and `start = KeyboardIdle > 4` refuses it.  The refusal is reported
# like a slot no longer offered: the job goes back to idle (an eviction,
# not a run: no retry spent) and runs once the owner has been away 4 s.
# A lease of 60 s makes the heartbeats 15 s apart, so the scheduler's
# view is stale in that second; a heartbeat that falls inside it makes
# the try pass unseen, and the test tries again (3 times at most).  Then
# an agent whose start names the job's Owner, JobStatus and NumJobStarts
# runs a job: the order's job ad is the job as matching saw it.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 60s
AGENT_ACTIVITY="file:$T/act1" AGENT_EXTRA="idle_after = 1s
start = KeyboardIdle > 4" start_agent a1 1

done_ok() {	# ID: completed with exit code 0
	[ "$(cq history --json "$1" | jq -r '.[0].ExitCode // empty')" = 0 ]
}
first=$(cq submit --terse -- /bin/true) || fail "submit failed"
wait_until 30 done_ok "$first.0" || fail "the first job did not run: $(cq why "$first.0")"
log "a job the start allows runs (the agent's check agrees)"

refused=
for try in 1 2 3; do
	touch "$T/act1"
	id=$(cq submit --terse -- /bin/true) || fail "submit failed"
	wait_until 30 done_ok "$id.0" ||
	    fail "job $id.0 never ran: $(cq why "$id.0"; cq q -a --json)"
	if grep -q "job $id.0 run [0-9]*: not started: the machine's start refuses it now (KeyboardIdle > 4)" \
	    "$T/agent-a1.log"; then
		refused=$id
		break
	fi
	log "try $try: a heartbeat came first, the scheduler knew; again"
	sleep 1
done
[ -n "$refused" ] || fail "the agent never refused a start in 3 tries: $(grep -i start "$T/agent-a1.log" | tail -5)"
h=$(cq history --json "$refused.0")
[ "$(jq -r '.[0].NumVacates' <<<"$h")" -ge 1 ] ||
    fail "the refusal is not an eviction: $h"
[ "$(jq -r '.[0].completions // 1' <<<"$h")" -le 1 ] ||
    fail "the refused start counted as a run: $h"
n=$(grep -c "not started: the machine.s start refuses" "$T/agent-a1.log")
log "the agent refused the start its owner's policy forbids ($n time(s)); the job ran later"

# The order carries what the start names of the job, as matching saw it
# (idle, not yet started): a start over the job's side agrees on both.
me=$(id -un)
AGENT_EXTRA="start = TARGET.Owner == \"$me\" && TARGET.JobStatus == 1 && TARGET.NumJobStarts == 0" \
    start_agent o1 1
printf 'executable = /bin/true\nrequirements = Machine == "o1"\nqueue\n' > o1.sub
o=$(cq submit --terse o1.sub) || fail "submit failed"
wait_until 30 done_ok "$o.0" || fail "job $o.0 never ran on o1: $(cq why "$o.0"; grep -i refuses "$T/agent-o1.log")"
grep -q "start refuses" "$T/agent-o1.log" &&
    fail "o1 refused a job its start takes: $(grep refuses "$T/agent-o1.log")"
log "a start over the job's Owner, JobStatus and NumJobStarts: the agent agrees"
exit 0
