#!/bin/bash
# t-userlog-hung: a user log on a file system that hangs (an ext4 image
# frozen with fsfreeze: every write there blocks, as on a hung NFS home)
# holds up neither the scheduler's answers nor other jobs.  While it is
# frozen, the submit of the job that logs there is answered, `cq q`
# answers, another user's job runs to completion, and so does the job
# itself, and the other user's log gets its events; once the file system
# thaws, the hung log gets every event, in order, each once.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "mounting and freezing a file system needs root"
for c in mkfs.ext4 fsfreeze mount umount setpriv; do
	command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
done
id nobody >/dev/null 2>&1 || skip "no user nobody"
truncate -s 16M "$T/slow.img" && mkfs.ext4 -q -F "$T/slow.img" ||
    skip "cannot make an ext4 image"
mkdir -p "$T/slow"
mount -o loop "$T/slow.img" "$T/slow" 2>/dev/null ||
    skip "cannot mount a loop device here"
# Registered last, run first: thaw before anything waits on the mount.
at_cleanup umount -l "$T/slow"
at_cleanup "fsfreeze -u $T/slow 2>/dev/null || true"

start_schedd 10s
write_schedd_conf 10s "$SCHEDD_ADDR"	# a restart keeps the agents' address
start_agent a1 2

cat > hung.sub <<SUB
executable = /bin/echo
arguments = hung
output = $T/hung.out
log = $T/slow/hung.log
queue
SUB
chmod 755 "$T"
mkdir nob && chown 65534:65534 nob
cat > nob/other.sub <<SUB
executable = /bin/echo
arguments = other
log = $T/nob/other.log
queue
SUB
chmod 0644 nob/other.sub

fsfreeze -f "$T/slow" || skip "cannot freeze the ext4 image"
log "frozen: $T/slow"

# Bounds are generous: they catch a scheduler that waits on the file.
c1=$(timeout 30 "$CQ_BIN" submit --terse hung.sub) ||
    fail "the submit of a job logging to a frozen file system was not answered"
timeout 30 "$CQ_BIN" q >/dev/null ||
    fail "cq q does not answer while a user log hangs"
c2=$(cd nob && timeout 30 setpriv --reuid=65534 --regid=65534 \
    --clear-groups "$CQ_BIN" submit --terse other.sub) ||
    fail "another user's submit was not answered while a user log hangs"
done_job() {	# done_job CLUSTER: it completed
	[ "$(cq history --json "$1" | jq -r '.[0].JobStatus')" = 4 ]
}
wait_until 30 done_job "$c2" ||
    fail "the other user's job did not complete while a user log hangs: $(cq q --json)"
wait_until 30 done_job "$c1" ||
    fail "the job whose log hangs did not complete: $(cq q --json)"
[ "$(cat "$T/hung.out")" = hung ] || fail "job $c1 wrote '$(cat "$T/hung.out")'"
timeout 30 "$CQ_BIN" q >/dev/null || fail "cq q does not answer after the jobs"
[ -s "$T/slow/hung.log" ] && fail "the frozen log was written: $(cat "$T/slow/hung.log")"
# cq wait returns once the job's events are in its log, as condor_wait.
if out=$(timeout 30 "$CQ_BIN" wait -timeout 2 "$c1" 2>&1); then
	fail "cq wait returned while the job's log hangs: $out"
fi
grep -q "user log" <<<"$out" || fail "cq wait's time-out does not name the log: $out"
# Another file's events do not wait for the hung one.
cq wait -timeout 30 "$c2" || fail "cq wait on the other user's job failed"
grep -q "^005 " "$T/nob/other.log" ||
    fail "the other user's log waits for the hung one: $(cat "$T/nob/other.log" 2>&1)"

fsfreeze -u "$T/slow" || fail "cannot thaw $T/slow"
log "thawed"
id=$(printf '(%03d.000.000)' "$c1")
evs() { grep -E '^[0-9]{3} \(' "$T/slow/hung.log" | awk '{ print $1 " " $2 }' | tr '\n' ' '; }
cq wait -timeout 30 "$c1" || fail "cq wait $c1 failed after the thaw"
grep -q "^005 " "$T/slow/hung.log" ||
    fail "cq wait returned before the terminate event was in the log: $(cat "$T/slow/hung.log" 2>&1)"
[ "$(evs)" = "000 $id 001 $id 005 $id " ] ||
    fail "the log's events after the thaw: $(evs)"
[ "$(stat -c %u "$T/slow/hung.log")" = 0 ] || fail "hung.log owner"
# The other user's log was written as that user.
[ "$(stat -c %u "$T/nob/other.log")" = 65534 ] ||
    fail "other.log is not nobody's: $(ls -l "$T/nob")"

# A clean stop keeps the mark: after a restart, the next job's events
# follow in the same file, and nothing before them is written twice.
stop_schedd
start_schedd
c3=$(cq submit --terse hung.sub) || fail "submit after the restart failed"
id3=$(printf '(%03d.000.000)' "$c3")
wait_until 30 grep -q "^005 $id3" "$T/slow/hung.log" ||
    fail "no terminate event for $c3: $(cat "$T/slow/hung.log")"
[ "$(evs)" = "000 $id 001 $id 005 $id 000 $id3 001 $id3 005 $id3 " ] ||
    fail "after a restart the log's events are: $(evs)"
exit 0
