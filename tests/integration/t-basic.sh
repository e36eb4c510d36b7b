#!/bin/bash
# t-basic: one agent runs a cluster of three jobs, each writing its own
# output; all complete with the right output and exit codes in history.
# `cq submit -- /bin/false` completes with exit code 1; a missing
# executable is refused at submit with file and line, and a job whose
# executable is gone when it starts is HELD (still in the queue), not lost.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 2

mkdir out
cat > three.sub <<SUB
executable = /bin/sh
arguments = "-c 'echo proc \$(Process) of \$(Cluster); echo err \$(Process) >&2; exit \$(Process)'"
output = out/\$(Process).out
error = out/\$(Process).err
queue 3
SUB
cluster=$(cq submit --terse three.sub) || fail "cq submit three.sub failed"
[[ $cluster =~ ^[0-9]+$ ]] || fail "cq submit --terse printed '$cluster'"
log "cluster $cluster submitted"

wait_queue_empty 30 || fail "cluster $cluster not done within 30 s: $(cq q --json)"

hist=$(cq history --json "$cluster") || fail "cq history failed"
[ "$(jq length <<<"$hist")" -eq 3 ] || fail "history has not 3 rows: $hist"
# The CMD column shows the arguments as the job got them.
[ "$(jq -r '[.[] | "\(.Cmd) \(.Args)" | select(contains("of '"$cluster"';"))] | length' <<<"$hist")" -eq 3 ] ||
    fail "cmd does not name the cluster: $(jq -r '.[] | "\(.Cmd) \(.Args)"' <<<"$hist")"
for p in 0 1 2; do
	row=$(jq -c --arg id "$cluster.$p" '.[] | select("\(.ClusterId).\(.ProcId)" == $id)' <<<"$hist")
	[ -n "$row" ] || fail "job $cluster.$p missing from history: $hist"
	[ "$(jq -r .JobStatus <<<"$row")" = 4 ] || fail "job $cluster.$p not C: $row"
	[ "$(jq -r .ExitCode <<<"$row")" = "$p" ] ||
	    fail "job $cluster.$p exit_code is not $p: $row"
	[ "$(jq -r '.ExitSignal // 0' <<<"$row")" = 0 ] ||
	    fail "job $cluster.$p exit_signal is not 0: $row"
	[ "$(jq -r .JobRunCount <<<"$row")" = 1 ] || fail "job $cluster.$p ran more than once: $row"
	[ "$(cat "out/$p.out")" = "proc $p of $cluster" ] ||
	    fail "out/$p.out is '$(cat "out/$p.out")'"
	[ "$(cat "out/$p.err")" = "err $p" ] ||
	    fail "out/$p.err is '$(cat "out/$p.err")'"
done
log "three jobs completed with exit codes 0 1 2 and their outputs"

# A command line job that fails.
out=$(cq submit --terse -- /bin/false) || fail "cq submit -- /bin/false failed"
cq wait -t 20 "$out"
rc=$?
[ "$rc" -eq 1 ] || fail "cq wait on /bin/false returned $rc, not 1"
row=$(cq history --json "$out" | jq -c '.[0]')
[ "$(jq -r .ExitCode <<<"$row")" = 1 ] || fail "/bin/false: exit_code not 1: $row"
[ "$(jq -r .JobStatus <<<"$row")" = 4 ] || fail "/bin/false: not C: $row"
log "/bin/false: exit_code 1, cq wait returned 1"

# A missing executable is refused at submit, naming file, line and path,
# as condor_submit does ...
cat > missing.sub <<SUB
executable = $T/no-such-program
output = out/missing.out
queue
SUB
cq submit --terse missing.sub 2> refused.err && fail "a missing executable was accepted"
grep -qxF "cq: missing.sub:1: executable '$T/no-such-program': No such file or directory" refused.err ||
    fail "refusal of a missing executable: $(cat refused.err)"
# ... and one that is gone when the job starts (skip_filechecks lets it
# through here) is held with a reason, not lost.
echo "skip_filechecks = true" | cat - missing.sub > gone.sub
held=$(cq submit --terse gone.sub) || fail "submitting a missing executable with skip_filechecks failed"
is_held() {
	[ "$(cq q --json | jq -r --arg c "$held" \
	    '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus')" = 5 ]
}
wait_until 20 is_held || fail "job $held.0 is not HELD: $(cq q --json) $(cq history --json "$held")"
[ "$(cq history --json "$held" | jq length)" -eq 0 ] ||
    fail "the held job is in history: $(cq history --json "$held")"
grep -q "job $held.0 run 1: .*no-such-program" "$T/agent-a1.log" ||
    fail "the agent did not log why $held.0 could not start"
# The start is asynchronous: the exec's failure still comes back whole.
reason=$(cq q --json | jq -r --arg c "$held" \
    '.[] | select(.ClusterId == ($c | tonumber)) | .HoldReason')
[ "$reason" = "could not start: exec $T/no-such-program: No such file or directory" ] ||
    fail "hold reason of $held.0: '$reason'"
grep -q "job $held.0 run 1: started" "$T/agent-a1.log" &&
    fail "the agent said $held.0 started"
# The slot is free again: another job still runs.
j=$(cq submit --terse -- /bin/true) || fail "submit /bin/true failed"
cq wait -t 20 "$j" || fail "/bin/true after the held job did not succeed"
log "missing executable: job HELD, slot free again"

_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
exit 0
