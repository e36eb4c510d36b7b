#!/bin/sh
# The scale figures of issue 14, one flood run (bench/officesim.sh) per
# pool size: the agents register, 20,000 held jobs are queued, the
# agents heartbeat alone for W seconds (the scheduler's CPU and RSS),
# `cq q`, `cq q -nobatch` and `cq status` run R times each (median and
# longest wall time, their CPU and the scheduler's, their output), then
# 20,000 zero-length jobs (jobs/s, the scheduler's CPU).  Then the
# placement window at 10,000 agents of one slot: 40,000 jobs of 8
# clusters of different ExpectedRuntime with the agents advertising
# their owners' absence (-k 8 -A: the window is walked at each start),
# of one such cluster (-k 1 -A), and of 8 clusters without absences (-k
# 8: no walk); the scheduler's CPU per start is schedd_run_cpu_s / 40,000.
#   sh bench/scale.sh [SIZES]   (default "1000x2 10000x2 19000x2 12500x4
#                                12500x8"; AGENTSxSLOTS; the open-file
#                                hard limit bounds the agents)
# Environment: BUILD, W (heartbeat seconds, default 30: two heartbeats of
# each agent at the default lease of 60 s; fewer is no figure), R (query runs,
# default 5), WALK=0 (skip the placement runs).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
w=${W:-30}
r=${R:-5}
for size in ${1:-1000x2 10000x2 19000x2 12500x4 12500x8}; do
	n=${size%x*}
	s=${size#*x}
	echo "== $n agents of $s slots: sh bench/officesim.sh -m flood -n $n -s $s -j 20000 -w $w -Q 20000 -M $r"
	sh "$top/bench/officesim.sh" -m flood -n "$n" -s "$s" -j 20000 \
	    -w "$w" -Q 20000 -M "$r" || echo "(failed: $?)"
done
[ "${WALK:-1}" = 1 ] || exit 0
for v in "-k 8 -A" "-k 1 -A" "-k 8"; do
	echo "== placement window: sh bench/officesim.sh -m flood -n 10000 -s 1 -j 40000 -w 2 $v"
	# shellcheck disable=SC2086
	sh "$top/bench/officesim.sh" -m flood -n 10000 -s 1 -j 40000 -w 2 \
	    $v | grep -E '^#|^jobs|schedd_run_cpu|^errors' || echo "(failed)"
done
