#!/bin/bash
# t-match: jobs go only to slots whose cpus and memory cover their
# requests; a job no slot can hold stays IDLE and blocks nobody.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent small 2		# 2 slots of 1 cpu, 256 MiB each
cat > "$T/agent-big.conf" <<EOF
schedd = $SCHEDD_ADDR
name = big
slots = 1
cpus = 4
memory = 2048
activity =
local_socket = $T/agent-big.sock
$(agent_tls_conf)
token = $SCHEDD_POOL_TOKEN
state_dir = $T/agent-big.state
EOF
"$STARTD_BIN" -f -c "$T/agent-big.conf" >> "$T/agent-big.log" 2>&1 &
AGENT_PID[big]=$!
disown "${AGENT_PID[big]}"
wait_until 10 agent_connected big || fail "agent big did not register"

sub() {	# NAME REQUEST-LINES...: submit a short job with those requests
	local name=$1
	shift
	printf 'executable = /bin/true\n%s\nqueue\n' "$@" > "$name.sub"
	cq submit --terse "$name.sub" || fail "submit $name failed"
}
too_big=$(sub too_big "request_cpus = 8")
cpu3=$(sub cpu3 "request_cpus = 3")
mem1g=$(sub mem1g "request_memory = 1 GB")
small=$(sub small "request_memory = 100M")

in_history() {	# ID: the job has finished
	[ "$(cq history --json "$1" | jq length)" -eq 1 ]
}
for c in "$cpu3" "$mem1g" "$small"; do
	wait_until 20 in_history "$c" || fail "job $c did not run: $(cq q --json)"
done
machine() {
	cq history --json "$1" | jq -r '.[0].LastRemoteHost'
}
[ "$(machine "$cpu3")" = "slot1@big" ] || fail "3-cpu job ran on $(machine "$cpu3")"
[ "$(machine "$mem1g")" = "slot1@big" ] || fail "1 GB job ran on $(machine "$mem1g")"
[ "$(cq history --json "$small" | jq -r '.[0].JobStatus')" = 4 ] || fail "small job did not complete"
[ "$(count_jobs ".ClusterId == $too_big and .JobStatus == 1")" -eq 1 ] ||
    fail "the 8-cpu job is not idle: $(cq q --json)"
log "matching by cpus and memory as expected"
