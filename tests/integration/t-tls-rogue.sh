#!/bin/bash
# t-tls-rogue: a rogue scheduler.  The real scheduler dies and another
# cq-schedd (its own state directory, hence its own certificate) takes its
# address.  The agent, which pins the real scheduler's fingerprint, logs
# the mismatch and never says hello: the rogue shows no agent and a job
# submitted to it stays IDLE.  When the real scheduler is back on its
# address, the agent registers again and runs a job.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
addr=$SCHEDD_ADDR
real_fp=$SCHEDD_FP
[ ${#real_fp} -eq 64 ] || fail "no fingerprint from the scheduler: '$real_fp'"
write_schedd_conf 10s "$addr"		# a restart keeps the address
start_agent a1 1
stop_schedd
log "the real scheduler is gone; a rogue takes $addr"

mkdir -p "$T/rogue"
cat > "$T/rogue.conf" <<EOF
state_dir = $T/rogue
socket = $T/rogue.sock
listen = $addr
lease = 10s
EOF
# (CQ_SOCKET, set for cq, would override its socket.)
env -u CQ_SOCKET "$SCHEDD_BIN" -f -c "$T/rogue.conf" >> "$T/rogue.log" 2>&1 &
rogue_pid=$!
disown "$rogue_pid"
at_cleanup "_stop_pid $rogue_pid"
wait_until 10 test -s "$T/rogue/fingerprint" || fail "the rogue did not start"
rogue_fp=$(cat "$T/rogue/fingerprint")
[ "$rogue_fp" != "$real_fp" ] || fail "the rogue has the real certificate"
wait_until 10 env CQ_SOCKET="$T/rogue.sock" "$CQ_BIN" q ||
    fail "the rogue does not answer"
j=$(CQ_SOCKET=$T/rogue.sock cq submit --terse -- /bin/echo pwned) ||
    fail "submit to the rogue failed"

# The agent tries again and again, and refuses each time.
msg="scheduler at $addr presented certificate SHA256 $rogue_fp, expected $real_fp: not talking to it"
refused_thrice() {
	[ "$(grep -cF "$msg" "$T/agent-a1.log")" -ge 3 ]
}
wait_until 30 refused_thrice ||
    fail "the agent did not refuse the rogue three times"
log "the agent refused the rogue's certificate $(grep -cF "$msg" "$T/agent-a1.log") times"
grep -q "TLS handshake failed" "$T/rogue.log" ||
    fail "the rogue logged no failed handshake"
grep -q "agent a1" "$T/rogue.log" &&
    fail "the rogue heard from agent a1: $(grep 'agent a1' "$T/rogue.log")"
[ "$(CQ_SOCKET=$T/rogue.sock cq status --json | jq length)" -eq 0 ] ||
    fail "the rogue sees an agent: $(CQ_SOCKET=$T/rogue.sock cq status --json)"
st=$(CQ_SOCKET=$T/rogue.sock cq q --json | jq -r '.[0].JobStatus')
[ "$st" = 1 ] || fail "the rogue's job $j is $st, not IDLE (1)"
[ -e "$T/agent-a1.d/cq-$j.out" ] && fail "the rogue's job ran"
_pid_alive "${AGENT_PID[a1]}" || fail "the agent died"

# The real scheduler comes back on its address: the agent registers.
_stop_pid "$rogue_pid"
start_schedd
wait_until 20 agent_connected a1 || fail "the agent did not come back"
j=$(cq submit --terse -- /bin/echo hello) || fail "submit failed"
cq wait -t 20 "$j" || fail "job $j did not run"
[ "$(cat "cq-$j.out")" = hello ] || fail "job $j output: $(cat "cq-$j.out")"
grep -q "link: registered with the scheduler" "$T/agent-a1.log" ||
    fail "the agent did not log its registration"
exit 0
