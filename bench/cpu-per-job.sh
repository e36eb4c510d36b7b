#!/bin/sh
# CPU spent per /bin/true job end to end, and by whom: where a job's
# cost goes, so that a change to the start path can be judged by the
# part it touches.  CPU per job still grows on a loaded machine (caches,
# steal: 2.5 ms quiet, 4.3 ms at load 8 here), less than jobs/s falls;
# compare figures taken at the same load.  N jobs (default 2000)
# go through a personal pool of one agent with 32 slots, all of it run
# under `perf record` (its children inherit it), and the samples are
# split by process:
#   schedd        cq-schedd
#   agent-root    the agent's root parent (the cq-startd with the most
#                 samples)
#   agent-net     the agent's network-facing child (cq-startd-net)
#   job-inits     the jobs' inits (cq-jobinit), each job before its
#                 exec, and every other cq-startd (the root parent's
#                 children before they exec cq-jobinit)
#   jobs          the jobs after their exec (true)
#   clients       cq (submit and wait)
# The CPU time is perf's task-clock over the run; the shares are its
# samples.  On 2 cores, end-to-end throughput cannot pass
# 2000 / cpu_ms_per_job jobs/s, whatever the latencies.
# Usage: bench/cpu-per-job.sh [BUILD_DIR]   (root; needs perf)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
N=${N:-2000}
command -v perf >/dev/null || { echo "cpu-per-job: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
work=$(mktemp -d /tmp/cq-cpj.XXXXXX)
trap 'CQ_HOME=$work/home "$build/cq" pool down >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
cat > "$work/run.sh" <<'RUN'
#!/bin/sh
set -eu
cq=$1 n=$2
export CQ_HOME=$PWD/home
CQ_SLOTS=32 "$cq" pool up >/dev/null
printf 'executable = /bin/true\nqueue %d\n' "$n" > e2e.sub
t0=$(date +%s%N)
c=$("$cq" submit --terse e2e.sub)
"$cq" wait -t 600 "$c" >/dev/null
t1=$(date +%s%N)
echo "e2e_ms $(( (t1 - t0) / 1000000 ))" > e2e.txt
"$cq" pool down >/dev/null
RUN
cd "$work"
echo "# cq $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') host=$(uname -n) cores=$(nproc) $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
perf record -q -o perf.data -F 4000 -e task-clock -- sh run.sh "$build/cq" "$N" >/dev/null 2>&1
# task-clock samples every 1/F s of CPU, so samples / F is CPU seconds.
perf report -i perf.data --sort comm,pid --stdio -g none -F overhead,sample,comm,pid 2>/dev/null |
    awk -v n="$N" -v f=4000 -v e2e="$(cut -d' ' -f2 e2e.txt)" '
    /^#/ || NF < 4 { next }
    {
	s = $2; comm = $3
	if (comm == "cq-startd") { if (s > top) top = s; startd += s }
	else if (comm == "cq-schedd") schedd += s
	else if (comm == "cq-startd-net") net += s
	else if (comm == "cq-jobinit") inits += s
	else if (comm == "true") jobs += s
	else if (comm == "cq") cli += s
	else other += s
	all += s
    }
    function pr(k, v) { printf "%-12s %6.3f ms/job %5.1f%%\n", k, v / f * 1000 / n, 100 * v / all }
    END {
	printf "e2e_rate %.0f jobs/s (%d jobs in %d ms)\n", n / (e2e / 1000), n, e2e
	printf "cpu_ms_per_job %.3f\n", all / f * 1000 / n
	pr("schedd", schedd); pr("agent-root", top); pr("agent-net", net)
	pr("job-inits", startd - top + inits); pr("jobs", jobs); pr("clients", cli)
	pr("other", other)
    }'
