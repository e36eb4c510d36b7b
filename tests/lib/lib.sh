# lib.sh: sourced by every integration test (bash).  It gives the test a
# private temporary directory, socket and port, starts and stops the real
# daemons there, and bounds everything in time: the whole script runs under
# timeout(1) (CQ_TEST_TIMEOUT seconds, default 300) and every wait has its
# own deadline.  On success or skip the daemons are stopped and the
# directory removed; on failure the daemons are stopped, the tails of
# their logs printed and the directory kept (its path is printed).
#
#   start_schedd [LEASE]       scheduler on $T/state, exports CQ_SOCKET,
#                              sets SCHEDD_PID, SCHEDD_ADDR (host:port),
#                              SCHEDD_FP (its TLS certificate fingerprint)
#                              and SCHEDD_POOL_TOKEN (cq pool token, 1 h);
#                              SCHEDD_EXTRA adds configuration lines
#   start_agent NAME SLOTS     agent registered with it (as root, the slot
#                              users cq-slot1..SLOTS made first: see
#                              ensure_slot_users); AGENT_PID[NAME],
#                              AGENT_DIR[NAME] (its working directory, with
#                              its own state/ holding its credential; its
#                              sandbox: $T/sandbox-NAME); it pins SCHEDD_FP,
#                              or AGENT_FINGERPRINT if set, and enrolls with
#                              AGENT_TOKEN if set (even empty: no token),
#                              else SCHEDD_POOL_TOKEN
#   INSECURE=1 start_...       plain TCP (insecure = yes) instead of TLS
#   agent_tls_conf             the agent's TLS line (for hand-written confs)
#   CQ_TEST_NS=HOST start_...  the daemon runs in a network namespace of
#                              tests/lib/netns.sh (source it after this)
#   CQ_TEST_PRIVATE_SANDBOX=1 start_agent ...  the agent runs in a mount
#                              namespace of its own where $T/sandbox-NAME
#                              is bind-mounted on $T/sandbox, its
#                              sandbox_dir: one path on every agent, as on
#                              real desktops (CRIU restores need it)
#   at_cleanup CMD...          run CMD at exit, after the daemons stopped
#   stop_schedd [SIGNAL]       stop the scheduler (default TERM)
#   stop_agent NAME [SIGNAL]   stop one agent
#   stop_all                   stop every daemon started
#   wait_until SECS CMD...     poll CMD every 0.1 s; 1 on timeout
#   fail MSG / skip MSG        exit 1 with the logs / exit 77
#   cq ARGS...                 the cq under test
#
# Binaries come from $CQ_BUILDDIR, sources from $CQ_SRCDIR (both set by
# `make check`; by default the tree the script lives in).

# --- a hard bound on the whole script ---------------------------------------
if [ -z "${CQ_TEST_WATCHDOG:-}" ]; then
	CQ_TEST_WATCHDOG=1
	export CQ_TEST_WATCHDOG
	if command -v timeout >/dev/null 2>&1; then
		# TERM goes to the script's whole process group: the
		# daemons, the test's foreground command and the script,
		# whose trap then stops the rest and keeps the logs.
		exec timeout -k 10 "${CQ_TEST_TIMEOUT:-300}" bash "$0" "$@"
	fi
fi

set -u

TEST_NAME=$(basename "$0" .sh)
_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${CQ_SRCDIR:=$(cd "$_lib_dir/../.." && pwd)}"
: "${CQ_BUILDDIR:=$(cd "$_lib_dir/../.." && pwd)}"
export CQ_SRCDIR CQ_BUILDDIR

CQ_BIN=$CQ_BUILDDIR/cq
SCHEDD_BIN=$CQ_BUILDDIR/cq-schedd
STARTD_BIN=$CQ_BUILDDIR/cq-startd
# How long a daemon may take to start (seconds): more under valgrind.
START_WAIT=${START_WAIT:-10}
HOSTILE_BIN=$CQ_BUILDDIR/tests/lib/hostile

# The daemons read CQ_<KEY> variables as configuration: only ours count.
for _v in $(compgen -e); do
	case $_v in
	CQ_BUILDDIR|CQ_SRCDIR|CQ_TEST_*) ;;
	CQ_*) unset "$_v" ;;
	esac
done
unset _v

