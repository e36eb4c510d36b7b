#!/bin/bash
# t-xfer-evict: when_to_transfer_output = ON_EXIT_OR_EVICT.  A job with
# no checkpoint code is vacated (its agent leaves); the files it made so
# far go to the spool and are laid into the sandbox of its next run on
# another agent, which appends to them: the final output holds both runs'
# lines.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
AGENT_EXTRA="filesystem_domain = d1" start_agent a1 1
mkdir sub
cat > sub/job.sh <<'EOF'
#!/bin/sh
# Appends "run" once, then waits to be vacated on the first run.
trap 'exit 1' TERM
if [ -f log.txt ]; then
	echo "second" >> log.txt
	exit 0
fi
echo "first" >> log.txt
touch "$1"
while :; do sleep 0.1; done
EOF
chmod +x sub/job.sh
cat > sub/e.sub <<SUB
executable = \$(initialdir)/job.sh
arguments = $T/ready
initialdir = $T/sub
should_transfer_files = YES
when_to_transfer_output = ON_EXIT_OR_EVICT
transfer_output_files = log.txt
queue
SUB
id=$(cq submit --terse sub/e.sub).0 || fail "cq submit failed"
wait_until 20 test -e ready || fail "the first run did not start"
AGENT_EXTRA="filesystem_domain = d2" start_agent a2 1
stop_agent a1 TERM
cq wait -t 30 "$id" || fail "the job did not complete: $(cq history --json "$id")"
[ "$(cat sub/log.txt | tr '\n' ' ')" = "first second " ] ||
    fail "log.txt is '$(cat sub/log.txt)', not both runs' lines"
[ "$(cq history --json "$id" | jq -r '.[0].LastRemoteHost')" = slot1@a2 ] ||
    fail "the job did not finish on a2"
log "the evicted run's output came back into the next run's sandbox"
exit 0
