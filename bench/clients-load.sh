#!/bin/sh
# Issue 9's load test: a personal pool (`cq pool up`, one agent with 4
# slots) under 1,000 hostile client connections (idle, garbage and slow,
# mixed with a fixed seed, spread over 20 users so that none passes
# max_conns_per_user) while 200 real `cq submit`s of one /bin/true job
# each go in, 4 at a time.  Prints figures (bench/clients-load.py): every
# real submit must succeed; the scheduler's peak RSS (VmHWM) against the
# stated bound; p50/p99 of `cq q -a` latency during the load.  Run as root
# (the load switches to uids 60001-60020).
# Usage: bench/clients-load.sh [BUILD_DIR]   (NCONN=1000 NUSERS=20 NSUB=200)
set -eu
if [ -z "${BENCH_INNER:-}" ]; then
	exec timeout -k 10 "${BENCH_TIMEOUT:-600}" env BENCH_INNER=1 "$0" "$@"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
cq=$build/cq
work=$(mktemp -d /tmp/cq-load.XXXXXX)
export CQ_HOME=$work/home
trap '"$cq" pool down >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
cd "$work"
[ "$(id -u)" -eq 0 ] || echo "# not root: the load stays one user's, capped by max_conns_per_user"

echo "# cq $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') host=$(uname -n) cores=$(nproc) $(date -u +%FT%TZ)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
CQ_SLOTS=4 "$cq" pool up >/dev/null
chmod 711 "$work" "$CQ_HOME"
spid=$(cat "$CQ_HOME/run/schedd.pid")
sock=$CQ_HOME/schedd.sock
export CQ_SOCKET=$sock
printf 'executable = /bin/true\nqueue\n' > one.sub
# The bound: the half-frame budget (max_partial_mb, 256 MiB by default)
# plus 64 MiB for the scheduler itself and its 1,000 connections.
echo "rss_bound_kb $(( (256 + 64) * 1024 ))"
echo "rss_start_kb $(awk '/^VmRSS/ { print $2 }' /proc/"$spid"/status)"
rc=0
python3 "$top/bench/clients-load.py" "$cq" "$sock" "$spid" one.sub \
    "${NCONN:-1000}" "${NUSERS:-20}" "${NSUB:-200}" || rc=$?
echo "# scheduler log: $(grep -c 'closed: ' "$CQ_HOME"/log/schedd.log) connections closed with a reason;" \
    "$(grep -c 'refused' "$CQ_HOME"/log/schedd.log) refusal lines"
grep -o 'closed: [a-z -]*' "$CQ_HOME"/log/schedd.log | sort | uniq -c | sort -rn | head -8 | sed 's/^/#   /'
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
