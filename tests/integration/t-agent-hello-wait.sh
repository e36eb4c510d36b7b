#!/bin/bash
# t-agent-hello-wait: an agent whose scheduler accepts the connection and
# then says nothing gives up after hello_timeout and dials again, with a
# growing, jittered wait, instead of waiting for ever.  The stand-in is a
# listener that accepts and stays silent, on the port the real scheduler
# had (it keeps its port across a restart); each dial shows there as one
# more connection.  Under TLS the handshake never ends, in plain TCP the
# hello is never answered: both are given up.  Once the real scheduler is
# back on that port, the agent registers without a restart.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
addr=$SCHEDD_ADDR
port=${addr##*:}
stop_schedd

# Accept, count, say nothing.
cat > silent.py <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
held = []
n = 0
while True:
    c, _ = s.accept()
    held.append(c)
    n += 1
    with open(sys.argv[2], "w") as f:
        f.write("%d\n" % n)
EOF
silent_start() {
	python3 silent.py "$port" "$T/dials" &
	silent=$!
	at_cleanup sh -c "kill $silent 2>/dev/null"
	wait_until 5 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
	    fail "the silent listener did not come up on $port"
}
dials() {
	cat "$T/dials" 2>/dev/null || echo 0
}
dials_ge() {
	[ "$(dials)" -ge "$1" ]
}

silent_start
AGENT_EXTRA="hello_timeout = 1s" AGENT_NO_WAIT=1 start_agent a1 1
# The probe above was one; the agent's first dial and two retries more.
wait_until 20 dials_ge 4 ||
    fail "the agent did not dial again: $(dials) connections"
n=$(grep -c 'no connection after 1 s\|no answer to our hello in 1 s' "$T/agent-a1.log")
[ "$n" -ge 2 ] || fail "the agent does not say it gave up ($n lines)"
log "TLS: the agent gave up $n times on a silent scheduler and dialled again"
stop_agent a1
kill "$silent"
wait "$silent" 2>/dev/null

# Plain TCP: the hello itself goes unanswered.
rm -f "$T/dials"
silent_start
INSECURE=1 AGENT_EXTRA="hello_timeout = 1s" AGENT_NO_WAIT=1 start_agent a2 1
wait_until 20 dials_ge 4 ||
    fail "the insecure agent did not dial again: $(dials) connections"
grep -q 'no answer to our hello in 1 s' "$T/agent-a2.log" ||
    fail "the insecure agent does not say its hello went unanswered"
stop_agent a2
log "plain TCP: an unanswered hello is given up and dialled again"

# Dialling on: the scheduler back on its port is found without a restart.
kill "$silent"
wait "$silent" 2>/dev/null
rm -f "$T/dials"
silent_start
AGENT_EXTRA="hello_timeout = 1s" AGENT_NO_WAIT=1 start_agent a1 1
wait_until 20 dials_ge 5 || fail "no dials: $(dials)"
kill "$silent"
wait "$silent" 2>/dev/null
write_schedd_conf 10s "$addr"
start_schedd
[ "$SCHEDD_ADDR" = "$addr" ] || fail "the scheduler came back on $SCHEDD_ADDR, not $addr"
wait_until 25 agent_connected a1 ||
    fail "the agent did not register once the scheduler answered"
log "the scheduler back on $addr: the agent registered without a restart"
