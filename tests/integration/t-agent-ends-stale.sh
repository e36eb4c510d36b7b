#!/bin/bash
# t-agent-ends-stale: a kept end counts only for its job's current run.
# Run 1 of a job ends on a1 while the scheduler is down (killed); a1 is
# killed with the end on disk.  The scheduler, back, hears nothing from a1 for
# the lease (4 s), gives run 1 up and starts run 2 on a2.  a1 starts
# again and reports its kept end of run 1: the scheduler acknowledges it
# (a1 forgets it) and drops it: the job is still running as run 2, and
# completes once, from run 2, when that run ends.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 4s
AGENT_EXTRA="max_vacate_time = 1s"
start_agent a1 1
ends=$(agent_state_dir "${AGENT_DIR[a1]}")/ends

# The job counts its runs; run N ends when told to (the file go.ID.N).
cat > job.sh <<JOB
#!/bin/sh
echo "\$1" >> "$T/started"
n=\$(grep -cx "\$1" "$T/started")
while [ ! -e "$T/go.\$1.\$n" ]; do sleep 0.1; done
echo "\$1" >> "$T/done"
JOB
chmod +x job.sh
count() {	# count FILE ID: the lines ID in FILE
	if [ -f "$T/$1" ]; then grep -cx "$2" "$T/$1"; else echo 0; fi
}
runs() {	# runs ID N: job ID started N times at least
	[ "$(count started "$1")" -ge "$2" ]
}
kept() {	# kept ID: a1's ends file keeps an end of job ID
	grep -q "^keep [0-9]* {\"job\":\"$1\"" "$ends" 2>/dev/null
}

j=$(cq submit --terse -- "$T/job.sh" x) || fail "submit failed"
j=${j%%.*}
wait_until 20 runs x 1 || fail "job $j did not start"
stop_schedd KILL
touch "$T/go.x.1"
wait_until 10 kept "$j.0" || fail "a1 did not keep job $j's end"
agent_signal a1 KILL
unset "AGENT_PID[a1]"
# The scheduler on its state, on the same port.
"$SCHEDD_BIN" -f -c "$T/schedd.conf" >> "$T/schedd.log" 2>&1 &
SCHEDD_PID=$!
disown "$SCHEDD_PID"
wait_until 10 cq q --json >/dev/null || fail "the scheduler did not come back"
wait_until 20 grep -q "agent a1: offline (missed its lease)" "$T/schedd.log" ||
    fail "the scheduler did not give a1 up"
log "run 1 ended on a1, kept there; a1 killed and given up"

start_agent a2 1
wait_until 20 runs x 2 || fail "job $j did not start again"
[ "$(cq q -af RemoteHost)" = slot1@a2 ] ||
    fail "run 2 is not on a2: $(cq q)"
start_agent a1 1
grep -q "job $j.0 run 1: its end (.*) was not acknowledged" "$T/agent-a1.log" ||
    fail "a1 did not find its kept end again"
gone() {
	! kept "$j.0"
}
wait_until 10 gone || fail "the scheduler did not acknowledge run 1's kept end"
[ "$(cq q -af ClusterId | wc -l)" -eq 1 ] &&
    [ "$(cq q -af RemoteHost)" = slot1@a2 ] ||
    fail "run 1's late end changed job $j: $(cq q)"
[ "$(cq history -af ClusterId "$j" | wc -l)" -eq 0 ] ||
    fail "run 1's late end completed job $j: $(cq history "$j")"
log "run 1's kept end acknowledged and dropped; run 2 runs on"

touch "$T/go.x.2"
cq wait -t 20 "$j.0" >/dev/null || fail "job $j did not complete: $(cq q)"
[ "$(cq history -af ClusterId "$j" | wc -l)" -eq 1 ] ||
    fail "job $j is in the history more than once"
# Completed (JobStatus 4), exit 0, from run 2.
row=$(cq history -af JobStatus ExitCode JobRunCount "$j")
[ "$row" = "4 0 2" ] || fail "job $j: JobStatus ExitCode JobRunCount $row"
[ "$(count started x)" -eq 2 ] || fail "job $j started $(count started x) times"
exit 0
