#!/bin/sh
# `cq q` over a big queue: a personal scheduler with no agents (so every
# job stays IDLE), one submit of N jobs (`queue N`, default 100,000), then
# the wall time of `cq q` (the batch view, summed by the scheduler),
# `cq q -nobatch` and `cq q --json`, each run RUNS times (default 5) with
# its output to /dev/null; prints the median and the fastest of each, and
# the size of the replies.  The target of issue 5: `cq q` under 300 ms.
# Usage: bench/q-100k.sh [BUILD_DIR]   (N=100000 RUNS=5)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${N:-100000}
runs=${RUNS:-5}
work=$(mktemp -d /tmp/cq-q100k.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT INT TERM
cd "$work"
cat > s.conf <<EOC
state_dir = $work/state
socket = $work/s.sock
listen = 127.0.0.1:0
EOC
"$build/cq-schedd" -f -c s.conf 2>schedd.log &
pid=$!
i=0; while [ ! -S s.sock ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
CQ_SOCKET=$work/s.sock
export CQ_SOCKET
# A submit this big is a late materialization (docs/materialize.md):
# max_materialize lets all N in, then the queries wait until they are.
printf 'executable = /bin/sleep\narguments = 60\nbatch_name = big\nmax_materialize = %s\nqueue %s\n' \
    "$n" "$n" > big.sub
grep -v '^batch_name' big.sub > plain.sub	# until the keyword exists
ms() { date +%s%N | cut -c1-13; }
t0=$(ms)
"$build/cq" submit --batch-name big plain.sub >/dev/null
t1=$(ms)
echo "submit of $n jobs: $((t1 - t0)) ms"
until [ "$("$build/cq" q -batch --json | jq '[.[].Jobs] | add // 0')" -ge "$n" ]; do
	sleep 0.2
done
echo "all $n jobs in the queue: $(($(ms) - t0)) ms"

# median and minimum of RUNS timings of the command in "$@"
bench() {
	label=$1
	shift
	k=0
	: > times
	while [ $k -lt "$runs" ]; do
		a=$(ms)
		"$@" >/dev/null
		b=$(ms)
		echo $((b - a)) >> times
		k=$((k + 1))
	done
	sort -n times > sorted
	med=$(sed -n "$(( (runs + 1) / 2 ))p" sorted)
	min=$(head -1 sorted)
	printf '%-22s median %5s ms  min %5s ms  (%s runs)\n' "$label" \
	    "$med" "$min" "$runs"
}
bench "cq q" "$build/cq" q
bench "cq q -nobatch" "$build/cq" q -nobatch
bench "cq q --json" "$build/cq" q --json
bench "cq q -batch --json" "$build/cq" q -batch --json
echo "rows: $("$build/cq" q -nobatch | wc -l) lines (-nobatch)," \
    "json $("$build/cq" q --json | wc -c) bytes"
