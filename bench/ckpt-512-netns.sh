#!/bin/bash
# bench/ckpt-512-netns.sh: bench/ckpt-512.sh across hosts in network
# namespaces (tests/lib/netns.sh): the scheduler on ns0, agents on ns1
# and ns2 of different filesystem domains, so the 512 MiB checkpoint
# crosses a veth bridge twice (a1 -> spool -> a2).  Timed from the vacate
# (a1 told to leave) to the job running again on a2 with its checkpoint,
# next to cp + sha256sum of the same file here.  Prints figures only.
# Usage: CQ_BUILDDIR=BUILD bash bench/ckpt-512-netns.sh
CQ_TEST_TIMEOUT=${CQ_TEST_TIMEOUT:-300}
export CQ_TEST_TIMEOUT
. "$(dirname "$0")/../tests/lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/netns.sh"

ns_setup 3
echo "# $(uname -n) cores=$(nproc) $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
CQ_TEST_NS=ns0 start_schedd 60s
AGENT_EXTRA="filesystem_domain = d1
max_vacate_time = 60s" CQ_TEST_NS=ns1 start_agent a1 1
mkdir sub
cp "$CQ_SRCDIR/bench/ckpt-job.sh" sub/job.sh
cat > sub/j.sub <<EOS
executable = job.sh
arguments = $T
initialdir = $T/sub
should_transfer_files = YES
checkpoint_exit_code = 85
queue
EOS
cq submit --terse sub/j.sub >/dev/null || fail "submit failed"
wait_until 60 test -e "$T/ready" || fail "the job did not start"
AGENT_EXTRA="filesystem_domain = d2
max_vacate_time = 60s" CQ_TEST_NS=ns2 start_agent a2 1
sleep 1
cp "$T"/sandbox-a1/*/ckpt.bin ref.bin
t0=$(now_ms)
kill -TERM "${AGENT_PID[a1]}"
wait_until 120 test -e "$T/restarted" || fail "the job did not restart on a2"
t1=$(now_ms)
sync
t2=$(now_ms)
cp ref.bin copy.bin
sync copy.bin
sha256sum copy.bin >/dev/null
t3=$(now_ms)
echo "checkpoint 512 MiB across namespaces: vacate -> spool -> restart: $((t1 - t0)) ms"
echo "cp + sha256sum of the same file:                             $((t3 - t2)) ms"
echo "ratio: $(awk "BEGIN { printf \"%.2f\", ($t1 - $t0) / ($t3 - $t2) }")x (target <= 2)"
exit 0
