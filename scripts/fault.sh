#!/bin/bash
# fault.sh [-r ROUNDS] [-s SEED] [-j JOBS] [-a AGENTS] [-f FAULTS]
#     [-k KIND,...] [-D] [-n] [-o REPORT] [-l LOGDIR]:
# the fault-injection suite (docs/durability.md, "Fault injection").  A
# pool (a scheduler and AGENTS agents of 2 slots each, as root on hosts
# in network namespaces where it can make them, else or with -n on
# loopback) runs ROUNDS rounds of JOBS short jobs each.  In each round
# FAULTS faults (1 to 3 if not given) come at random moments, drawn from
# SEED, with every kind in turn (-k: only these): the scheduler, an
# agent or both killed (SIGKILL) and started again, or stopped (SIGSTOP)
# for less or more than the lease and continued, an agent's cable cut
# and plugged back, the scheduler's disk (a tmpfs of its own; not with
# -D) filled and freed again.  Submits are tried while a fault lasts, and
# in flight at a scheduler kill.  Then everything is made well again, the
# queue must drain, and the invariants are checked over every job so far
# (tests/lib/fault-check.py): every acknowledged job completed (none
# lost, none stuck), every completion counted by the jobs themselves
# (tests/lib/fault-job.sh) tied to a run, and a second completion only
# of a run whose end the scheduler never took (its agent killed, the run
# killed after its last line, or its exit stale), no two copies of a job
# at once, the user logs agreeing with the history, and no process left
# behind (no job once the queue is empty, nothing of a killed agent,
# nothing at all after the pool is stopped).  It stops at the first round
# that breaks one, and prints the seed and a report (also to REPORT); -l
# keeps the logs and the jobs' lines in LOGDIR.
#
# Run from a built tree: CQ_BUILDDIR (default ./build when it holds
# cq-schedd) and CQ_SRCDIR as for the integration tests.
# tests/integration/t-fault.sh runs a few rounds with a fixed seed.

ROUNDS=20
SEED=
JOBS=150
NAGENTS=
REPORT=
ONLY=
LOGDIR=
NFAULTS=
LOOPBACK=0
DISK=1
while getopts r:s:j:a:f:k:Dno:l: o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	s) SEED=$OPTARG ;;
	j) JOBS=$OPTARG ;;
	a) NAGENTS=$OPTARG ;;
	f) NFAULTS=$OPTARG ;;
	k) ONLY=$OPTARG ;;
	n) LOOPBACK=1 ;;
	D) DISK=0 ;;
	o) REPORT=$OPTARG ;;
	l) LOGDIR=$OPTARG ;;
	*) echo "usage: fault.sh [-r rounds] [-s seed] [-j jobs] [-a agents] [-f faults] [-k kind,...] [-D] [-n] [-o report] [-l logdir]" >&2
	   exit 2 ;;
	esac
done
case "$ROUNDS$JOBS${SEED:-0}${NAGENTS:-2}${NFAULTS:-1}" in
*[!0-9]*) echo "fault.sh: rounds, seed, jobs, agents and faults are numbers" >&2
	  exit 2 ;;
esac
[ -n "$SEED" ] || SEED=$(( $(date +%s) % 100000 ))
if [ -z "${CQ_BUILDDIR:-}" ] && [ -x "$PWD/build/cq-schedd" ]; then
	CQ_BUILDDIR=$PWD/build
	export CQ_BUILDDIR
fi
# A bound on the whole run: 90 s a round (a round takes 10 to 45 s
# here), and the start and the end.
: "${CQ_TEST_TIMEOUT:=$(( 120 + ROUNDS * 90 ))}"
export CQ_TEST_TIMEOUT
# (CQ_SRCDIR set: a copy of this script may run elsewhere, so that the
# tree can change under a long run.)
. "${CQ_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/tests/lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/netns.sh"

[ "$(id -u)" -eq 0 ] || skip "the fault-injection suite runs as root"
PY=$(command -v python3) || skip "python3 is needed to check the invariants"
RANDOM=$SEED
# R: a number in [0, $1) from the seed's sequence (a global, not $(...):
# a subshell's draws would not advance the shell's own).
rnd() {
	R=$(( RANDOM % $1 ))
}
[ -n "$NAGENTS" ] || { rnd 3; NAGENTS=$(( R + 2 )); }
LEASE=3
log "seed $SEED: $ROUNDS rounds of $JOBS jobs, $NAGENTS agents, lease ${LEASE}s"

