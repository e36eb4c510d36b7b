#!/bin/sh
# cq's foundation benchmark.  Starts a private personal pool and prints
# "metric value unit" lines:
#   submit_10k_time / submit_10k_rate   one submit of a 10,000-job cluster
#   submit_1by1_rate                    1,000 one-job submits, one cq each
#   latency_median / latency_p99        submit-to-start on an idle pool,
#                                       100 samples (the job prints its own
#                                       start time; the clock is read just
#                                       before cq submit runs)
#   e2e_rate                            5,000 /bin/true jobs through one
#                                       agent with 32 slots, submit to done
# Everything stays on this machine (unix socket, 127.0.0.1) and is bounded
# by timeouts.  Usage: bench/bench.sh [BUILD_DIR]
set -eu
if [ -z "${BENCH_INNER:-}" ]; then
	exec timeout -k 10 "${BENCH_TIMEOUT:-900}" env BENCH_INNER=1 "$0" "$@"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
cq=$build/cq
N10K=${N10K:-10000}
N1BY1=${N1BY1:-1000}
NLAT=${NLAT:-100}
NE2E=${NE2E:-5000}
work=$(mktemp -d /tmp/cq-bench.XXXXXX)
export CQ_HOME=$work/home
trap '"$cq" pool down >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
cd "$work"

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a - b) / 1e6 }'; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / ((a - b) / 1e9) }'; }

echo "# cq $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') host=$(uname -n) cores=$(nproc) $(date -u +%FT%TZ)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# One agent with 32 slots serves every part.
CQ_SLOTS=32 "$cq" pool up >/dev/null

# --- submit of one 10,000-job cluster (nothing can run: huge request)
printf 'executable = /bin/true\nrequest_memory = 100 TB\nqueue %d\n' "$N10K" > big.sub
t0=$(now)
c=$("$cq" submit --terse big.sub)
t1=$(now)
echo "submit_10k_time $(ms "$t1" "$t0") ms"
echo "submit_10k_rate $(rate "$N10K" "$t1" "$t0") jobs/s"
"$cq" rm "$c" >/dev/null

# --- one-job submits, one cq process each
printf 'executable = /bin/true\nrequest_memory = 100 TB\nqueue\n' > one.sub
t0=$(now)
i=0
while [ $i -lt "$N1BY1" ]; do
	"$cq" submit --terse one.sub >/dev/null
	i=$((i + 1))
done
t1=$(now)
echo "submit_1by1_rate $(rate "$N1BY1" "$t1" "$t0") jobs/s"
"$cq" rm -a >/dev/null

# --- submit-to-start latency, idle pool
i=0
: > lat.txt
while [ $i -lt "$NLAT" ]; do
	printf 'executable = /bin/date\narguments = +%%s%%N\noutput = lat.%d.out\nqueue\n' "$i" > lat.sub
	t0=$(now)
	c=$("$cq" submit --terse lat.sub)
	"$cq" wait -t 30 "$c" >/dev/null
	t1=$(cat "lat.$i.out")
	echo "$(( (t1 - t0) / 1000 ))" >> lat.txt
	i=$((i + 1))
done
sort -n lat.txt | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	p = v[int(NR * 0.99 + 0.999)]
	printf "latency_median %.1f ms\nlatency_p99 %.1f ms\n", m / 1000, p / 1000 }'

# --- end to end, /bin/true through 32 slots
printf 'executable = /bin/true\nqueue %d\n' "$NE2E" > e2e.sub
t0=$(now)
c=$("$cq" submit --terse e2e.sub)
"$cq" wait -t 600 "$c" >/dev/null
t1=$(now)
done_n=$("$cq" history --json -n "$NE2E" "$c" | grep -cE '"JobStatus": ?4\b' || true)
echo "# e2e: $done_n of $NE2E completed"
echo "e2e_time $(ms "$t1" "$t0") ms"
echo "e2e_rate $(rate "$NE2E" "$t1" "$t0") jobs/s"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
