#!/bin/bash
# t-policy-retry: the exit policies as HTCondor runs them.  max_retries =
# 2 with a job that exits 7: it runs three times (two "terminated and was
# requeued" events), then leaves the queue completed with exit code 7;
# on_exit_remove = ExitCode == 0 with exit 9 is put back to idle and runs
# again (here it exits 0 the second time and completes).
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 1

cat > seven.sh <<SH
#!/bin/sh
echo run >> "$T/seven.runs"
exit 7
SH
chmod +x seven.sh
cat > retry.sub <<EOF2
executable = $T/seven.sh
log = $T/retry.log
max_retries = 2
queue
EOF2
c=$(cq submit --terse retry.sub) || fail "submit failed"
wait_queue_empty 60 || fail "the job did not leave the queue: $(cq q -a --json)"
[ "$(wc -l < seven.runs)" -eq 3 ] ||
    fail "the job ran $(wc -l < seven.runs) times, not 3"
h=$(cq history --json "$c.0")
[ "$(jq -r '.[0].JobStatus' <<<"$h")" = 4 ] || fail "not completed: $h"
[ "$(jq -r '.[0].ExitCode' <<<"$h")" = 7 ] || fail "exit code: $h"
[ "$(jq -r '.[0].NumJobStarts' <<<"$h")" = 3 ] || fail "NumJobStarts: $h"
wait_until 10 grep -q "^005 " retry.log || fail "no terminated event: $(cat retry.log)"
[ "$(grep -c "Job terminated and was requeued" retry.log)" -eq 2 ] ||
    fail "requeue events: $(cat retry.log)"
grep -q "(1) Normal termination (return value 7)" retry.log ||
    fail "no exit 7 in the log: $(cat retry.log)"
[ "$(grep -c '^001 ' retry.log)" -eq 3 ] || fail "execute events: $(cat retry.log)"
log "max_retries = 2: three runs, then completed with exit 7"

# on_exit_remove = ExitCode == 0: exit 9 goes back to the queue.
cat > nine.sh <<SH
#!/bin/sh
if [ -e "$T/nine.once" ]; then exit 0; fi
touch "$T/nine.once"
exit 9
SH
chmod +x nine.sh
cat > nine.sub <<EOF2
executable = $T/nine.sh
log = $T/nine.log
on_exit_remove = ExitCode == 0
queue
EOF2
c=$(cq submit --terse nine.sub) || fail "submit failed"
wait_queue_empty 60 || fail "the job did not leave the queue: $(cq q -a --json)"
h=$(cq history --json "$c.0")
[ "$(jq -r '.[0].JobStatus' <<<"$h")" = 4 ] || fail "not completed: $h"
[ "$(jq -r '.[0].ExitCode' <<<"$h")" = 0 ] || fail "exit code: $h"
[ "$(jq -r '.[0].NumJobStarts' <<<"$h")" = 2 ] || fail "exit 9 was not requeued: $h"
wait_until 10 grep -q "^005 " nine.log || fail "no terminated event: $(cat nine.log)"
grep -q "The job attribute OnExitRemove expression 'ExitCode == 0' evaluated to FALSE" nine.log ||
    fail "no requeue reason in the log: $(cat nine.log)"
log "on_exit_remove = ExitCode == 0: exit 9 requeued, exit 0 completed"

# An expression that does not parse is refused at submit, file and line.
printf 'executable = /bin/true\nperiodic_remove = JobStatus = 4\nqueue\n' > broken.sub
out=$(cq submit broken.sub 2>&1) && fail "a broken policy was accepted"
case $out in
*"broken.sub:2: periodic_remove: column "*) ;;
*) fail "unexpected: $out" ;;
esac
exit 0
