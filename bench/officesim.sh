#!/bin/sh
# The office simulator against a real cq-schedd started here in a
# temporary directory (bench/officesim.c says what it measures).
#   sh bench/officesim.sh [officesim options]
#   e.g. sh bench/officesim.sh -m flood -n 10000 -j 20000
#        sh bench/officesim.sh -m flood -n 19000 -Q 20000 -M 5 -w 10
#          (20,000 held jobs queued, then `cq q`, `cq q -nobatch` and
#          `cq status` timed 5 times each while the agents heartbeat)
#        sh bench/officesim.sh -m flood -n 10000 -s 1 -j 40000 -k 8 -A
#          (8 clusters of different ExpectedRuntime, agents advertising
#          their owners' absence: the placement window weighs them)
#        sh bench/officesim.sh -m office -n 1000 -d 7 -x 1000 -o /tmp/out
# Environment: BUILD (default ./build), TLS=1 (the agents pin the
# scheduler's certificate instead of insecure = yes), LEASE (the
# scheduler's lease, default 60 s), PLACEMENT (the scheduler's
# placement: owner-aware, its default, or blind; the report's label says
# which), SCHEDD=PATH (another cq-schedd, to compare), KEEP=1 (keep the
# directory).
# Root raises the open-file limits of both (the scheduler raises its
# soft limit to the hard one); otherwise `ulimit -Hn` must allow the
# agents.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
work=$(mktemp -d /tmp/cq-osim.XXXXXX)
. "$top/bench/lib.sh"
spid=""
cleanup() {
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	[ -z "$spid" ] || wait "$spid" 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
# The agents' count, for the open-file limit: -n N among the options.
n=100; prev=""
for a in "$@"; do [ "$prev" = "-n" ] && n=$a; prev=$a; done
want=$((n + 8192))
if [ "$(id -u)" = 0 ] && [ "$(ulimit -Hn)" != unlimited ] &&
    [ "$(ulimit -Hn)" -lt "$want" ]; then
	# Needs CAP_SYS_RESOURCE, which a container may not give root.
	ulimit -Hn "$want" 2>/dev/null ||
	    echo "# the hard open-file limit stays $(ulimit -Hn) (no CAP_SYS_RESOURCE): the scheduler and the simulator hold fewer agents" >&2
fi
ulimit -n "$(ulimit -Hn)"
bench_header
bench_schedd "lease = ${LEASE:-60}" \
    "$([ -z "${PLACEMENT:-}" ] || echo "placement = $PLACEMENT")" \
    "$([ "${TLS:-0}" = 1 ] || echo "insecure = yes")"
fp=""
[ "${TLS:-0}" != 1 ] || fp="-F $(cat "$work/state/fingerprint")"
# shellcheck disable=SC2086
"$build/bench/officesim" -a "$schedd_addr" -t "$tok" \
    -c "$build/cq" -p "$spid" -L "scheduler placement ${PLACEMENT:-owner-aware}" \
    $fp "$@" 2>"$work/officesim.log" || {
	rc=$?
	echo "officesim failed ($rc):" >&2
	tail -20 "$work/officesim.log" >&2
	exit $rc
}
