#!/bin/bash
# t-privsep: cq-startd is two processes (docs/privileges.md).  The first,
# the agent's pid, is the parent: it spawns, freezes and reaps the jobs
# and holds no connection to the scheduler; its network child
# (cq-startd-net) holds that connection and asks the parent for all job
# control.  The child of a1 first sends forged requests, as a child
# taken over might (CQ_PRIVC_FORGE=1), at start and again against the
# first job with a sandbox (for other jobs, for that run once more, for
# runs never made): the parent refuses and logs each, and carries on;
# that job completes.  Jobs run and the owner's return freezes them through
# the parent; kill -9 of the child makes the parent kill the job and
# exit; kill -9 of the parent takes the child and the job with it.  As
# root: the child is cq-agent without capabilities (its /proc status),
# also asks for a sandbox the parent never made (refused), an older
# credential in state_dir moves to state_dir/agent, a stopped agent
# leaves no local socket, and an agent_user
# that does not exist stops the agent at start with the useradd command.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 2s
rm -f /tmp/cq-privc-forged
mkdir "$T/input"
mkfifo "$T/input/event0"
export CQ_PRIVC_FORGE=1
AGENT_ACTIVITY="file:$T/act,input:$T/input" AGENT_EXTRA="idle_after = 1s
resume_after = 1h
vacate_after = 1h" start_agent a1 1
unset CQ_PRIVC_FORGE

parent=${AGENT_PID[a1]}
net=$(agent_net_pid a1) || fail "agent a1 (pid $parent) has no network child"
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status"; }
[ "$(ppid_of "$net")" = "$parent" ] || fail "network child $net is not the parent's child"
log "agent a1: parent $parent, network child $net"

# As root, the network child is cq-agent with no capabilities at all, no
# way to gain any (no_new_privs), and the parent stays root.
field() { awk -v f="$2:" '$1 == f { print $2, $3, $4, $5 }' "/proc/$1/status"; }
if [ "$(id -u)" -eq 0 ]; then
	u=$(id -u cq-agent) g=$(id -g cq-agent)
	[ "$(field "$net" Uid)" = "$u $u $u $u" ] ||
	    fail "network child Uid: $(field "$net" Uid), not cq-agent's $u"
	[ "$(field "$net" Gid)" = "$g $g $g $g" ] ||
	    fail "network child Gid: $(field "$net" Gid), not cq-agent's $g"
	[ "$(field "$net" Groups)" = "   " ] ||
	    fail "network child keeps groups: $(field "$net" Groups)"
	for c in CapInh CapPrm CapEff CapAmb; do
		[ "$(field "$net" $c)" = "0000000000000000   " ] ||
		    fail "network child $c: $(field "$net" $c)"
	done
	[ "$(field "$net" NoNewPrivs)" = "1   " ] ||
	    fail "network child NoNewPrivs: $(field "$net" NoNewPrivs)"
	[ "$(field "$parent" Uid)" = "0 0 0 0" ] ||
	    fail "the parent is not root: Uid $(field "$parent" Uid)"
	grep -q "network child: now cq-agent" "$T/agent-a1.log" ||
	    fail "the child did not log its drop to cq-agent"
	log "network child: cq-agent ($u/$g), no capabilities, no_new_privs; parent root"
	# Its credential is in state/agent, cq-agent's alone.
	[ "$(stat -c '%U %a' "${AGENT_DIR[a1]}/state/agent")" = "cq-agent 700" ] ||
	    fail "state/agent: $(stat -c '%U %a' "${AGENT_DIR[a1]}/state/agent")"
	wait_until 5 test -f "${AGENT_DIR[a1]}/state/agent/credential" ||
	    fail "no credential in state/agent"
else
	log "not root: the network child keeps the agent's uid (not checked)"
fi

# The forged requests: each refused with its reason, none carried out.
for why in "kill: 1 is no job of this agent" \
    "signal: $parent is no job of this agent" \
    "criu restore: the image directory is not inside sandbox_dir" \
    "criu dump: the image directory is not inside sandbox_dir" \
    "spawn: no slot 99 here" \
    "undecodable priv-jobctl"; do
	wait_until 5 grep -qF "priv: request" "$T/agent-a1.log" || true
	grep -F "priv: request" "$T/agent-a1.log" | grep -qF "$why" ||
	    fail "the parent did not refuse a forged request: $why"
