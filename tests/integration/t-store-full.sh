#!/bin/bash
# t-store-full: a client's request never ends the scheduler.  Its state
# directory is a small tmpfs; once that is full, a submit is refused with
# a clear error (the disk), and so are a hold and a removal, while the
# scheduler keeps running and `cq q` answers.  Nothing of the refused
# requests shows: no job, no event in the user log, no change to the job
# that was there, no spool directory (the refused submit's uploaded input
# goes back to its staging area, removed when the client leaves).  Once
# space is freed, a submit works, its input arrives and its job runs.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
mkdir -p "$T/state"
mount -t tmpfs -o size=8m,mode=0755 cq-test-full "$T/state" 2>/dev/null ||
    skip "cannot mount a tmpfs here"
at_cleanup umount -l "$T/state"
# The spool has room of its own: the uploads of the refused submit land.
mkdir -p "$T/state/spool"
mount -t tmpfs -o size=8m,mode=0700 cq-test-spool "$T/state/spool" ||
    fail "cannot mount the spool's tmpfs"
at_cleanup umount -l "$T/state/spool"

start_schedd 10s
ulog=$T/user.log
echo "the input" > "$T/in.txt"
sub() {	# sub NAME BATCH ARGS [EXE]: one job with the user log and an input
	cat > "$T/$1.sub" <<SUB
executable = ${4:-/bin/echo}
arguments = "$3"
batch_name = $2
log = $ulog
initialdir = $T
should_transfer_files = YES
transfer_input_files = in.txt
output = $1.out
queue
SUB
}
cat > "$T/first.sub" <<SUB
executable = /bin/echo
arguments = hello
log = $ulog
queue
SUB
c1=$(cq submit --terse "$T/first.sub") || fail "the first submit failed"
wait_until 10 grep -q "^000 ($(printf %03d "$c1")" "$ulog" ||
    fail "no submit event for $c1 in the user log: $(cat "$ulog")"
nlog=$(wc -l < "$ulog")

# Fill the state directory up to its last page.
dd if=/dev/zero of="$T/state/filler" bs=64k 2>/dev/null
[ "$(df --output=avail "$T/state" | tail -n 1)" -eq 0 ] ||
    fail "the tmpfs is not full: $(df "$T/state")"

# A submit big enough to need new pages in the WAL.
sub refused refused "$(head -c 20000 /dev/zero | tr '\0' x)"
if out=$(cq submit "$T/refused.sub" 2>&1); then
	fail "a submit on a full disk was acknowledged: $out"
fi
log "refused: $out"
grep -q "disk is full" <<<"$out" ||
    fail "the submit's error does not say the disk is full: $out"
ls "$T/state/spool" | grep -qE '^[0-9]+$' &&
    fail "the refused submit left a spool directory: $(ls -la "$T/state/spool")"
nostage() { ! ls "$T/state/spool" | grep -q '^stage\.'; }
wait_until 10 nostage || fail "the refused submit's uploads stay: $(ls -la "$T/state/spool")"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died on a full disk"
q=$(cq q --json) || fail "cq q does not answer after the refused submit"
[ "$(jq length <<<"$q")" -eq 1 ] ||
    fail "the queue holds more than job $c1: $q"

# A hold and a removal are refused too, and leave the job as it was.
if out=$(cq hold "$c1" 2>&1); then
	fail "a hold on a full disk was acknowledged: $out"
fi
grep -q "disk is full" <<<"$out" || fail "the hold's error: $out"
if out=$(cq rm "$c1" 2>&1); then
	fail "a removal on a full disk was acknowledged: $out"
fi
grep -q "disk is full" <<<"$out" || fail "the removal's error: $out"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died on a refused hold or rm"
q=$(cq q --json) || fail "cq q does not answer after the refused requests"
[ "$(jq -r '.[0].JobStatus' <<<"$q")" = 1 ] ||
    fail "job $c1 changed after refused requests: $q"

# Space is back: the next submit works, and only it shows.
rm -f "$T/state/filler"
sub later later "in.txt" /bin/cat
c2=$(cq submit --terse "$T/later.sub") ||
    fail "a submit after space was freed failed"
q=$(cq q --json)
[ "$(jq length <<<"$q")" -eq 2 ] || fail "after space was freed: $q"
[ "$(jq '[.[] | select(.ClusterId == '"$c2"')] | length' <<<"$q")" -eq 1 ] ||
    fail "cluster $c2 is not in the queue: $q"
grep -q xxxx <<<"$q" && fail "the refused submit shows in the queue: $q"
cq rm "$c1" >/dev/null || fail "cq rm $c1 failed once space was back"
start_agent a1 1
wait_queue_empty 30 || fail "the jobs did not finish: $(cq q --json)"
[ "$(grep -c '^000 ' "$ulog")" -eq 2 ] ||
    fail "the user log has not exactly two submit events: $(cat "$ulog")"
[ "$(grep -c '^012 ' "$ulog")" -eq 0 ] ||
    fail "the refused hold reached the user log: $(cat "$ulog")"
grep -q "^005 ($(printf %03d "$c2")" "$ulog" ||
    fail "no terminate event for $c2: $(cat "$ulog")"
[ "$(cat "$T/later.out")" = "the input" ] ||
    fail "job $c2 did not get its input: '$(cat "$T/later.out")'"
[ "$nlog" -gt 0 ] || fail "nothing was logged before the disk filled"
h=$(cq history --json) || fail "cq history failed"
grep -q xxxx <<<"$h" && fail "the refused submit shows in the history: $h"
[ "$(jq length <<<"$h")" -eq 2 ] || fail "the history: $h"
exit 0
