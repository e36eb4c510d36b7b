#!/bin/bash
# t-rogue-files: no file an agent sends carries privilege, and only the
# files a job asked for arrive.  A job of root's (transfer_output_files =
# out.sh, submitted under umask 027) is given to the only agent, a rogue
# (tests/lib/rogue-agent.py), which answers with out.sh in mode 4755, a
# file the job did not ask for (evil.sh, 4755) and a path out of the
# sandbox (../escape.sh).  out.sh arrives as 0750: no setuid, setgid or
# sticky bit, nothing the umask takes away; the other two are refused,
# logged and written nowhere, and the job is HELD with the reason.
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the rogue agent"
[ "$(id -u)" -eq 0 ] || skip "needs root: the job must be root's"

start_schedd 10s
mkdir sub
cat > sub/j.sub <<SUB
executable = /bin/true
initialdir = $T/sub
should_transfer_files = YES
transfer_output_files = out.sh
queue
SUB
id=$(umask 027 && cq submit --terse sub/j.sub) || fail "cq submit failed"
id=$id.0

python3 "$CQ_SRCDIR/tests/lib/rogue-agent.py" --tls --token "$SCHEDD_POOL_TOKEN" --addr "$SCHEDD_ADDR" \
    --name rogue --act files --file out.sh:4755 --file evil.sh:4755 \
    --file ../escape.sh:4755 --wait 30 --linger 1 > rogue.out 2>&1 ||
    fail "the rogue agent broke off: $(cat rogue.out)"
grep -q "given job $id run 1" rogue.out || fail "the rogue got no job: $(cat rogue.out)"

held() {
	[ "$(cq q -a --json | jq -r '.[0].JobStatus')" = 5 ]
}
wait_until 20 held || fail "the job is not HELD: $(cq q -a --json)"
[ -f sub/out.sh ] || fail "the asked-for out.sh did not arrive: $(ls -la sub)"
mode=$(stat -c %a sub/out.sh)
[ "$mode" = 750 ] || fail "out.sh has mode $mode, not 750 (4755 & 0777 & ~027)"
[ "$(stat -c %u sub/out.sh)" = 0 ] || fail "out.sh is not root's"
grep -q "refused output file \"evil.sh\" for job $id run 1: not in the job's transfer_output_files" \
    schedd.log || fail "evil.sh was not refused with its reason"
grep -q "refused output file \"../escape.sh\" for job $id run 1: not a path inside the sandbox" \
    schedd.log || fail "../escape.sh was not refused with its reason"
# Neither under the test's directory (initialdir, its parent, the spool)
# nor next to it.
found=$(find "$T" "$(dirname "$T")" -maxdepth 4 \( -name evil.sh -o \
    -name escape.sh \) 2>/dev/null)
[ -z "$found" ] || fail "a refused file was written: $found"
cq q -a --json | jq -r '.[0].HoldReason // empty' | grep -q "did not ask for" ||
    fail "the hold reason does not say why: $(cq q -a --json | jq -c '.[0]')"
log "out.sh arrived as 0750 without the setuid bit; evil.sh and ../escape.sh refused"
exit 0