done
[ ! -e /tmp/cq-privc-forged ] || fail "a forged spawn ran"
kill -0 "$parent" || fail "the parent died of the forged requests"
grep -qF "priv: sandbox request 3 refused: sandbox 4242 is not open" \
    "$T/agent-a1.log" || fail "the parent did not refuse a sandbox it never made"

# The second round, at the first job with a sandbox: requests naming its
# sandbox for other jobs, its run once more, a job that is not running
# (the parent's table of runs knows which run each sandbox, slot and
# process is): each refused; the job completes, its output comes back.
mkdir xf
cat > xf/job.sh <<'SH'
#!/bin/sh
sleep 1
echo done > out.txt
SH
chmod +x xf/job.sh
cat > xf/job.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $PWD/xf
should_transfer_files = YES
transfer_output_files = out.txt
queue
SUB
x=$(cq submit --terse xf/job.sub) || fail "submit failed"
cq wait -t 60 "$x" || fail "job $x did not complete: $(cq history --json "$x")"
[ "$(cat xf/out.txt)" = done ] || fail "job $x's output did not come back"
for why in "spawn: job forged.0 run 1: its iwd is in the sandbox of job $x.0 run 1" \
    "spawn: job $x.0 run 1 is running already" \
    "spawn: job ghost.0 run 1: slot 1 is job $x.0 run 1's" \
    "criu restore: job ghost.0 run 1 is not known here" \
    "criu dump: the image directory is not inside the sandbox of job $x.0 run 1" \
    "sandbox request 3 refused: sandbox 0 is job $x.0 run 1's, not job ghost.0 run 1's"; do
	grep -F "priv: " "$T/agent-a1.log" | grep -qF "$why" ||
	    fail "the parent did not refuse a forged request: $why"
done
grep -qF "privc: forged sandbox open of ../: refused" "$T/agent-a1.log" ||
    fail "a forged sandbox open of ../ was not refused"
[ ! -e /tmp/cq-privc-forged ] || fail "a forged spawn ran"
kill -0 "$parent" || fail "the parent died of the forged requests"
log "forged requests against job $x.0's run refused; the job completed"

# Input devices (root's to open) are opened by the parent and passed to
# the child (SCM_RIGHTS), at start and when one appears.
holds() {	# PID FILE: PID has FILE open
	ls -l "/proc/$1/fd" 2>/dev/null | grep -qF -- "-> $2"
}
wait_until 5 holds "$net" "$T/input/event0" || fail "the network child has no descriptor of event0"
holds "$parent" "$T/input/event0" && fail "the parent kept its descriptor of event0"
mkfifo "$T/input/event1"
wait_until 5 holds "$net" "$T/input/event1" || fail "the network child has no descriptor of the new event1"
log "input devices: opened by the parent, held by the child"

# Only the child has a TCP connection (to the scheduler).
tcp_inodes() {	# PID: inodes of its TCP sockets in this namespace
	local ino
	for ino in $(ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p'); do
		awk -v i="$ino" '$10 == i { print i }' /proc/net/tcp /proc/net/tcp6
	done
}
[ -n "$(tcp_inodes "$net")" ] || fail "the network child holds no TCP socket"
[ -z "$(tcp_inodes "$parent")" ] || fail "the parent holds a TCP socket: $(tcp_inodes "$parent")"

cat > count.sh <<'SH'
#!/bin/sh
# Its pid as this machine sees it (its own pid namespace's is another).
read -r p x < /proc/self/stat; echo "$p" > job.pid
i=0
while :; do i=$((i + 1)); echo $i >> count.out; sleep 0.05; done
SH
chmod +x count.sh
c=$(cq submit --terse -- "$T/count.sh") || fail "submit failed"
job_is() { [ "$(cq q --json | jq -r --arg id "$c.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st)" = "$1" ]; }
wait_until 10 job_is R || fail "job not running: $(cq q --json)"
wait_until 5 test -s job.pid || fail "the job wrote no pid"
job=$(cat job.pid)
# The parent spawned it (through the job's init): the parent is among its
# ancestors, the network child is not (so it dies with the parent).
ancestors() {	# PID: its ancestors' pids, nearest first
	local p=$1
	while p=$(ppid_of "$p" 2>/dev/null) && [ -n "$p" ] && [ "$p" -gt 1 ]; do
		echo "$p"
	done
}
anc=$(ancestors "$job" | tr '\n' ' ')
case " $anc " in *" $parent "*) ;; *) fail "the agent's parent $parent is not an ancestor of job $job ($anc)" ;; esac
case " $anc " in *" $net "*) fail "the network child $net is an ancestor of job $job ($anc)" ;; esac
grows() {
	local a b
	a=$(wc -l < count.out); sleep 0.3; b=$(wc -l < count.out)
	[ "$b" -gt "$a" ]
}
wait_until 5 grows || fail "the job is not counting"