# --- the pool -----------------------------------------------------------------
NETNS=0
if [ "$LOOPBACK" = 1 ]; then
	log "loopback (-n): no cable cuts"
elif [ -z "$(_ns_unusable)" ]; then
	ns_setup $(( NAGENTS + 1 ))
	NETNS=1
else
	log "no network namespaces ($(_ns_unusable)): loopback, no cable cuts"
fi
host_of() {	# host_of AGENT: its namespace host (a3 -> ns3), or nothing
	[ "$NETNS" = 1 ] && echo "ns${1#a}"
}

if [ "$DISK" = 1 ]; then
	# The state directory on a disk of its own, to fill; the margin
	# warning comes once it is filled.
	mkdir -p "$T/state"
	if mount -t tmpfs -o size=64m,mode=0755 cq-fault-state "$T/state" \
	    2>/dev/null; then
		at_cleanup umount -l "$T/state"
		SCHEDD_EXTRA="disk_margin_mb = 16"
	else
		log "cannot mount a tmpfs on $T/state: no full disk"
		DISK=0
	fi
fi

# The scheduler logs at debug level: the checker reads its "exit of
# stale" lines.
cat > "$T/cq-schedd-v" <<EOF
#!/bin/sh
exec "$CQ_BUILDDIR/cq-schedd" -v "\$@"
EOF
chmod +x "$T/cq-schedd-v"
SCHEDD_BIN=$T/cq-schedd-v
if [ "$NETNS" = 1 ]; then
	write_schedd_conf ${LEASE}s "$(ns_addr ns0):0"
	CQ_TEST_NS=ns0 start_schedd
else
	start_schedd ${LEASE}s
fi
# Restarts keep the address the agents know.
write_schedd_conf ${LEASE}s "$SCHEDD_ADDR"
AGENTS=()
for ((i = 1; i <= NAGENTS; i++)); do
	AGENTS+=("a$i")
done

SCHEDD_STATE=up
declare -A AGENT_STATE=()
schedd_up() {
	CQ_TEST_NS=$([ "$NETNS" = 1 ] && echo ns0) start_schedd
	SCHEDD_STATE=up
}
agent_up() {
	CQ_TEST_NS=$(host_of "$1") start_agent "$1" 2
	AGENT_STATE[$1]=up
}
for a in "${AGENTS[@]}"; do
	agent_up "$a"
done

cp "$CQ_SRCDIR/tests/lib/fault-job.sh" "$T/fault-job.sh"
chmod +x "$T/fault-job.sh"
mkdir -p "$T/ulog"
: > "$T/runs"
: > "$T/acked"
: > "$T/faults"

# --- submits ------------------------------------------------------------------
# submit ROUND N [TIMEOUT]: a cluster of N jobs; its cluster and size go
# to $T/acked when the scheduler acknowledged it, "? N" otherwise (also
# from a submit in the background).
submit() {
	local r=$1 n=$2 c
	cat > "$T/sub" <<SUB
executable = $T/fault-job.sh
arguments = \$(Cluster).\$(Process) $T \$(Process)
output = /dev/null
error = $T/job-errors
log = $T/ulog/r$r.log
queue $n
SUB
	if c=$(timeout "${3:-30}" "$CQ_BIN" submit --terse "$T/sub" 2>>"$T/submit-errors") &&
	    [ -n "$c" ]; then
		echo "$c $n" >> "$T/acked"
		return 0
	fi
	echo "? $n" >> "$T/acked"
	return 1
}

