#!/bin/bash
# t-schedd-nofile: a scheduler at its open-file limit keeps serving the
# agents and clients it has, says so a bounded number of times, and
# accepts again when one leaves.  It runs under a low `ulimit -n` and
# logs at start-up how many agents and clients it has room for; a crowd of
# stand-in agents (tests/lib/agent-crowd.py) takes that room and more.
# Meanwhile a real agent finishes a job it was given before, a client
# connected before keeps getting its answers, and a new client is told
# that the scheduler is out of descriptors.  A real agent started while
# it is full is refused and dials again; once a crowd member leaves, it
# registers.  The accept errors take a few log lines, not one per try.
. "$(dirname "$0")/../lib/lib.sh"

LIM=40
cat > "$T/schedd-lim" <<EOF
#!/bin/sh
ulimit -n $LIM || exit 1
exec "$CQ_BUILDDIR/cq-schedd" "\$@"
EOF
chmod +x "$T/schedd-lim"
SCHEDD_BIN=$T/schedd-lim
start_schedd 60s

line=$(grep -m1 'open files: at most' "$T/schedd.log") ||
    fail "the scheduler does not say how many open files it may have"
[[ $line =~ at\ most\ $LIM,\ ([0-9]+)\ in\ use:\ room\ for\ about\ ([0-9]+)\ agents ]] ||
    fail "unexpected start-up line: $line"
room=${BASH_REMATCH[2]}
[ "$room" -ge 6 ] || skip "only $room descriptors left under ulimit -n $LIM"
log "limit $LIM: room for $room agents and clients"

start_agent a1 1
id=$(cq submit --terse -- /bin/sleep 4) || fail "cq submit failed"
running() {
	[ "$(count_jobs '.JobStatus == 2')" -eq 1 ]
}
wait_until 10 running || fail "job $id did not start"

# A client connected before the limit: a query every 0.5 s for 12 s.
python3 "$CQ_SRCDIR/tests/lib/cqclient.py" "$CQ_SOCKET" busy 12 \
    > busy.out 2>&1 &
busy=$!
wait_until 5 test "$(grep -c 'client root' "$T/schedd.log")" -gt 0 ||
    fail "the busy client did not connect"

# The crowd takes the rest of the room and then some.
python3 "$CQ_SRCDIR/tests/lib/agent-crowd.py" --tls --addr "$SCHEDD_ADDR" \
    --token "$SCHEDD_POOL_TOKEN" --count $((room + 3)) --hold 40 \
    > crowd.out 2>&1 &
crowd=$!
at_cleanup sh -c "kill $crowd 2>/dev/null"
wait_until 30 grep -q '^registered' crowd.out ||
    fail "the crowd did not finish dialling: $(cat crowd.out)"
log "crowd: $(cat crowd.out)"
[[ $(cat crowd.out) =~ refused\ ([1-9][0-9]*) ]] ||
    fail "no crowd member was refused: the limit was not reached"
grep -q 'agents: accept: Too many open files' "$T/schedd.log" ||
    fail "the scheduler does not say it is out of descriptors"

# Full: a new client hears why; a new agent is refused and dials again.
out=$(cq q 2>&1) && fail "cq q was accepted at the limit: $out"
grep -q 'out of file descriptors' <<<"$out" ||
    fail "cq q at the limit says: $out"
AGENT_NO_WAIT=1 start_agent a2 1
wait_until 10 grep -q 'closed the connection\|closed the link' \
    "$T/agent-a2.log" || fail "agent a2 was not refused"

# What it has, it keeps serving.
wait "$busy" || fail "the client connected before lost answers: $(cat busy.out)"
log "the client connected before got every answer"

# One leaves: the scheduler accepts again.
kill -USR1 "$crowd"
wait_until 5 grep -q '^left' crowd.out || fail "no crowd member left"
wait_until 25 agent_connected a2 || fail "agent a2 did not register once room was made"
log "a crowd member left; agent a2 registered"
kill "$crowd"
wait_until 10 queue_empty || fail "job $id did not complete: $(cq q --json)"
[ "$(cq history --json "$id" | jq -r '.[0].ExitCode')" = 0 ] ||
    fail "job $id: $(cq history --json "$id")"
log "job $id, given before the limit, completed"

n=$(grep -c 'accept: Too many open files' "$T/schedd.log")
[ "$n" -le 8 ] || fail "$n accept error lines: not rate-limited"
size=$(stat -c %s "$T/schedd.log")
[ "$size" -lt 1000000 ] || fail "the scheduler log grew to $size bytes"
log "$n accept error lines, log $size bytes"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