# The owner comes back, with a key press on a passed device: the child
# sees it, asks, the parent freezes.
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\001\0\036\0\001\0\0\0' > "$T/input/event0"
wait_until 5 job_is S || fail "job not suspended: $(cq q --json)"
sleep 0.2
grows && fail "a suspended job still counts"
log "owner back: job $job frozen through the parent"

# kill -9 of the network child: the parent kills the job and leaves.
kill -9 "$net"
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_until 5 gone "$parent" || fail "the parent $parent outlived its network child"
wait_until 2 gone "$job" || fail "job $job outlived the agent's parent"
grep -q "network child was killed by signal 9" "$T/agent-a1.log" ||
    fail "the parent did not log why it left"
unset "AGENT_PID[a1]"
log "kill -9 of the network child: parent and job gone"

# kill -9 of the parent: the child and the job go with it.  The job
# comes back on a2 after a1's lease.
AGENT_ACTIVITY= start_agent a2 1
parent2=${AGENT_PID[a2]}
net2=$(agent_net_pid a2) || fail "agent a2 has no network child"
rm -f job.pid
wait_until 10 job_is R || fail "the job did not start again on a2: $(cq q --json)"
wait_until 5 test -s job.pid || fail "the job wrote no pid on a2"
job2=$(cat job.pid)
kill -9 "$parent2"
wait_until 2 gone "$net2" || fail "network child $net2 outlived its parent"
wait_until 2 gone "$job2" || fail "job $job2 outlived the agent's parent"
unset "AGENT_PID[a2]"
log "kill -9 of the parent: network child and job gone"

[ "$(id -u)" -eq 0 ] || exit 0
# An older agent's credential (in state_dir itself) moves to state/agent,
# and the agent still proves who it is with it.
st=${AGENT_DIR[a2]}/state
cid=$(cut -d. -f2 "$st/agent/credential") || fail "a2 kept no credential"
mv "$st/agent/credential" "$st/credential"
rm -rf "$st/agent"
AGENT_ACTIVITY= start_agent a2 1
grep -q "holding credential $cid" "$T/agent-a2.log" ||
    fail "a2 did not take its old credential back"
[ -f "$st/agent/credential" ] && [ ! -e "$st/credential" ] ||
    fail "the credential did not move to state/agent"
[ "$(stat -c %U "$st/agent/credential")" = cq-agent ] ||
    fail "state/agent/credential is not cq-agent's"
[ -S "$T/agent-a2.sock" ] || fail "a2 has no local socket"
stop_agent a2
log "a credential in state_dir moved to state_dir/agent, cq-agent's"
# The child made its local socket as root and cannot remove it as
# cq-agent: the parent does, as it exits.
[ ! -e "$T/agent-a2.sock" ] || fail "a2 left its local socket behind"
log "a stopped agent leaves no local socket"

# Without agent_user the agent refuses to start, naming the command.
AGENT_NO_WAIT=1 AGENT_EXTRA="agent_user = cq-no-such-user" start_agent a3 1
wait_until 10 gone "${AGENT_PID[a3]}" || fail "a3 started without its agent_user"
unset "AGENT_PID[a3]"
grep -q "agent_user cq-no-such-user: no such user; make it with: useradd --system" \
    "$T/agent-a3.log" || fail "a3 did not name the useradd command"
log "a missing agent_user: refused, with the useradd command"
exit 0