# --- faults -------------------------------------------------------------------
declare -A FAULTS=()
note_fault() {	# note_fault KIND TARGET
	FAULTS[$1]=$(( ${FAULTS[$1]:-0} + 1 ))
	echo "$(now_ms) $ROUND $1 $2" >> "$T/faults"
	log "round $ROUND: $1 $2"
}
# A pause of 0.1 to 1.5 s before a fault, and how long one lasts: 0.2 s
# to 2.5 leases, so both short ones and ones the lease does not cover.
pause() {
	rnd 1400
	sleep "$(printf '%d.%03d' $(( (R + 100) / 1000 )) $(( (R + 100) % 1000 )))"
}
hold() {
	rnd $(( LEASE * 2300 ))
	sleep "$(printf '%d.%03d' $(( (R + 200) / 1000 )) $(( (R + 200) % 1000 )))"
}
# While a fault lasts, sometimes a small submit: acknowledged or not,
# its jobs must end up whole or absent.
maybe_submit() {
	rnd 2
	[ "$R" = 1 ] || return 0
	submit "$ROUND" 3 2 >/dev/null 2>&1
	return 0
}
agent_kill() {
	stop_agent "$1" KILL
	# The checker counts the runs of this incarnation as lost with it.
	echo "=== killed (SIGKILL) $(date +%T.%N)" >> "$T/agent-$1.log"
	AGENT_STATE[$1]=dead
}
schedd_kill() {
	stop_schedd KILL
	echo "=== killed (SIGKILL) $(date +%T.%N)" >> "$T/schedd.log"
	SCHEDD_STATE=dead
}

KINDS=(schedd-kill schedd-stop agent-kill agent-stop both-kill both-stop)
[ "$NETNS" = 1 ] && KINDS+=(link-cut)
[ "$DISK" = 1 ] && KINDS+=(disk-full)
if [ -n "$ONLY" ]; then	# -k: only these kinds (to chase one)
	for k in ${ONLY//,/ }; do
		case " ${KINDS[*]} " in
		*" $k "*) ;;
		*) skip "-k: no fault kind '$k' here (${KINDS[*]})" ;;
		esac
	done
	read -r -a KINDS <<<"${ONLY//,/ }"
fi
# The kinds come in rounds of their own, each a shuffle of them all
# (from the seed): any run of as many faults as there are kinds has
# every kind.
BAG=()
draw_kind() {
	local i t
	if [ ${#BAG[@]} -eq 0 ]; then
		BAG=("${KINDS[@]}")
		for ((i = ${#BAG[@]} - 1; i > 0; i--)); do
			rnd $((i + 1))
			t=${BAG[i]}
			BAG[i]=${BAG[R]}
			BAG[R]=$t
		done
	fi
	KIND=${BAG[0]}
	BAG=("${BAG[@]:1}")
}
inject() {
	local kind a
	draw_kind
	kind=$KIND
	rnd ${#AGENTS[@]}
	a=${AGENTS[$R]}
	case $kind in
	schedd-kill)
		note_fault "$kind" schedd
		# Sometimes a submit of 20 in flight, which the kill may cut
		# short at any point: acknowledged, or whole or absent.
		rnd 2
		bg=
		if [ "$R" = 1 ]; then
			submit "$ROUND" 20 10 >/dev/null 2>&1 &
			bg=$!
			rnd 80
			sleep "0.0$(printf %02d "$R")"
		fi
		schedd_kill
		maybe_submit
		pause
		schedd_up
		[ -z "$bg" ] || wait "$bg" ;;
	schedd-stop)
		note_fault "$kind" schedd
		kill -STOP "$SCHEDD_PID"
		SCHEDD_STATE=stopped
		maybe_submit
		hold
		kill -CONT "$SCHEDD_PID"
		SCHEDD_STATE=up ;;
	agent-kill)
		note_fault "$kind" "$a"
		agent_kill "$a"
		maybe_submit
		pause
		agent_up "$a" ;;
	both-stop)
		note_fault "$kind" "schedd+$a"
		kill -STOP "$SCHEDD_PID"
		SCHEDD_STATE=stopped
		agent_signal "$a" STOP
		AGENT_STATE[$a]=stopped
		hold
		# The agent first: it finds its lease run out, as it is.
		agent_signal "$a" CONT
		AGENT_STATE[$a]=up
		kill -CONT "$SCHEDD_PID"
		SCHEDD_STATE=up ;;
	agent-stop)
		note_fault "$kind" "$a"
		agent_signal "$a" STOP
		AGENT_STATE[$a]=stopped
		maybe_submit
		hold
		agent_signal "$a" CONT
		AGENT_STATE[$a]=up ;;
	both-kill)
		note_fault "$kind" "schedd+$a"
		schedd_kill
		agent_kill "$a"
		pause
		schedd_up
		agent_up "$a" ;;
	disk-full)
		note_fault "$kind" state
		dd if=/dev/zero of="$T/state/filler" bs=64k 2>/dev/null
		FILLED=1
		maybe_submit
		hold
		rm -f "$T/state/filler"
		FILLED= ;;
	link-cut)
		note_fault "$kind" "$a"
		ns_link_down "$(host_of "$a")"
		CUT=$a
		maybe_submit
		hold
		ns_link_up "$(host_of "$a")"
		CUT= ;;
	esac
}

