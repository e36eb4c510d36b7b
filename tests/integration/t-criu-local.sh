#!/bin/bash
# t-criu-local: the agent's CRIU module with the agent's job control, on
# one machine (tests/lib/criurun.c).  A counter with its state only in
# memory (no checkpoint support of its own) starts as the init of a pid
# namespace; it is dumped part-way, its image copied and the original
# deleted, and restored from the copy, twice; it must carry on where it
# was, never restart, and end with exactly 1..N (each dump finds it
# suspended, as when its owner is back; dumps and restores do not block,
# criu's exit comes through the reaper as in the agent's loop).  Then
# the same with blocking calls, dumps that leave it running (it counts on
# past the image, so the restore has to cut its output back) and 32 MiB
# of checksummed memory.
# Needs root and a working criu: $CQ_TEST_CRIU, else the copy of
# scripts/criu-fetch.sh; skips with the reason otherwise.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" = 0 ] || skip "CRIU needs root"
CRIU=${CQ_TEST_CRIU:-/var/cache/cq/criu/criu}
[ -x "$CRIU" ] || skip "no criu at $CRIU (run scripts/criu-fetch.sh or set CQ_TEST_CRIU)"
"$CRIU" check > criu-check.log 2>&1 ||
    skip "$CRIU check fails here: $(tail -1 criu-check.log)"
RUN=$CQ_BUILDDIR/tests/lib/criurun
COUNTER=$CQ_BUILDDIR/tests/lib/counter
[ -x "$RUN" ] && [ -x "$COUNTER" ] || skip "criurun/counter not built"

# run NAME ARGS...: criurun in $T/NAME, its report in $T/NAME.log.
run() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	"$RUN" "$@" "$CRIU" "$COUNTER" "$T/$name" 150 > "$T/$name.log" 2>&1 ||
	    fail "criurun $name: $(tail -3 "$T/$name.log")"
	log "$name: $(grep -E '^hop|^exit' "$T/$name.log" | tr '\n' ';')"
	[ "$(grep -c '^hop' "$T/$name.log")" -eq 2 ] ||
	    fail "$name: not two dump/restore hops: $(cat "$T/$name.log")"
	grep -q '^exit 0 signal 0$' "$T/$name.log" || fail "$name: the counter failed"
	# Every restored leader is pid 1 of its own namespace, a job in cgroups.
	[ "$(grep -c '(ns pid 1), contained$' "$T/$name.log")" -eq 2 ] ||
	    fail "$name: a restored job is not a contained pid namespace init"
	# Carried on from the dump: a restart would have counted from 1 again.
	seq 150 | cmp -s - "$T/$name/out" ||
	    fail "$name: the output is not exactly 1..150 ($(wc -l < "$T/$name/out") lines, first diff: $(seq 150 | cmp - "$T/$name/out"))"
	[ ! -e "$T/$name/img.1" ] || fail "$name: the original image was not deleted"
}

run move -a -z -s 20
run rollback -r -m 32 -s 20
# The restores took their sizes from the record of open files.
grep -q " $T/rollback/out\$" "$T/rollback/copy.1/cq-files" ||
    fail "rollback: the counter's output is not in cq-files"
exit 0
