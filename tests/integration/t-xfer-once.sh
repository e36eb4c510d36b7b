#!/bin/bash
# t-xfer-once: exactly once with file transfer.  A job's agent stops
# answering (SIGSTOP) just before the job finishes there (it waits for a
# file the test makes, so it ends before the agent's lease deadline would
# kill it); after the lease the job is queued again and runs on a second
# agent (run 2).  When the first agent wakes up, it sends run 1's output
# files: the scheduler refuses them (the run is not the job's current
# run) and nothing of run 1 reaches initialdir; run 2's output does.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 4s
AGENT_EXTRA="filesystem_domain = d1" start_agent a1 1

mkdir sub
cat > sub/job.sh <<EOF
#!/bin/sh
touch "$T/started"
while [ ! -e "$T/go" ]; do
	sleep 0.1
done
basename "\$(pwd)" > result.txt
EOF
chmod +x sub/job.sh
cat > sub/j.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/sub
should_transfer_files = YES
transfer_output_files = result.txt
queue
SUB
id=$(cq submit --terse sub/j.sub) || fail "cq submit failed"
id=$id.0
on() {
	[ "$(cq q --json | jq -r '.[0] | "\(.JobStatus) \(.RemoteHost) \(.JobRunCount)"')" = "2 slot1@$1 $2" ]
}
wait_until 20 on a1 1 || fail "run 1 did not start on a1: $(cq q --json)"
wait_until 10 test -e started || fail "run 1 did not start on a1"
agent_signal a1 STOP
log "agent a1 stopped with run 1 running"
# Run 1 finishes on the stopped agent, well before its lease deadline.
touch go
wait_until 10 sh -c "ls '$T'/sandbox-a1/*/result.txt" ||
    fail "run 1 did not finish on a1"
AGENT_EXTRA="filesystem_domain = d2" start_agent a2 1
run2() {
	cq q --json | jq -e '.[0].JobRunCount == 2' >/dev/null 2>&1 ||
	    cq history --json "$id" | jq -e '.[0].JobRunCount == 2' >/dev/null 2>&1
}
wait_until 20 run2 || fail "run 2 did not start: $(cq q --json)"
agent_signal a1 CONT
log "agent a1 woken with run 1 finished"
wait_until 20 grep -q "refusing output file result.txt of $id run 1" \
    "$T/schedd.log" || fail "the scheduler did not refuse run 1's output"
if [ -e sub/result.txt ]; then
	[ "$(cat sub/result.txt)" = "$id.r2" ] ||
	    fail "run 1's output reached initialdir: $(cat sub/result.txt)"
fi
cq wait -t 30 "$id" || fail "the job did not complete: $(cq history --json "$id")"
[ "$(cat sub/result.txt)" = "$id.r2" ] ||
    fail "result.txt is '$(cat sub/result.txt)', not run 2's"
[ "$(cq history --json "$id" | jq -r '.[0].JobRunCount')" = 2 ] ||
    fail "the job completed with another run than 2"
log "run 1's output refused; run 2's output in initialdir"
exit 0
