#!/bin/bash
# t-policy-periodic: periodic_remove = true removes a job within the tick
# (periodic_expr_interval = 1 s here); periodic_hold = JobStatus == 2
# holds a running job (HoldReasonCode 3, killed, slot given back);
# on_exit_hold with on_exit_hold_reason shows in `cq q -hold`, in the
# job ad and in the user log.
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_EXTRA="periodic_expr_interval = 1"
start_schedd 10s
start_agent a1 1

st_of() { cq q -a --json | jq -r --arg id "$1.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st; }
is() { [ "$(st_of "$1")" = "$2" ]; }

# periodic_hold = JobStatus == 2: held once it runs.
cat > hold.sub <<EOF2
executable = /bin/sleep
arguments = 300
log = $T/hold.log
periodic_hold = JobStatus == 2
periodic_hold_reason = "ran, so held"
periodic_hold_subcode = 42
queue
EOF2
h=$(cq submit --terse hold.sub) || fail "submit failed"
wait_until 20 is "$h" H || fail "job $h not held: $(cq q -a --json)"
free() { cq status --json | jq -e '.[0].CqState == "UNCLAIMED" and .[0].JobId == null' >/dev/null; }
wait_until 10 free || fail "the held job's slot is not free: $(cq status --json)"
[ "$(cq q -a -constraint 'HoldReasonCode == 3 && HoldReasonSubCode == 42' --json | jq length)" -eq 1 ] ||
    fail "hold codes: $(cq q -a --json)"
wait_until 10 grep -q "Code 3 Subcode 42" hold.log || fail "user log: $(cat hold.log)"
grep -q "ran, so held" hold.log || fail "no reason in the log: $(cat hold.log)"
cq rm "$h" >/dev/null || fail "cq rm failed"
log "periodic_hold = JobStatus == 2 held the running job"

# periodic_remove = true: gone within the tick.
cat > rm.sub <<EOF2
executable = /bin/sleep
arguments = 300
log = $T/rm.log
periodic_remove = true
queue
EOF2
r=$(cq submit --terse rm.sub) || fail "submit failed"
gone() { [ -z "$(st_of "$r")" ]; }
wait_until 20 gone || fail "job $r not removed: $(cq q -a --json)"
[ "$(cq history --json "$r.0" | jq -r '.[0].JobStatus')" = 3 ] ||
    fail "history: $(cq history --json "$r.0")"
wait_until 10 grep -q "^009 " rm.log || fail "no aborted event: $(cat rm.log)"
grep -q "The job attribute PeriodicRemove expression 'true' evaluated to TRUE" rm.log ||
    fail "no remove reason: $(cat rm.log)"
log "periodic_remove = true removed the job"

# Only the tick can see this one turn true: it runs, nothing changes.
cat > tick.sub <<EOF2
executable = /bin/sleep
arguments = 300
periodic_remove = JobStatus == 2 && (time() - EnteredCurrentStatus) >= 2
queue
EOF2
k=$(cq submit --terse tick.sub) || fail "submit failed"
wait_until 10 is "$k" R || fail "job $k not running: $(cq q -a --json)"
gonek() { [ -z "$(st_of "$k")" ]; }
wait_until 20 gonek || fail "the tick did not remove $k: $(cq q -a --json)"
log "the tick removed a running job once its expression turned true"

# on_exit_hold with a reason: cq q -hold shows it.
cat > exh.sub <<EOF2
executable = /bin/sh
arguments = "-c 'exit 3'"
log = $T/exh.log
on_exit_hold = ExitCode != 0
on_exit_hold_reason = strcat("exited with ", string(ExitCode))
on_exit_hold_subcode = ExitCode
queue
EOF2
e=$(cq submit --terse exh.sub) || fail "submit failed"
wait_until 20 is "$e" H || fail "job $e not held: $(cq q -a --json)"
out=$(cq q -hold) || fail "cq q -hold failed"
head -n 1 <<<"$out" | grep -Eq '^ID +OWNER +HELD_SINCE +CODE/SUB +HOLD_REASON' ||
    fail "cq q -hold header: $out"
grep -Eq "^$e\.0 +$(id -un) +[0-9/]+ [0-9:]+ +3/3 +exited with 3\$" <<<"$out" ||
    fail "cq q -hold row: $out"
grep -q "1 jobs; 0 completed, 0 removed, 0 idle, 0 running, 1 held" <<<"$out" ||
    fail "cq q -hold totals: $out"
[ "$(cq q -a --json | jq -r --arg id "$e.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .HoldReason')" = "exited with 3" ] ||
    fail "hold_reason: $(cq q -a --json)"
wait_until 10 grep -q "Code 3 Subcode 3" exh.log || fail "user log: $(cat exh.log)"
cq q -hold -batch >/dev/null 2>&1 && fail "cq q -hold -batch was accepted"
cq rm "$e" >/dev/null
exit 0
