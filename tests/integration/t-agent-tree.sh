#!/bin/bash
# t-agent-tree: a job's whole process tree dies with its agent.  The job
# starts a grandchild that leaves its session (setsid) and keeps writing,
# and a sleep; each writes the agent's number for itself to a file (its
# own pids are its pid namespace's).  After kill -9 of the agent no
# process of the job is alive within a second, while the job of another
# agent on the machine runs on.  Then, in a pool of `cq pool up`, `cq pool
# down` leaves nothing of a running job either.
. "$(dirname "$0")/../lib/lib.sh"

cat > tree.sh <<'SH'
#!/bin/sh
# $1: where the pids go (one a line).
mypid() { read -r p x < /proc/self/stat; echo "$p"; }
mypid >> "$1"
setsid sh -c 'read -r p x < /proc/self/stat; echo "$p" >> "$1"
	while :; do echo x >> "$1.w"; sleep 0.05; done' sh "$1" &
sh -c 'read -r p x < /proc/self/stat; echo "$p" >> "$1"; exec sleep 300' sh "$1" &
wait
SH
chmod +x tree.sh

# alive FILE: how many of the pids in FILE still run.
alive() {
	local n=0 p
	for p in $(cat "$1"); do
		kill -0 "$p" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}
none_alive() { [ "$(alive "$1")" -eq 0 ]; }
three() { [ -s "$1" ] && [ "$(wc -l < "$1")" -ge 3 ]; }

start_schedd 2s
start_agent a1 1
start_agent a2 1
cat > tree.sub <<SUB
executable = $T/tree.sh
arguments = $T/pids.\$(Process)
queue 2
SUB
c=$(cq submit --terse tree.sub) || fail "cq submit failed"
wait_until 10 three "$T/pids.0" || fail "job $c.0 did not write its 3 pids"
wait_until 10 three "$T/pids.1" || fail "job $c.1 did not write its 3 pids"
[ "$(alive pids.0)" -eq 3 ] && [ "$(alive pids.1)" -eq 3 ] ||
    fail "not all processes of the jobs run: $(cat pids.0 pids.1)"
m0=$(cq q --json | jq -r '.[] | select(.ProcId == 0) | .RemoteHost')
agent0=${m0#*@}
other=a1
[ "$agent0" = a1 ] && other=a2
[ -n "${AGENT_PID[$agent0]:-}" ] || fail "job $c.0 runs on unknown '$m0'"

stop_agent "$agent0" KILL
wait_until 1 none_alive pids.0 ||
    fail "processes of job $c.0 outlived agent $agent0 by 1 s: $(alive pids.0) of $(cat pids.0 | tr '\n' ' ')"
log "kill -9 of $agent0: all 3 processes of job $c.0 gone within 1 s"
[ "$(alive pids.1)" -eq 3 ] || fail "the other agent's job lost processes"

# Two agents on one machine: a third one (another name) starting, and
# $agent0 starting again, leave $other's job alone.
start_agent a3 1
AGENT_NO_WAIT=1 start_agent "$agent0" 1
sleep 1
[ "$(alive pids.1)" -eq 3 ] ||
    fail "an agent starting killed another agent's job: $(alive pids.1) left"
cq rm "$c" >/dev/null
wait_until 10 none_alive pids.1 || fail "job $c.1 not killed by cq rm"
stop_all

# cq pool down: nothing of a running job is left.
unset CQ_SOCKET
export CQ_HOME=$T/home
at_cleanup "\"$CQ_BIN\" pool down >/dev/null 2>&1"
cq pool up --agents 1 > pool-up.out 2>&1 || fail "cq pool up: $(cat pool-up.out)"
j=$(cq submit --terse -- "$T/tree.sh" "$T/pids.pool") || fail "submit to the pool failed"
wait_until 10 three "$T/pids.pool" || fail "the pool's job did not write its 3 pids"
[ "$(alive pids.pool)" -eq 3 ] || fail "the pool's job is not whole"
cq pool down >/dev/null || fail "cq pool down failed"
wait_until 1 none_alive pids.pool ||
    fail "after cq pool down, $(alive pids.pool) process(es) of job $j run"
log "cq pool down: nothing of job $j left"
exit 0
