#!/bin/bash
# bench/criu-migrate.sh: a CRIU migration through cq, between hosts in
# network namespaces (tests/lib/netns.sh) with private sandbox mounts
# (lib.sh CQ_TEST_PRIVATE_SANDBOX): a counter holding 512 MiB of
# checksummed memory (no checkpoint support of its own, submitted with
# `checkpoint = criu`) runs on a1; a1 is told to leave; the agent dumps
# it into its sandbox, the image travels a1 -> spool -> a2 across the
# bridge, and a2 restores it.  Timed from the vacate to the restore's
# event in the job log (the job running again on a2), next to cp +
# sha256sum of a 512 MiB file here.  Prints figures only; the restored
# job must count on (it checks a slice of its memory at each step).
# Usage: CQ_BUILDDIR=BUILD bash bench/criu-migrate.sh   (root; MB=512)
CQ_TEST_TIMEOUT=${CQ_TEST_TIMEOUT:-600}
export CQ_TEST_TIMEOUT
. "$(dirname "$0")/../tests/lib/lib.sh"

[ "$(id -u)" = 0 ] || skip "CRIU needs root"
CRIU=${CRIU:-/var/cache/cq/criu/criu}
[ -x "$CRIU" ] && "$CRIU" check >/dev/null 2>&1 ||
    skip "no working criu at $CRIU (scripts/criu-fetch.sh)"
MB=${MB:-512}
. "$CQ_SRCDIR/tests/lib/netns.sh"
ns_setup 3
echo "# $(uname -n) cores=$(nproc) $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$CRIU" --version | head -1), kernel $(uname -r), ${MB} MiB"
CQ_TEST_PRIVATE_SANDBOX=1
CQ_TEST_NS=ns0 start_schedd 60s
AGENT_EXTRA="criu_path = $CRIU
filesystem_domain = d1
max_vacate_time = 120s" CQ_TEST_NS=ns1 start_agent a1 1
mkdir sub
cp "$CQ_BUILDDIR/tests/lib/counter" sub/counter
cat > sub/j.sub <<EOS
executable = counter
arguments = 100000 --step-ms 100 --out out.txt --mem $MB
initialdir = $T/sub
should_transfer_files = YES
checkpoint = criu
queue
EOS
id=$(cq submit --terse sub/j.sub) || fail "submit failed"
cluster=$id
id=$id.0
restored() {
	[ "$(sqlite3 "$T/state/queue.db" "SELECT count(*) FROM job_events
	    WHERE cluster = $cluster AND event = 'criu-restore'")" -ge 1 ]
}
lines() { cat "$T/sandbox-$1/$id/out.txt" 2>/dev/null | wc -l; }
# The memory is filled before the first step.
wait_until 120 sh -c "[ \$(cat '$T/sandbox-a1/$id/out.txt' 2>/dev/null | wc -l) -ge 3 ]" ||
    fail "the job did not start counting"
AGENT_EXTRA="criu_path = $CRIU
filesystem_domain = d2
max_vacate_time = 120s" CQ_TEST_NS=ns2 start_agent a2 1
sleep 1
pid=$(pgrep -f -n -- "--mem $MB\$")
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
t0=$(now_ms)
kill -TERM "${AGENT_PID[a1]}"
wait_until 300 restored || fail "the job was not restored on a2"
t1=$(now_ms)
n=$(lines a2)
wait_until 30 sh -c "[ \$(cat '$T/sandbox-a2/$id/out.txt' | wc -l) -gt $n ]" ||
    fail "the restored job does not count"
img=$(du -sm "$T/state/spool/$id" | cut -f1)
head -c $((MB * 1024 * 1024)) /dev/urandom > ref.bin
sync
t2=$(now_ms)
cp ref.bin copy.bin
sync copy.bin
sha256sum copy.bin >/dev/null
t3=$(now_ms)
cq rm "$id" >/dev/null
echo "job RSS before the dump: $((rss / 1024)) MiB; checkpoint in the spool: $img MiB"
echo "CRIU $MB MiB across namespaces: vacate -> dump -> spool -> restore: $((t1 - t0)) ms"
echo "cp + sha256sum of $MB MiB:                                        $((t3 - t2)) ms"
echo "ratio: $(awk "BEGIN { printf \"%.2f\", ($t1 - $t0) / ($t3 - $t2) }")x"
exit 0
