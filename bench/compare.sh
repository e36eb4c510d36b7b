#!/bin/sh
# Run Slurm's peer benchmark and cq's back to back on this machine and
# print both figures side by side.  Slurm comes from ../shared/peers/slurm
# (Debian's packages, a private single-node cluster on 127.0.0.1).
# Usage: bench/compare.sh [BUILD_DIR]   (root: Slurm's start installs it)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
peers=${CQ_PEERS:-$top/../shared/peers}
out=$(mktemp -d /tmp/cq-compare.XXXXXX)
slurm_ok=0
if [ -x "$peers/slurm/start.sh" ] || [ -f "$peers/slurm/start.sh" ]; then
	if bash "$peers/slurm/start.sh" > "$out/slurm-start.txt" 2>&1; then
		N=${N:-1000} bash "$peers/slurm/bench.sh" > "$out/slurm.txt" 2>&1 &&
		    slurm_ok=1
		bash "$peers/slurm/stop.sh" >/dev/null 2>&1
	else
		echo "# slurm did not start: $(tail -1 "$out/slurm-start.txt")"
	fi
fi
sh "$top/bench/bench.sh" "${1:-$top/build}" > "$out/cq.txt" 2>&1
echo "## cq"
cat "$out/cq.txt"
if [ $slurm_ok = 1 ]; then
	echo "## slurm"
	cat "$out/slurm.txt"
fi
v() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
echo "## side by side"
printf '%-34s %12s %12s\n' metric cq slurm
printf '%-34s %12s %12s\n' "one-by-one submits (jobs/s)" \
    "$(v submit_1by1_rate "$out/cq.txt")" "$(v submit_1by1_rate "$out/slurm.txt" 2>/dev/null)"
printf '%-34s %12s %12s\n' "bulk submit (ms; cq 10k, slurm 1k array)" \
    "$(v submit_10k_time "$out/cq.txt")" \
    "$(awk '$1 == "array_submit_time" { printf "%.0f", $2 * 1000 }' "$out/slurm.txt" 2>/dev/null)"
printf '%-34s %12s %12s\n' "submit-to-start median (ms)" \
    "$(v latency_median "$out/cq.txt")" \
    "$(awk '$1 == "latency_median" { printf "%.0f", $2 * 1000 }' "$out/slurm.txt" 2>/dev/null)"
printf '%-34s %12s %12s\n' "end to end (jobs/s)" \
    "$(v e2e_rate "$out/cq.txt")" "$(v array_e2e_rate "$out/slurm.txt" 2>/dev/null)"
rm -rf "$out"
