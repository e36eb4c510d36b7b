#!/bin/sh
# Late materialization (docs/materialize.md): a 1,000,000-job submit
# beside a 1,000-job one, each into a fresh private scheduler with no
# agents.  Prints "metric value unit" lines per size: the time until
# `cq submit` is answered (the cluster durable), the scheduler's RSS
# before, once answered and once the factory has made what it may
# (max_materialize, 10,000 by default) and its peak (VmHWM), the time
# until then, and the latency of `cq q` (its batch view, as JSON:
# median and max) polled
# back to back from the submit until then, and the scheduler's longest
# loop turn (its pool row's "loop", docs/materialize.md) from its start
# until the submit was answered and until the factory had made what it
# may, with the turns over 20 ms (wall time, and the CPU time of the
# longest: on a shared machine the wall time holds other programs'), and
# the scheduler's log line of the submit: the longest turn from its
# first item frame to its answer.  Items come from a file
# (`queue seed from items.txt`), arguments and paths from them.
# PLAIN=1 submits `queue N` with no items instead.
# Usage: bench/late-1m.sh [BUILD_DIR]   (SIZES="1000 1000000" changes them)
set -eu
if [ -z "${BENCH_INNER:-}" ]; then
	exec timeout -k 10 "${BENCH_TIMEOUT:-900}" env BENCH_INNER=1 "$0" "$@"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
cq=$build/cq
SIZES=${SIZES:-1000 1000000}
work=$(mktemp -d /tmp/cq-bench-late.XXXXXX)
pid=
poller=
stop() {
	[ -n "$poller" ] && kill "$poller" 2>/dev/null && wait "$poller" 2>/dev/null
	poller=
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=
}
trap 'stop; rm -rf "$work"' EXIT INT TERM
cd "$work"
export CQ_SOCKET=$work/schedd.sock

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a - b) / 1e6 }'; }
rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
# The scheduler's loop meter: "LONGEST_MS (CPU_MS of CPU), N turns over 20 ms".
turns() {
	python3 "$top/tests/lib/cqclient.py" "$CQ_SOCKET" query \
	    '{"what":"loop"}' | jq -r '.rows[0] |
	    "\(.longest_turn_ms) ms (\(.longest_turn_cpu_ms) ms of CPU), \(.slow_turns) turns over \(.slow_turn_ms) ms"'
}

start() {
	rm -rf "$work/state"
	cat > "$work/schedd.conf" <<CONF
state_dir = $work/state
socket = $work/schedd.sock
listen = 127.0.0.1:0
max_jobs_per_owner = 2000000
CONF
	"$build/cq-schedd" -f -c "$work/schedd.conf" >>"$work/schedd.log" 2>&1 &
	pid=$!
	i=0
	until "$cq" q --json >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "scheduler did not start" >&2; exit 1; }
		sleep 0.05
	done
}

# poll: `cq q -batch --json` back to back, one latency (ms) a line, until killed.
poll() {
	while :; do
		a=$(now)
		"$cq" q -batch --json >/dev/null 2>&1 || echo "cq q failed" >&2
		b=$(now)
		ms "$b" "$a"
		echo
	done
}

echo "# cq $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') host=$(uname -n) cores=$(nproc) $(date -u +%FT%TZ)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "%d\n", i }' \
	    > items.txt
	cat > big.sub <<'SUB'
executable = /bin/true
arguments = --seed $(seed)
input = /dev/null
output = out/$(Cluster).$(Process).out
error = out/$(Cluster).$(Process).err
request_memory = 100 TB
queue seed from items.txt
SUB
	if [ "${PLAIN:-0}" = 1 ]; then
		sed -i "s/^queue seed from items.txt/queue $n/; s/\$(seed)/\$(Process)/" big.sub
	fi
	start
	r0=$(rss VmRSS)
	poll > lat.txt &
	poller=$!
	t0=$(now)
	c=$("$cq" submit --terse big.sub)
	t1=$(now)
	l1=$(turns)
	r1=$(rss VmRSS)
	want=$n
	[ "$n" -gt 10000 ] && want=10000
	# (The batch view: a small reply, not 10,000 rows to time beside.)
	until [ "$("$cq" q -batch --json | jq "[.[] | select(.ClusterId == $c) | .Jobs] | add // 0")" -ge "$want" ]; do
		sleep 0.05
	done
	t2=$(now)
	l2=$(turns)
	kill "$poller"; wait "$poller" 2>/dev/null || :
	poller=
	r2=$(rss VmRSS)
	hwm=$(rss VmHWM)
	total=$("$cq" q -batch --json | jq ".[] | select(.ClusterId == $c) | .Total")
	[ "$total" = "$n" ] || { echo "cluster $c: total $total, not $n" >&2; exit 1; }
	echo "submit_${n}_acknowledged $(ms "$t1" "$t0") ms"
	echo "submit_${n}_materialized_${want} $(ms "$t2" "$t0") ms"
	echo "submit_${n}_longest_turn_acknowledged $l1"
	echo "submit_${n}_longest_turn_materialized $l2"
	# The scheduler's own word on the submit's window (item frames).
	sed -n 's/.*(late materialization; \(.*\))$/submit_'"$n"'_items \1/p' \
	    "$work/schedd.log"
	echo "submit_${n}_rss_before $r0 KiB"
	echo "submit_${n}_rss_acknowledged $r1 KiB"
	echo "submit_${n}_rss_materialized $r2 KiB"
	echo "submit_${n}_rss_peak $hwm KiB"
	sort -n lat.txt | awk -v n="$n" 'NF { v[++k] = $1 } END {
		if (k == 0) { print "submit_" n "_q_latency none"; exit }
		printf "submit_%s_q_latency_median %.1f ms (%d polls)\n", n,
		    v[int((k + 1) / 2)], k
		printf "submit_%s_q_latency_max %.1f ms\n", n, v[k] }'
	echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
	grep "slow turn" "$work/schedd.log" | sed 's/^/# /' || :
	: > "$work/schedd.log"
	stop
done