# Everything well again (after a failure half-way through a fault too).
heal() {
	local a
	[ -n "${CUT:-}" ] && ns_link_up "$(host_of "$CUT")"
	CUT=
	[ -n "${FILLED:-}" ] && rm -f "$T/state/filler"
	FILLED=
	case $SCHEDD_STATE in
	stopped) kill -CONT "$SCHEDD_PID" ;;
	dead) schedd_up ;;
	esac
	SCHEDD_STATE=up
	for a in "${AGENTS[@]}"; do
		case ${AGENT_STATE[$a]} in
		stopped) agent_signal "$a" CONT ;;
		dead) agent_up "$a" ;;
		esac
		AGENT_STATE[$a]=up
	done
}

# What died without being killed: "" if nothing.
died() {
	local a
	[ "$SCHEDD_STATE" = dead ] || _pid_alive "$SCHEDD_PID" ||
	    { echo "the scheduler died"; return; }
	for a in "${AGENTS[@]}"; do
		[ "${AGENT_STATE[$a]}" = dead ] || _pid_alive "${AGENT_PID[$a]:-}" ||
		    { echo "agent $a died"; return; }
	done
}

# --- invariants -------------------------------------------------------------
# Processes of this run (their command line names $T) that belong to no
# daemon of it, and jobs still running: "PID COMMAND" lines.  The
# driver's own helpers (descendants of this shell that are not daemons)
# do not count.
procs_left() {
	local p q cmd daemons=" ${SCHEDD_PID:-} ${AGENT_PID[*]} "
	for p in $(pgrep -f -- "$T/"); do
		[ "$p" = "$$" ] && continue
		cmd=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) || continue
		[ -n "$cmd" ] || continue
		case $cmd in
		*fault-job.sh*) echo "$p $cmd"; continue ;;
		esac
		q=$p
		while [ -n "$q" ] && [ "$q" -gt 1 ]; do
			case $daemons in *" $q "*) break ;; esac
			[ "$q" = "$$" ] && break
			q=$(awk '{ print $4 }' "/proc/$q/stat" 2>/dev/null)
		done
		case $daemons in *" $q "*) continue ;; esac
		[ "$q" = "$$" ] && continue
		echo "$p $cmd"
	done
}
no_procs_left() {
	[ -z "$(procs_left)" ]
}
all_connected() {
	local a
	for a in "${AGENTS[@]}"; do
		agent_connected "$a" || return 1
	done
}

LOST=0 TWICE=0 LEFT=0 OVERLAP=0 ULOG=0 RERUN=0 REPEATS=0 COMPLETED=0
FAILED=
check() {	# check WHAT: the invariants over every job so far
	local out
	cq history --json > "$T/history.json" 2>>"$T/check-errors" ||
	    { FAILED="cq history failed"; return 1; }
	cq q -a --json > "$T/queue.json" 2>>"$T/check-errors" ||
	    { FAILED="cq q failed"; return 1; }
	out=$("$PY" "$CQ_SRCDIR/tests/lib/fault-check.py" "$T") || {
		FAILED="$1: the checker failed: $out"
		return 1
	}
	# "lost N twice N overlap N ulog N rerun N repeats N completed N"
	set -- $(tail -n 1 <<<"$out")
	LOST=$2 TWICE=$4 OVERLAP=$6 ULOG=$8 RERUN=${10} REPEATS=${12}
	COMPLETED=${14}
	sed '$d' <<<"$out" > "$T/check.out"
	if [ "$LOST" -ne 0 ] || [ "$TWICE" -ne 0 ] || [ "$OVERLAP" -ne 0 ] ||
	    [ "$ULOG" -ne 0 ]; then
		FAILED="$1: $(head -n 20 "$T/check.out")"
		return 1
	fi
}

