#!/bin/bash
# t-prio: `priority` in a submit file reaches the queue and orders one
# user's jobs: on a one-slot pool kept busy, a priority 10 job submitted
# after a priority 0 one runs first.  `cq prio -p N` (and +N, -N) changes the order of
# jobs already queued the same way, and the change outlives a restart of
# the scheduler.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
# The agent keeps the address it was given: restart on the same port.
write_schedd_conf 10s "$SCHEDD_ADDR"
start_agent a1 1

# A job holding the one slot until the file GATE exists.
block() {
	cq submit --terse -- /bin/sh -c "while [ ! -e $T/$1 ]; do sleep 0.1; done" ||
	    fail "submit of the blocker failed"
}
sub() {	# NAME PRIORITY
	printf 'executable = /bin/true\npriority = %s\nqueue\n' "$2" > "$1.sub"
	cq submit --terse "$1.sub" || fail "submit $1 failed"
}
st_of() { cq q --json | jq -r --arg c "$1" '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus' | job_st; }
prio_of() { cq q --json | jq -r --arg c "$1" '.[] | select(.ClusterId == ($c | tonumber)) | .JobPrio'; }
is() { [ "$(st_of "$1")" = "$2" ]; }
done_job() { [ "$(cq history --json "$1" | jq length)" -eq 1 ]; }
hist() { cq history --json "$1" | jq -r ".[0].$2"; }

b1=$(block go1)
wait_until 10 is "$b1" R || fail "the blocker did not start: $(cq q --json)"
low=$(sub low 0)
high=$(sub high 10)
[ "$(prio_of "$high")" = 10 ] || fail "the queued job's priority is $(prio_of "$high"), not 10"
[ "$(prio_of "$low")" = 0 ] || fail "the low job's priority is $(prio_of "$low")"
is "$low" I && is "$high" I || fail "jobs not idle behind the blocker: $(cq q --json)"
touch go1
wait_until 20 done_job "$low" || fail "the low job did not run: $(cq q --json)"
wait_until 20 done_job "$high" || fail "the high job did not run"
[ "$(hist "$high" CompletionDate)" -le "$(hist "$low" JobStartDate)" ] ||
    fail "priority 10 did not run first: high ran $(hist "$high" JobStartDate)-$(hist "$high" CompletionDate), low started $(hist "$low" JobStartDate)"
log "priority 10 ran before the earlier priority 0 job"

# cq prio: two equal jobs, the later one raised.
b2=$(block go2)
wait_until 10 is "$b2" R || fail "the second blocker did not start"
first=$(sub first 0)
second=$(sub second 0)
out=$(cq prio -p 5 "$second") || fail "cq prio failed: $out"
[ "$out" = "1 job(s) edited." ] || fail "cq prio said: $out"
[ "$(prio_of "$second")" = 5 ] || fail "cq prio did not change the priority: $(prio_of "$second")"
cq prio +2 "$second" >/dev/null || fail "cq prio +2 failed"
cq prio -1 "$second" >/dev/null || fail "cq prio -1 failed"
[ "$(prio_of "$second")" = 6 ] || fail "cq prio +2 -1 gave $(prio_of "$second"), not 6"
out=$(cq prio -p 1 "$b2" 2>&1) && fail "cq prio of a running job worked: $out"
case $out in *"only idle or held"*) ;; *) fail "unexpected: $out" ;; esac
out=$(cq prio -p x "$first" 2>&1); [ $? -eq 2 ] || fail "cq prio -p x: $out"

# Durable: the scheduler restarts and still knows it.
stop_schedd
start_schedd
[ "$(prio_of "$second")" = 6 ] || fail "priority lost in a restart: $(cq q --json)"
wait_until 10 agent_connected a1 || fail "the agent did not come back"
touch go2
wait_until 20 done_job "$first" || fail "the first job did not run: $(cq q --json)"
wait_until 20 done_job "$second" || fail "the second job did not run"
[ "$(hist "$second" CompletionDate)" -le "$(hist "$first" JobStartDate)" ] ||
    fail "the job cq prio raised did not run first"
log "cq prio changed the order, and it outlived a restart"
