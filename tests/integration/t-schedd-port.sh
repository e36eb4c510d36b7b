#!/bin/bash
# t-schedd-port: a scheduler with listen = 127.0.0.1:0 restarted by hand
# with the same configuration (after a kill -9, then after a SIGTERM)
# asks again for the port it first got: its listen.addr stays the same,
# the agent, which knows only that port, reconnects by itself, and the
# job it held through both restarts is adopted and ends once.  Stopped
# for longer than the lease, it loses the agent's link, which the agent
# dials again.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
addr=$SCHEDD_ADDR
case $addr in
127.0.0.1:0|"") fail "listen.addr is '$addr'" ;;
esac
start_agent a1 1

# started ID: the job writes its id when it starts, again when it ends.
cat > job.sh <<JOB
#!/bin/sh
echo start >> "$T/ran"
sleep 4
echo end >> "$T/ran"
JOB
chmod +x job.sh
j=$(cq submit --terse -- "$T/job.sh") || fail "submit failed"
wait_until 20 grep -q start "$T/ran" || fail "job $j did not start"

# The scheduler as an administrator starts it: the same command line.
restart_by_hand() {
	echo "=== start by hand $(date +%T.%N)" >> "$T/schedd.log"
	"$SCHEDD_BIN" -f -c "$T/schedd.conf" >> "$T/schedd.log" 2>&1 &
	SCHEDD_PID=$!
	disown "$SCHEDD_PID"
	wait_until 10 cq q --json ||
	    fail "the restarted scheduler does not answer within 10 s"
	[ "$(cat "$T/state/listen.addr")" = "$addr" ] ||
	    fail "restarted on $(cat "$T/state/listen.addr"), not $addr"
	wait_until 20 agent_connected a1 ||
	    fail "the agent did not reconnect within 20 s"
}
stop_schedd KILL
restart_by_hand
grep -q "asking again for port ${addr##*:}" "$T/schedd.log" ||
    fail "the scheduler does not say it asked for its port again"
stop_schedd TERM
restart_by_hand
log "back on $addr twice; the agent reconnected"

cq wait -t 30 "$j" >/dev/null || fail "job $j did not finish"
[ "$(grep -c start "$T/ran")" -eq 1 ] && [ "$(grep -c end "$T/ran")" -eq 1 ] ||
    fail "job $j ran $(grep -c start "$T/ran") times, ended $(grep -c end "$T/ran")"
grep -q "adopted job $j" "$T/schedd.log" || fail "job $j was not adopted"

# A scheduler that says nothing for the lease (stopped; as a crashed host
# would be, where TCP notices nothing for minutes): the agent drops the
# link and dials again, and is back once the scheduler is.
kill -STOP "$SCHEDD_PID"
at_cleanup "kill -CONT $SCHEDD_PID 2>/dev/null"
wait_until 20 grep -q "nothing from the scheduler for" "$T/agent-a1.log" ||
    { kill -CONT "$SCHEDD_PID"; fail "the agent kept a silent link for 20 s"; }
kill -CONT "$SCHEDD_PID"
wait_until 20 agent_connected a1 ||
    fail "the agent did not reconnect after the scheduler came back"
exit 0