_sanitizer_re='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|WARNING: ThreadSanitizer'
SCHEDD_PID=
SCHEDD_ADDR=
SCHEDD_POOL_TOKEN=
declare -A AGENT_PID=()
declare -A AGENT_DIR=()
_cleanup_hooks=()
_failing=0

log() {
	printf '%s %s: %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" \
	    "$TEST_NAME" "$*"
}

# Clock in milliseconds (the separator of EPOCHREALTIME follows the locale).
now_ms() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME//[!0-9]/}
		echo $((t / 1000))
	else
		date +%s%3N
	fi
}

_tail_logs() {
	local f
	for f in "$T"/*.log; do
		[ -f "$f" ] || continue
		echo "----- last lines of $f"
		tail -n 40 "$f"
	done
	echo "-----"
}

_pid_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

# Stop PID with SIG, then KILL if it is still there after 5 s.
_stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	_pid_alive "$pid" || return 0
	kill -s "$sig" "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_pid_alive "$pid" || break
		sleep 0.1
	done
	if _pid_alive "$pid"; then
		echo "$TEST_NAME: pid $pid ignored SIG$sig, killing" >&2
		kill -KILL "$pid" 2>/dev/null
		sleep 0.2
	fi
	return 0
}

stop_schedd() {
	[ -n "$SCHEDD_PID" ] && _stop_pid "$SCHEDD_PID" "${1:-TERM}"
	SCHEDD_PID=
}

stop_agent() {
	local name=$1
	[ -n "${AGENT_PID[$name]:-}" ] &&
	    _stop_pid "${AGENT_PID[$name]}" "${2:-TERM}"
	unset "AGENT_PID[$name]"
}

# at_cleanup CMD...: run CMD when the test exits, however it exits, once
# the daemons are stopped; hooks run last-registered first.
at_cleanup() {
	_cleanup_hooks+=("$*")
}

stop_all() {
	local n
	for n in "${!AGENT_PID[@]}"; do
		stop_agent "$n"
	done
	stop_schedd
}

# _agent_ident NAME: the agent's cgroup subtree name (startd/main.c):
# NAME and the FNV-1a hash of its state directory's real path.
_agent_ident() {
	local dir h=2166136261 i c
	dir=$(realpath "${AGENT_DIR[$1]}/state" 2>/dev/null) || return 1
	for ((i = 0; i < ${#dir}; i++)); do
		printf -v c '%d' "'${dir:i:1}"
		h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
	done
	printf '%.32s.%08x\n' "$1" "$h"
}

# Remove the empty job cgroups an agent killed by the test (kill -9) left
# in its subtree: its state directory goes with $T, so no later start of
# it would.  Empty groups only (rmdir), and only this agent's subtree.
_agent_cgroups_rm() {
	local n id d
	for n in "${!AGENT_DIR[@]}"; do
		id=$(_agent_ident "$n") || continue
		for d in $(find /sys/fs/cgroup -maxdepth 5 -type d \
		    -path "*/cq-jobs/$id" 2>/dev/null); do
			rmdir "$d"/*/ "$d" 2>/dev/null
		done
	done
	return 0
}

_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	stop_all
	_agent_cgroups_rm
	# Anything a test registered (job process groups and the like).
	if [ -f "$T/kill.pgids" ]; then
		while read -r _pg; do
			kill -KILL -- "-$_pg" 2>/dev/null
		done < "$T/kill.pgids"
	fi
	local i
	for ((i = ${#_cleanup_hooks[@]} - 1; i >= 0; i--)); do
		eval "${_cleanup_hooks[$i]}"
	done
	# A sanitizer build reports into the daemons' logs: that fails a pass.
	if [ "$rc" -eq 0 ] && grep -lE "$_sanitizer_re" "$T"/*.log >/dev/null 2>&1; then
		echo "$TEST_NAME: FAIL: sanitizer report in" \
		    "$(grep -lE "$_sanitizer_re" "$T"/*.log | tr '\n' ' ')" >&2
		grep -hE -A 12 "$_sanitizer_re" "$T"/*.log | head -60 >&2
		rc=1
		_failing=1
	fi
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
		rm -rf "$T"
	else
		[ "$_failing" -eq 1 ] || _tail_logs >&2
		echo "$TEST_NAME: FAILED (exit $rc); logs kept in $T" >&2
	fi
	exit "$rc"
}

_on_signal() {
	echo "$TEST_NAME: killed by signal $1 (the ${CQ_TEST_TIMEOUT:-300} s" \
	    "watchdog?)" >&2
	exit 1
}

fail() {
	echo "$TEST_NAME: FAIL: $*" >&2
	_tail_logs >&2
	_failing=1
	exit 1
}

skip() {
	echo "$TEST_NAME: SKIP: $*" >&2
	exit 77
}

# need_nobody: for tests that connect as another user: skip unless this
# runs as root with setpriv, a user nobody and python3; sets nuid and ngid
# (nobody's), PY (python3) and CLIENT (tests/lib/cqclient.py, a raw client).
need_nobody() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to connect as another user"
	command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=$(command -v python3) ||
	    skip "python3 is not installed"
	CLIENT=$CQ_SRCDIR/tests/lib/cqclient.py
	nuid=$(id -u nobody)
	ngid=$(id -g nobody)
}

# wait_until SECS CMD...: run CMD every 0.1 s until it succeeds (0) or
# SECS have passed (1).
wait_until() {
	local secs=$1 deadline
	shift
	deadline=$(( $(now_ms) + secs * 1000 ))
	while :; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

cq() {
	"$CQ_BIN" "$@"
}

# Set _WRAP to the prefix that runs a daemon in host $CQ_TEST_NS (empty
# without it); the prefix execs, so $! stays the daemon's pid.
_daemon_wrap() {
	_WRAP=()
	[ -n "${CQ_TEST_NS:-}" ] || return 0
	declare -F ns_wrap >/dev/null ||
	    fail "CQ_TEST_NS=$CQ_TEST_NS needs tests/lib/netns.sh sourced"
	ns_wrap "$CQ_TEST_NS"
	_WRAP=("${NS_WRAP[@]}")
}

# --- the scheduler ------------------------------------------------------------

# Write the scheduler's configuration; LISTEN defaults to any free port.
# The tests run as root and expect root's jobs to run as root:
# SCHEDD_ALLOW_ROOT=0 leaves allow_root_jobs at no.
write_schedd_conf() {
	local lease=${1:-10s} listen=${2:-127.0.0.1:0}
	cat > "$T/schedd.conf" <<EOF
# written by $TEST_NAME
state_dir = $T/state
socket = $T/schedd.sock
listen = $listen
lease = $lease
allow_root_jobs = $([ "${SCHEDD_ALLOW_ROOT:-1}" = 0 ] && echo no || echo yes)
$([ "${INSECURE:-0}" = 1 ] && echo "insecure = yes")
${SCHEDD_EXTRA:-}
EOF
}

# start_schedd [LEASE]: (re)start the scheduler with $T/schedd.conf (which
# is written if missing) and wait until it answers.  In a namespace
# (CQ_TEST_NS) it listens on that host's address.
start_schedd() {
	_daemon_wrap
	[ -f "$T/schedd.conf" ] || write_schedd_conf "${1:-10s}" \
	    "${CQ_TEST_NS:+$(ns_addr "$CQ_TEST_NS"):0}"
	rm -f "$T/state/listen.addr" "$T/state/fingerprint"
	echo "=== start $(date +%T.%N)" >> "$T/schedd.log"
	"${_WRAP[@]}" "$SCHEDD_BIN" -f -c "$T/schedd.conf" \
	    >> "$T/schedd.log" 2>&1 &
	SCHEDD_PID=$!
	disown "$SCHEDD_PID"	# no "Killed" notices; _stop_pid polls
	CQ_SOCKET=$T/schedd.sock
	export CQ_SOCKET
	wait_until "$START_WAIT" test -s "$T/state/listen.addr" ||
	    fail "the scheduler wrote no listen.addr within $START_WAIT s"
	SCHEDD_ADDR=$(cat "$T/state/listen.addr")
	# Written before listen.addr; none with insecure = yes.
	SCHEDD_FP=$(cat "$T/state/fingerprint" 2>/dev/null)
	wait_until "$START_WAIT" cq q --json ||
	    fail "the scheduler does not answer cq q within $START_WAIT s"
	_pid_alive "$SCHEDD_PID" || fail "the scheduler died at start-up"
	# The agents' way in (tests run as root: an administrator); a
	# restart keeps the store, so the token stays good.
	if [ -z "${SCHEDD_POOL_TOKEN:-}" ]; then
		SCHEDD_POOL_TOKEN=$(cq pool token --lifetime 1h) ||
		    fail "cq pool token failed"
	fi
	log "scheduler pid $SCHEDD_PID on $SCHEDD_ADDR"
}

# --- agents -------------------------------------------------------------------

# The line pinning the scheduler in an agent's configuration: insecure =
# yes with INSECURE=1, else AGENT_FINGERPRINT if set, else SCHEDD_FP.
agent_tls_conf() {
	if [ "${INSECURE:-0}" = 1 ]; then
		echo "insecure = yes"
	elif [ -n "${AGENT_FINGERPRINT+set}" ]; then
		[ -z "$AGENT_FINGERPRINT" ] ||
		    echo "fingerprint = $AGENT_FINGERPRINT"
	else
		echo "fingerprint = ${SCHEDD_FP:-}"
	fi
}

# agent_connected NAME: the scheduler shows NAME's slots as connected.
agent_connected() {
	cq status --json | jq -e --arg m "$1" \
	    '[.[] | select(.Machine == $m and .CqConnected)] | length > 0'
}

# The directory keys this cq-startd knows (state_dir, sandbox_dir), into
# _startd_dir_keys; probed once with -n, on the real binary even when
# STARTD_BIN wraps it.
_agent_dir_probe() {
	local k
	[ -z "${_startd_dir_keys+set}" ] || return 0
	_startd_dir_keys=
	for k in state_dir sandbox_dir; do
		# (insecure: -n wants the scheduler pinned or not.)
		printf '%s = %s\ninsecure = yes\n' "$k" "$T" > "$T/probe.conf"
		"$CQ_BUILDDIR/cq-startd" -n -c "$T/probe.conf" >/dev/null 2>&1 &&
		    _startd_dir_keys="$_startd_dir_keys $k"
	done
	rm -f "$T/probe.conf"
}

# Configuration lines giving agent NAME its own directories, for the
# keys _agent_dir_probe found: DIR/state, and $T/sandbox-NAME (the path
# the transfer tests expect): no directory is shared between two agents.
_agent_dir_conf() {
	local name=$1 dir=$2 k
	for k in $_startd_dir_keys; do
		case $k in
		state_dir) echo "state_dir = $dir/state" ;;
		sandbox_dir)
			if [ "${CQ_TEST_PRIVATE_SANDBOX:-0}" = 1 ]; then
				echo "sandbox_dir = $T/sandbox"
			else
				echo "sandbox_dir = $T/sandbox-$name"
			fi ;;
		esac
	done
}

# ensure_slot_users N: as root, the slot users cq-slot1..N the agent runs
# the jobs of owners unknown here as (it refuses a slot without one);
# made as cq pool up makes them.  Nothing without root.
ensure_slot_users() {
	local i
	[ "$(id -u)" -eq 0 ] || return 0
	for ((i = 1; i <= $1; i++)); do
		id "cq-slot$i" >/dev/null 2>&1 && continue
		useradd --system --no-create-home --home-dir /nonexistent \
		    --shell /usr/sbin/nologin "cq-slot$i" 2>/dev/null
		# (Another test may have made it meanwhile.)
		id "cq-slot$i" >/dev/null 2>&1 ||
		    fail "cannot make the slot user cq-slot$i"
	done
}

# ensure_agent_user: as root, the user agent_user names (cq-agent), whom
# the agent's network child runs as; made as cq pool up makes it, and
# $T opened for it to reach its state directory (agent_state_dir).
ensure_agent_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	chmod 711 "$T"
	id cq-agent >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin cq-agent 2>/dev/null
	id cq-agent >/dev/null 2>&1 || fail "cannot make the user cq-agent"
}

# agent_state_dir DIR: where the agent that runs in DIR keeps its
# credential (DIR/state/agent as root, where the network child is
# cq-agent; DIR/state otherwise).
agent_state_dir() {
	if [ "$(id -u)" -eq 0 ]; then
		echo "$1/state/agent"
	else
		echo "$1/state"
	fi
}

# start_agent NAME SLOTS: start an agent and wait until it is registered.
# No owner activity sources unless AGENT_ACTIVITY names some (e.g.
# file:$T/act); AGENT_EXTRA adds configuration lines.  The agent runs in
# AGENT_DIR[NAME] ($T/agent-NAME.d), in host $CQ_TEST_NS if set.
start_agent() {
	local name=$1 slots=$2 dir=$T/agent-$1.d
	mkdir -p "$dir/state"
	[ "$(id -u)" -eq 0 ] && chmod 711 "$dir"
	ensure_slot_users "$slots"
	AGENT_DIR[$name]=$dir
	_agent_dir_probe
	_daemon_wrap
	if [ "${CQ_TEST_PRIVATE_SANDBOX:-0}" = 1 ]; then
		# Every exec keeps the pid: it is the agent's own.
		mkdir -p "$T/sandbox" "$T/sandbox-$name"
		_WRAP+=(unshare --mount --propagation private sh -c
		    'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh
		    "$T/sandbox-$name" "$T/sandbox")
	fi
	cat > "$T/agent-$name.conf" <<EOF
# written by $TEST_NAME
schedd = $SCHEDD_ADDR
name = $name
slots = $slots
memory = $((slots * 256))
local_socket = $T/agent-$name.sock
activity = ${AGENT_ACTIVITY:-}
token = ${AGENT_TOKEN-$SCHEDD_POOL_TOKEN}
$(agent_tls_conf)
$(_agent_dir_conf "$name" "$dir")
${AGENT_EXTRA:-}
EOF
	echo "=== start $(date +%T.%N)" >> "$T/agent-$name.log"
	(cd "$dir" && exec "${_WRAP[@]}" "$STARTD_BIN" -f \
	    -c "$T/agent-$name.conf") >> "$T/agent-$name.log" 2>&1 &
	AGENT_PID[$name]=$!
	LAST_PID=$!
	disown "$LAST_PID"
	if [ "${AGENT_NO_WAIT:-0}" = 1 ]; then
		return 0
	fi
	wait_until "$START_WAIT" agent_connected "$name" ||
	    fail "agent $name did not register within $START_WAIT s"
	log "agent $name pid $LAST_PID with $slots slots"
}

# agent_net_pid NAME: the pid of agent NAME's network child, the process
# that talks to the scheduler (AGENT_PID[NAME] is its root parent, which
# spawns the jobs: docs/privileges.md).
agent_net_pid() {
	local p=${AGENT_PID[$1]} c
	for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
		if [ "$(cat /proc/"$c"/comm 2>/dev/null)" = cq-startd-net ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# agent_signal NAME SIG: SIG to both processes of agent NAME (a SIGSTOP
# stops the whole agent, as one to a single process did before the split).
agent_signal() {
	local net
	net=$(agent_net_pid "$1")
	kill -"$2" ${net:+"$net"} "${AGENT_PID[$1]}"
}

# --- queries ------------------------------------------------------------------

# count_jobs JQ_FILTER: number of queued jobs whose ads (cq q --json:
# ClusterId, ProcId, JobStatus, RemoteHost, ...) match.
count_jobs() {
	cq q -a --json | jq "[.[] | select($1)] | length"
}

# queue_empty: nothing left in the queue.
queue_empty() {
	[ "$(cq q -a --json | jq length)" -eq 0 ]
}

# job_st: the JobStatus numbers on stdin as condor_q's ST letters (1 I,
# 2 R, 3 X, 4 C, 5 H, 6 >, 7 S).
job_st() {
	tr 1234567 'IRXCH>S'
}

# wait_queue_empty SECS
wait_queue_empty() {
	wait_until "$1" queue_empty
}

# --- set-up -------------------------------------------------------------------

command -v jq >/dev/null 2>&1 || skip "jq is needed to read --json output"
for _b in "$CQ_BIN" "$SCHEDD_BIN" "$STARTD_BIN"; do
	[ -x "$_b" ] || skip "$_b is not built (CQ_BUILDDIR=$CQ_BUILDDIR)"
done
unset _b

T=$(mktemp -d "${TMPDIR:-/tmp}/cq-$TEST_NAME.XXXXXX") ||
    { echo "$TEST_NAME: mktemp failed" >&2; exit 99; }
trap _cleanup EXIT
trap '_on_signal TERM' TERM
trap '_on_signal INT' INT
trap '_on_signal HUP' HUP
cd "$T" || exit 99
log "running in $T"
# Agents started by hand (their own configuration) find 4 slot users.
ensure_slot_users 4
ensure_agent_user
