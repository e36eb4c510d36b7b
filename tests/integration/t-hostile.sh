#!/bin/bash
# t-hostile: while two agents run 300 short jobs, a hostile client opens
# 50 connections to the agent port and 50 to the client socket, each
# abusing the protocol in one way (tests/lib/hostile.c: garbage, oversize
# length, wrong version, unknown type, half a header, short payload,
# truncated / deeply nested / trailing / non-UTF-8 JSON, unknown member,
# and on the agent port a peer that never reads its replies).  The agent
# port speaks TLS: the hostile client does the handshake first (trusting
# any certificate, as an attacker would), so the abuse reaches the frame
# parser; some of its connections send a good hello in clear, which the
# handshake refuses, and some never start the handshake, which the
# greeting deadline ends.  Every one of them is dropped with a logged
# reason; the daemons stay up, the real agents stay connected, and all
# 300 jobs complete exactly once.  Then an accept storm with the
# scheduler out of descriptors (prlimit): the connections over are
# refused with a word and a rate-limited log line.
. "$(dirname "$0")/../lib/lib.sh"
[ -x "$HOSTILE_BIN" ] || skip "$HOSTILE_BIN is not built (make check builds it)"

N=300
start_schedd 10s
start_agent a1 2
start_agent a2 2

cat > jobs.sub <<SUB
executable = /bin/sh
arguments = "-c 'echo \$(Process) >> $T/ran; sleep 0.0\$(Process)'"
output = /dev/null
error = $T/job-errors
queue $N
SUB
cluster=$(cq submit --terse jobs.sub) || fail "cq submit failed"
log "cluster $cluster: $N jobs submitted"

host=${SCHEDD_ADDR%:*}
port=${SCHEDD_ADDR##*:}
# The slow kinds are only dropped by the scheduler's 30 s partial-frame
# timer; -s gives them 40 s.  The kinds that need a hello answered
# enroll with the pool token.
[ -n "$SCHEDD_FP" ] || fail "the scheduler wrote no fingerprint"
"$HOSTILE_BIN" -S -s 40 -T "$SCHEDD_POOL_TOKEN" tcp "$host" "$port" 50 > hostile-tcp.out 2>&1 &
tcp_pid=$!
# On the client socket every kind but the flood: a client that never
# reads has its own test (t-slow-reader).
"$HOSTILE_BIN" -s 40 -k garbage,oversize-length,wrong-version,unknown-type,half-header,short-payload,truncated-json,deep-json,trailing-bytes,invalid-utf8,unknown-member \
    unix "$CQ_SOCKET" 50 > hostile-unix.out 2>&1 &
unix_pid=$!

# The scheduler keeps serving real clients and agents meanwhile.
wait_queue_empty 60 || fail "jobs left after 60 s: $(count_jobs true)"
log "all jobs done while the hostile clients were connected"
for a in a1 a2; do
	agent_connected "$a" >/dev/null || fail "agent $a lost its connection"
done

wait "$tcp_pid"; tcp_rc=$?
wait "$unix_pid"; unix_rc=$?
log "hostile tcp (exit $tcp_rc):"; cat hostile-tcp.out
log "hostile unix (exit $unix_rc):"; cat hostile-unix.out
[ "$tcp_rc" -eq 0 ] || fail "hostile client on the agent port: exit $tcp_rc"
[ "$unix_rc" -eq 0 ] || fail "hostile client on the client socket: exit $unix_rc"

_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
for a in a1 a2; do
	_pid_alive "${AGENT_PID[$a]}" || fail "agent $a died"
	agent_connected "$a" >/dev/null || fail "agent $a is not connected any more"
done
cq q --json >/dev/null || fail "the scheduler does not answer any more"

# Each rejection is logged with its reason.  A half frame on a new
# connection meets the greeting deadline (10 s) before the half-frame one
# (30 s); a peer that does not read is held off (its requests wait in the
# kernel), not dropped.
for reason in "unsupported protocol version" \
    "frame longer than its type allows" "unknown message type" \
    "(half a frame sat too long|no greeting in time)" "truncated JSON" \
    "JSON nested too deeply" "invalid UTF-8" "unknown member" \
    "TLS handshake failed: "; do
	grep -qE "closed: .*$reason" schedd.log ||
	    fail "the scheduler log has no 'closed: ... $reason'"
done
log "$(grep -c 'closed: ' schedd.log) connections closed with a reason"

# Nothing lost, nothing twice.
hist=$(cq history --json "$cluster") || fail "cq history failed"
[ "$(jq length <<<"$hist")" -eq $N ] || fail "history has $(jq length <<<"$hist") rows, not $N"
bad=$(jq -c '[.[] | select(.JobStatus != 4 or .ExitCode != 0 or .JobRunCount != 1)] | .[:5]' <<<"$hist")
[ "$bad" = "[]" ] || fail "jobs not completed cleanly: $bad"
[ "$(sort -u "$T/ran" | wc -l)" -eq $N ] && [ "$(wc -l < "$T/ran")" -eq $N ] ||
    fail "$(wc -l < "$T/ran") runs of $(sort -u "$T/ran" | wc -l) distinct jobs"
[ -s "$T/job-errors" ] && fail "job errors: $(head -5 "$T/job-errors")"

# An accept storm: the scheduler out of descriptors refuses the waiting
# connections with a word, rests its listener instead of spinning, logs
# a line now and then, and serves again once descriptors are free.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || PY=
if [ -n "$PY" ] && command -v prlimit >/dev/null 2>&1; then
	nfd=$(ls /proc/"$SCHEDD_PID"/fd | wc -l)
	prlimit --pid "$SCHEDD_PID" --nofile=$((nfd + 20)):$((nfd + 20)) ||
	    fail "prlimit failed"
	"$PY" "$CQ_SRCDIR/tests/lib/cqclient.py" "$CQ_SOCKET" hold 40 2 \
	    > storm.out 2>&1 || fail "the storm client failed: $(cat storm.out)"
	grep -q '^ok [0-9]* refused [1-9]' storm.out ||
	    fail "no connection was refused out of descriptors: $(cat storm.out)"
	grep -q 'refusal: the scheduler is out of file descriptors' storm.out ||
	    fail "the refusal did not say why: $(cat storm.out)"
	wait_until 10 cq q --json || fail "cq q fails after the storm"
	lines=$(grep -c 'client socket: accept: Too many open files' schedd.log)
	# One line per 10 s at most (not one per failed accept).
	[ "$lines" -ge 1 ] && [ "$lines" -le 10 ] ||
	    fail "$lines log lines for the accept storm"
	log "accept storm: $(head -1 storm.out), $lines log line(s); served again after"
else
	log "no python3 or prlimit: the accept storm is not tried"
fi
_pid_alive "$SCHEDD_PID" || fail "the scheduler died in the accept storm"
exit 0