REPORTED=0
report() {
	local k
	[ "$REPORTED" = 0 ] || return 0
	REPORTED=1
	SUBMITTED=$(awk '$1 != "?" { n += $2 } END { print n + 0 }' "$T/acked")
	UNACKED=$(grep -c '^?' "$T/acked")
	{
		echo "fault.sh -r $ROUNDS -s $SEED -j $JOBS -a $NAGENTS${NFAULTS:+ -f $NFAULTS}${ONLY:+ -k $ONLY}" \
		    "($([ "$NETNS" = 1 ] && echo "network namespaces" || echo loopback), lease ${LEASE}s)"
		echo "seed:            $SEED"
		echo "rounds run:      $ROUNDS_RUN of $ROUNDS"
		echo "jobs:            $SUBMITTED acknowledged, $COMPLETED completed;" \
		    "$UNACKED submits unacknowledged"
		for k in "${KINDS[@]}"; do
			echo "faults $k: ${FAULTS[$k]:-0}"
		done
		echo "jobs lost:       $LOST"
		echo "jobs run twice:  $TWICE"
		echo "copies at once:  $OVERLAP"
		echo "user log errors: $ULOG"
		echo "processes left:  $LEFT"
		echo "runs again after an end never acknowledged (allowed): $RERUN"
		[ "$RERUN" -eq 0 ] ||
		    echo "  whose earlier run: $(sed -n 's/^causes: //p' "$T/check.out")"
		echo "user log events repeated after a scheduler kill (allowed): $REPEATS"
		[ -z "$FAILED" ] || echo "FAILED: $FAILED"
	} | tee ${REPORT:+"$REPORT"}
}

# --- the rounds -------------------------------------------------------------
ROUNDS_RUN=0
# A helper that fails (lib.sh's fail) ends the script: the report still.
at_cleanup report
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	submit "$ROUND" "$JOBS" || { FAILED="round $ROUND: the round's submit failed"; break; }
	rnd 3
	nf=${NFAULTS:-$(( R + 1 ))}
	for ((f = 0; f < nf; f++)); do
		pause
		inject
		[ -z "$(died)" ] || break
	done
	why=$(died)
	[ -z "$why" ] || { FAILED="round $ROUND: $why (at or after $KIND)"; break; }
	heal
	wait_until 60 all_connected ||
	    { FAILED="round $ROUND: agents not connected 60 s after the faults: $(cq status --json | jq -c '[.[] | {Machine, CqConnected}]')"; break; }
	wait_until 120 queue_empty ||
	    { FAILED="round $ROUND: jobs left in the queue 120 s after the faults: $(cq q --json | jq -c '[.[] | {ClusterId, ProcId, JobStatus, RemoteHost, JobRunCount}] | .[:10]')"; break; }
	# Stale exits come with the reconnects, and the user logs are
	# written off the loop: a moment for both.
	sleep 1
	ROUNDS_RUN=$ROUND
	if ! wait_until 10 no_procs_left; then
		LEFT=$(procs_left | wc -l)
		FAILED="round $ROUND: processes left: $(procs_left | head -5)"
		break
	fi
	check "round $ROUND" || break
	log "round $ROUND: completed $COMPLETED, reruns $RERUN, faults so far: $(wc -l < "$T/faults")"
done
heal
stop_all
if ! wait_until 15 no_procs_left; then
	LEFT=$(procs_left | wc -l)
	[ -n "$FAILED" ] || FAILED="processes left after the pool stopped: $(procs_left | head -5)"
fi
report
if [ -n "$LOGDIR" ]; then	# -l: the logs and the jobs' lines kept
	mkdir -p "$LOGDIR" &&
	    cp -r "$T"/*.log "$T"/runs "$T"/acked "$T"/faults "$T"/ulog \
	    "$T"/*.json "$LOGDIR"/ 2>/dev/null
fi
[ -z "$FAILED" ] || fail "$FAILED (seed $SEED)"
exit 0
