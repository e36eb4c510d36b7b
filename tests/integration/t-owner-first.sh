#!/bin/bash
# t-owner-first: when the owner comes back the freeze comes first.  A job
# of 6 busy processes runs; the owner touches the activity file.  As soon
# as `cq status` shows the slot SUSPENDED, no process of the job may be
# running (read from /proc at once, then: no CPU used over 300 ms), and
# the agent's log has the job stopped before the slot's move.  Then the
# freeze ladder: with the cgroup2 freeze failing on purpose
# (CQ_JOBCTL_FREEZE_FAIL=cgroup2) the job still stops (v1 freezer); with
# every rung failing (=all) the job is killed, not left running, and the
# scheduler requeues it with the reason.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root for the jobs' cgroups"

start_schedd 10s
policy="idle_after = 1s
resume_after = 1h
vacate_after = 1h"

cat > busy.sh <<'SH'
#!/bin/sh
# 6 processes: this shell and 5 busy children; their pids in pids.$$, as
# the agent's /proc shows them (the job may have a pid namespace).
i=0
while [ $i -lt 5 ]; do
	( read -r me _ < /proc/self/stat; echo "$me" >> "pids.$$"
	while :; do :; done ) &
	i=$((i + 1))
done
read -r me _ < /proc/self/stat
echo "$me" >> "pids.$$"
wait
SH
chmod +x busy.sh

slot_is() { cq status --json | jq -e --arg n "$1" --arg s "$2" \
    '[.[] | select(.Name == $n and .CqState == $s)] | length == 1' >/dev/null; }
job_field() { cq q --json | jq -r --arg id "$1" ".[] | select(\"\\(.ClusterId).\\(.ProcId)\" == \$id) | .$2"; }
# The job's pids (its leader wrote them): the newest pids.* file.
job_pids() { cat "$(ls -t "$T"/pids.* | head -1)"; }
# Processes of the list that are running (state R) now.
running() {
	local p s n=0
	for p in $(job_pids); do
		s=$(sed 's/.*) \(.\).*/\1/' "/proc/$p/stat" 2>/dev/null) || continue
		[ "$s" = R ] && n=$((n + 1))
	done
	echo $n
}
# CPU ticks (utime + stime) of the list.
ticks() {
	local p t=0
	for p in $(job_pids); do
		set -- $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)
		[ $# -gt 13 ] && t=$((t + ${12} + ${13}))
	done
	echo $t
}
submit_busy() {	# [USERLOG]: submit, wait until its 6 processes run
	local c
	rm -f "$T"/pids.*
	printf 'executable = %s\n%squeue\n' "$T/busy.sh" \
	    "${1:+log = $1$'\n'}" > busy.sub
	c=$(cq submit --terse busy.sub) || fail "submit failed"
	wait_until 10 eval '[ "$(job_field "$c.0" JobStatus)" = 2 ]' ||
	    fail "job $c not running: $(cq q --json)"
	wait_until 5 eval '[ "$(job_pids 2>/dev/null | wc -l)" -eq 6 ]' ||
	    fail "the job did not start its 6 processes"
	# At nice 19 on a loaded machine the first tick may take a while.
	wait_until 10 eval '[ "$(ticks)" -gt 0 ]' || fail "the job uses no CPU"
	JOB=$c
}
# ACT AGENT: the owner comes back; wait for SUSPENDED, check at once.
owner_back() {
	local act=$1 a=$2 r t
	touch "$act"
	wait_until 5 slot_is "slot1@$a" SUSPENDED ||
	    fail "slot1@$a not SUSPENDED: $(cq status --json)"
	r=$(running)
	[ "$r" -eq 0 ] || fail "the scheduler shows SUSPENDED while $r " \
	    "processes of the job still run"
	t=$(ticks); sleep 0.3
	[ "$(ticks)" -eq "$t" ] || fail "the suspended job still uses CPU"
}

# 1. The order: stopped, then the scheduler told, then the log.
AGENT_ACTIVITY="file:$T/act1" AGENT_EXTRA=$policy start_agent a1 1
grep -q "jobctl: cgroup2 freeze" "$T/agent-a1.log" ||
    skip "the agent has no cgroup2 freeze here: $(grep jobctl: "$T/agent-a1.log")"
submit_busy
owner_back "$T/act1" a1
lg="$T/agent-a1.log"
stop_line=$(grep -n "job $JOB.0 run 1: suspended (cgroup2), stopped" "$lg" |
    head -1 | cut -d: -f1)
move_line=$(grep -n "slot1: CLAIMED -> SUSPENDED" "$lg" | head -1 | cut -d: -f1)
[ -n "$stop_line" ] || fail "no 'suspended (cgroup2), stopped' line in $lg"
[ -n "$move_line" ] || fail "no 'CLAIMED -> SUSPENDED' line in $lg"
[ "$stop_line" -lt "$move_line" ] ||
    fail "the slot's move was logged before the job was seen stopped"
log "$(grep -o "suspended (cgroup2), stopped.*" "$lg" | head -1)"
cq rm "$JOB" >/dev/null
stop_agent a1

# 2. The cgroup2 freeze fails: the v1 freezer stops it.
CQ_JOBCTL_FREEZE_FAIL=cgroup2 AGENT_ACTIVITY="file:$T/act2" \
    AGENT_EXTRA=$policy start_agent a2 1
if grep -q "jobctl: .*v1:.* freezer" "$T/agent-a2.log"; then
	submit_busy
	owner_back "$T/act2" a2
	grep -q "job $JOB.0 run 1: suspended (v1 freezer), stopped" \
	    "$T/agent-a2.log" || fail "no v1 freezer suspension in the log"
	log "cgroup2 failing: $(grep -o "suspended (v1 freezer).*" \
	    "$T/agent-a2.log" | head -1)"
	cq rm "$JOB" >/dev/null
else
	log "no v1 freezer here: the cgroup2 -> v1 step is not tried"
fi
stop_agent a2

# 3. Nothing can stop it: killed, and requeued with the reason.
CQ_JOBCTL_FREEZE_FAIL=all AGENT_ACTIVITY="file:$T/act3" \
    AGENT_EXTRA=$policy start_agent a3 1
submit_busy "$T/c.log"
pids=$(job_pids)
touch "$T/act3"
gone() { local p; for p in $pids; do [ -d "/proc/$p" ] && return 1; done; return 0; }
wait_until 5 gone || fail "a job nothing could stop is still alive"
grep -q "job $JOB.0 run 1: the owner is back and nothing could stop" \
    "$T/agent-a3.log" || fail "the agent did not log the kill"
wait_until 5 eval '[ "$(job_field "$JOB.0" JobStatus)" != 2 ] ||
    [ "$(job_field "$JOB.0" JobRunCount)" -ge 2 ]' ||
    fail "the killed job is not back in the queue: $(cq q --json)"
wait_until 5 grep -q "nothing could stop the job" "$T/c.log" ||
    fail "the job's log has no eviction with the reason: $(cat "$T/c.log")"
log "unstoppable job killed and requeued with the reason"
cq rm "$JOB" >/dev/null
