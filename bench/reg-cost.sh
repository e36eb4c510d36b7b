#!/bin/sh
# The scheduler's CPU to register N agents and to take their heartbeats,
# from /proc/PID/stat: the office simulator's flood mode with no jobs
# against a cq-schedd started here (as bench/officesim.sh does), the
# scheduler's and the simulator's CPU seconds read before the simulator
# starts and once it says every agent is registered (polled every 20
# ms), then the simulator's own heartbeat figure (-w seconds of
# heartbeats alone; each agent heartbeats every lease/4 = 15 s).
#   sh bench/reg-cost.sh [-n agents] [-w heartbeat-seconds]
# Environment: BUILD (default ./build: its cq and bench/officesim),
# SCHEDD=PATH (the cq-schedd to measure; default BUILD's), LABEL (the
# result line's first word), KEEP=1 (keep the directory and its logs);
# PERF=FILE and PERF_HB=FILE (perf record of the scheduler during the
# registration, during the heartbeat window; PERF_OPTS, default -g),
# STRACE_REG=FILE and STRACE_HB=FILE (strace -c of the same).
# Prints one line: label, agents, load at start, register wall ms, the
# scheduler's CPU s for the registration and per agent, the simulator's
# CPU s meanwhile, the heartbeat CPU % and µs per heartbeat.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
n=10000
w=30
while getopts n:w: ch; do
	case $ch in
	n) n=$OPTARG ;;
	w) w=$OPTARG ;;
	*) echo "usage: reg-cost.sh [-n agents] [-w seconds]" >&2; exit 2 ;;
	esac
done
work=$(mktemp -d /tmp/cq-regcost.XXXXXX)
. "$top/bench/lib.sh"
spid=""
opid=""
cleanup() {
	[ -z "$opid" ] || kill "$opid" 2>/dev/null || true
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	[ -z "$spid" ] || wait "$spid" 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
want=$((n + 8192))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$want" ]; then
	ulimit -Hn "$want" 2>/dev/null || true
fi
ulimit -n "$(ulimit -Hn)"
load=$(cut -d' ' -f1 /proc/loadavg)
tck=$(getconf CLK_TCK)
# utime + stime of PID, in seconds.
cpu() {
	sed 's/.*) //' "/proc/$1/stat" |
	    awk -v t="$tck" '{ printf "%.3f", ($12 + $13) / t }'
}
bench_schedd "insecure = yes"
s0=$(cpu "$spid")
ppid_=""
if [ -n "${PERF:-}" ]; then
	perf record -q ${PERF_OPTS:--g} -p "$spid" -o "$PERF" >/dev/null 2>&1 &
	ppid_=$!
	sleep 0.5
elif [ -n "${STRACE_REG:-}" ]; then
	strace -c -f -p "$spid" -o "$STRACE_REG" >/dev/null 2>&1 &
	ppid_=$!
	sleep 0.5
fi
"$build/bench/officesim" -a "$schedd_addr" -t "$tok" \
    -c "$build/cq" -p "$spid" -m flood -n "$n" -j 0 -w "$w" \
    >"$work/report" 2>"$work/officesim.log" &
opid=$!
until grep -q "agents registered in" "$work/officesim.log" 2>/dev/null; do
	kill -0 "$opid" 2>/dev/null || { tail "$work/officesim.log" >&2; exit 1; }
	sleep 0.02
done
s1=$(cpu "$spid")
o1=$(cpu "$opid")
[ -z "$ppid_" ] || { kill -INT "$ppid_"; wait "$ppid_" || true; }
if [ -n "${STRACE_HB:-}" ]; then
	timeout -s INT $((w - 5)) strace -c -f -p "$spid" -o "$STRACE_HB" \
	    >/dev/null 2>&1 || true
fi
if [ -n "${PERF_HB:-}" ]; then
	perf record -q ${PERF_OPTS:--g} -p "$spid" -o "$PERF_HB" -- sleep $((w - 5)) \
	    >/dev/null 2>&1 || true
fi
wait "$opid" || { opid=""; tail "$work/officesim.log" >&2; exit 1; }
opid=""
reg=$(sed -n 's/^register_all_ms: //p' "$work/report")
hb=$(sed -n 's/^schedd_heartbeat_cpu_pct: \([0-9.]*\).*/\1/p' "$work/report")
awk -v l="${LABEL:-run}" -v n="$n" -v load="$load" -v reg="$reg" \
    -v s0="$s0" -v s1="$s1" -v o1="$o1" -v hb="$hb" 'BEGIN {
	printf "%s agents=%d load=%s register_ms=%s schedd_reg_cpu_s=%.2f " \
	    "per_agent_ms=%.3f sim_cpu_s=%.2f hb_cpu_pct=%s " \
	    "per_hb_us=%.1f\n", l, n, load, reg, s1 - s0,
	    (s1 - s0) * 1000 / n, o1, hb, hb / 100 / (n / 15) * 1e6
}'
