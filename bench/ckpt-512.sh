#!/bin/sh
# Cooperative checkpoint + transfer + restart of a job with a 512 MiB
# checkpoint between two agents of different filesystem domains, timed
# from the vacate (agent a1 told to leave) to the job running again on a2
# with its checkpoint in place: the job saves on SIGTERM and exits with
# its checkpoint_exit_code, a1 hashes and sends the file to the spool
# (written, hashed, fsynced, renamed), the job is queued and matched to
# a2, and the spool streams the checkpoint into a2's fresh sandbox
# (written, hashed, fsynced, renamed) before the job starts.  Printed next
# to `cp` + `sha256sum` of the same file on this machine (target: 2x).
# Usage: bench/ckpt-512.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
work=$(mktemp -d /tmp/cq-ck512.XXXXXX)
. "$top/bench/lib.sh"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
now_ms() { date +%s%3N; }
wait_for() {	# wait_for SECS CMD...
	n=$(($1 * 20)); shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "timed out: $*" >&2; exit 1; }
		sleep 0.05
	done
}
bench_header
cd "$work"
bench_schedd "allow_root_jobs = yes"
pids="$pids $spid"
agent() {	# agent NAME DOMAIN
	cat > "$1.conf" <<EOC
schedd = $schedd_addr
fingerprint = $(cat state/fingerprint)
name = $1
slots = 1
activity =
local_socket = $work/$1.sock
sandbox_dir = $work/sb-$1
state_dir = $work/st-$1
token = $tok
filesystem_domain = $2
max_vacate_time = 60s
EOC
	"$build/cq-startd" -f -c "$1.conf" >/dev/null 2>"$1.log" &
	echo $!
}
a1=$(agent a1 d1)
pids="$pids $a1"
mkdir sub
cp "$top/bench/ckpt-job.sh" sub/job.sh
cat > sub/j.sub <<EOS
executable = sub/job.sh
arguments = $work
initialdir = $work/sub
should_transfer_files = YES
checkpoint_exit_code = 85
queue
EOS
"$build/cq" submit --terse sub/j.sub >/dev/null
wait_for 60 test -e ready
a2=$(agent a2 d2)
pids="$pids $a2"
sleep 1
cp "$work/sb-a1"/*/ckpt.bin ref.bin
t0=$(now_ms)
kill -TERM "$a1"
wait_for 120 test -e restarted
t1=$(now_ms)
test "$(cat "$work/sb-a2"/*/state)" = 1
rm -f copy.bin
sync
t2=$(now_ms)
cp ref.bin copy.bin
sync copy.bin
sha256sum copy.bin >/dev/null
t3=$(now_ms)
cq_ms=$((t1 - t0))
cp_ms=$((t3 - t2))
echo "checkpoint 512 MiB: vacate -> spool -> restart on another agent: $cq_ms ms"
echo "cp + sha256sum of the same file:                             $cp_ms ms"
echo "ratio: $(awk "BEGIN { printf \"%.2f\", $cq_ms / $cp_ms }")x (target <= 2)"
