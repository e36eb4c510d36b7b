#!/bin/sh
# Owner-return latency of a 16-process job (15 busy loops and their
# shell), two ways:
#   owner-return        inotify + jobctl_freeze in one process (the floor;
#                       FLOOR=0 skips it)
#   owner-return-agent  through a real cq-startd (file: source, its loop,
#                       its policy, the freeze), from the touch of the
#                       activity file to every process of the job seen
#                       stopped in /proc (none of its cgroup's or process
#                       group's members in state R)
# RUNS runs (default 3) of N trials (default 100) through the agent, each
# run's p50/p99/max and then all trials together.  The agent and the
# poller run in sessions of their own (as a daemon would: their own
# autogroups), the poller sleeping 100 us between looks.  The agent
# resumes after 1 s of quiet (resume_after; the activity sources call
# back at most once a second, so a shorter resume_after would let a touch
# wait for the 250 ms tick).
# STARTD=PATH runs another cq-startd (an older one, to compare).
# Usage: bench/owner-return.sh [BUILD_DIR]   (root: cgroups)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
work=$(mktemp -d /tmp/cq-oret.XXXXXX)
. "$top/bench/lib.sh"
# The agent watches the activity file as its unprivileged user (cq-agent).
chmod 755 "$work"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT INT TERM
[ -z "${KEEP_LOG:-}" ] || trap 'cp "$work/agent.log" "$KEEP_LOG"; cleanup' EXIT INT TERM
bench_header
[ "${FLOOR:-1}" = 0 ] || "$build/bench/owner-return" -n "${N:-100}" -p 16

cd "$work"
bench_schedd "allow_root_jobs = yes"
pids="$pids $spid"
cat > a.conf <<EOC
schedd = $schedd_addr
fingerprint = $(cat state/fingerprint)
slots = 1
activity = file:$work/act
idle_after = 0
resume_after = 1s
vacate_after = 1h
local_socket = $work/a.sock
token = $tok
state_dir = $work/a.state
EOC
setsid "${STARTD:-$build/cq-startd}" -f -c a.conf 2>agent.log &
pids="$!$pids"
export CQ_SOCKET=$work/s.sock
sleep 1
cat > tree.sh <<'SH'
#!/bin/sh
# 16 processes: this shell and 15 busy children.
i=0
while [ $i -lt 15 ]; do ( while :; do :; done ) & i=$((i + 1)); done
# The pid as the agent's /proc shows it (the job may have a pid namespace).
read -r me _ < /proc/self/stat
echo "$me" > leader
wait
SH
chmod +x tree.sh
"$build/cq" submit -- "$work/tree.sh" >/dev/null
i=0; while [ ! -s leader ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
runs=${RUNS:-3}
r=1
while [ $r -le "$runs" ]; do
	echo "# run $r of $runs"
	setsid "$build/bench/owner-return-agent" -f "$work/act" \
	    -p "$(cat leader)" -n "${N:-100}" -o "$work/raw"
	r=$((r + 1))
done
sort -n "$work/raw" | awk '{ v[NR] = $1 } END {
	p99 = int((NR * 99 + 99) / 100);
	printf "# all %d trials of %d runs\n", NR, '"$runs"';
	printf "owner_return_agent_all_p50 %.2f ms\n", v[int(NR / 2) + 1];
	printf "owner_return_agent_all_p99 %.2f ms\n", v[p99];
	printf "owner_return_agent_all_max %.2f ms\n", v[NR] }'
grep -c "suspended (" agent.log | sed 's/^/# agent log: suspensions seen stopped: /'
grep -o "stopped [0-9.]* ms after" agent.log | awk '{ print $2 }' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR > 0) printf "# agent'"'"'s own figure " \
    "(activity callback to stopped): p50 %.2f p99 %.2f max %.2f ms\n",
    v[int(NR / 2) + 1], v[int((NR * 99 + 99) / 100)], v[NR] }' 
