#!/bin/sh
# The agent's own CPU use while it watches an idle desktop: a scheduler and
# one agent with the activity sources this machine has (file:, utmp, load,
# and x11 under a private Xvfb when Xvfb is installed), a job suspended by
# the owner's activity (so the agent holds a frozen job, the common case at
# a desk), then SECS seconds of watching.  Prints the agent's CPU time as a
# share of one core.  Usage: bench/agent-idle.sh [BUILD_DIR] (SECS=60)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
secs=${SECS:-60}
work=$(mktemp -d /tmp/cq-idle.XXXXXX)
. "$top/bench/lib.sh"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT INT TERM
[ -n "${KEEP:-}" ] && trap 'cp agent.log schedd.log /tmp/; cleanup' EXIT
cd "$work"
sources="file:$work/act,utmp,load"
if [ -z "${NOX:-}" ] && command -v Xvfb >/dev/null 2>&1; then
	d=97
	while [ -e /tmp/.X11-unix/X$d ]; do d=$((d + 1)); done
	Xvfb ":$d" -nolisten tcp >/dev/null 2>&1 &
	pids="$pids $!"
	sleep 0.5
	sources="$sources,x11::$d"
fi
bench_schedd "allow_root_jobs = yes"
pids="$pids $spid"
cat > a.conf <<EOC
schedd = $schedd_addr
fingerprint = $(cat state/fingerprint)
slots = 1
activity = $sources
idle_after = 0
max_owner_load = 1000
local_socket = $work/a.sock
token = $tok
state_dir = $work/a.state
EOC
"$build/cq-startd" -f -c a.conf 2>agent.log &
apid=$!
pids="$apid $pids"
export CQ_SOCKET=$work/s.sock
sleep 1
"$build/cq" submit -- /bin/sleep 100000 >/dev/null
sleep 1
touch act			# the owner sits down: the job is frozen
sleep 1
ticks() { awk '{ print $14 + $15 }' "/proc/$apid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$secs"
t1=$(ticks)
echo "# sources: $sources; job state: $("$build/cq" q --json | grep -o '"JobStatus": *[0-9]' | head -1)"
awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" 'BEGIN {
	printf "agent_idle_cpu %.3f %% of a core (%d ticks in %d s)\n", 100 * d / hz / s, d, s }'
