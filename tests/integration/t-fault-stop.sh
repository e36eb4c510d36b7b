#!/bin/bash
# t-fault-stop: a scheduler stopped (SIGSTOP) for twice its lease while a
# job completes, then continued, takes the job's exit, which waits in its
# socket, before it judges the agent's lease: the job completes from run
# 1 and does not run again (found by scripts/fault.sh: the first tick
# after the stop dropped the agents and requeued the jobs whose exits it
# had not read yet).
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 4s
start_agent a1 1
cat > job.sh <<'SH'
#!/bin/sh
echo run >> "$1/ran"
sleep 0.3
echo done >> "$1/done"
SH
chmod +x job.sh
cat > j.sub <<SUB
executable = $T/job.sh
arguments = $T
output = /dev/null
queue
SUB
j=$(cq submit --terse j.sub) || fail "cq submit failed"
wait_until 10 test -s ran || fail "job $j did not start"
kill -STOP "$SCHEDD_PID"
at_cleanup 'kill -CONT '"$SCHEDD_PID"' 2>/dev/null'
log "scheduler stopped while job $j runs"
wait_until 10 test -s done || { kill -CONT "$SCHEDD_PID"; fail "job $j did not finish"; }
wait_until 10 grep -q "job $j.0 run 1: exited (code 0, signal 0)" agent-a1.log ||
    { kill -CONT "$SCHEDD_PID"; fail "the agent did not see job $j end"; }
sleep 8		# twice the lease
kill -CONT "$SCHEDD_PID"
log "scheduler continued"
cq wait -t 20 "$j.0" >/dev/null || fail "job $j did not complete: $(cq q --json)"
row=$(cq history --json "$j" | jq -c '.[0]')
[ "$(jq -r .JobRunCount <<<"$row")" = 1 ] ||
    fail "job $j completed from run $(jq -r .JobRunCount <<<"$row"), not 1: $row"
[ "$(wc -l < ran)" -eq 1 ] || fail "job $j ran $(wc -l < ran) times"
! grep -q "agent a1.*missed its lease" schedd.log ||
    fail "the scheduler dropped a1 for its own stop: $(grep 'missed its lease' schedd.log)"
exit 0
