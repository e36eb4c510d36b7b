#!/bin/bash
# t-state-whole: the scheduler refuses to start on damaged state, says what
# is wrong and what to do, and changes nothing: a deleted, empty or
# truncated queue.db, a WAL deleted or corrupted after the scheduler was
# killed with acknowledged submits in it, a WAL cut shorter than it was,
# a read-only database.  A scheduler killed with -9 restarts with every
# acknowledged job.  --fresh starts a new queue whose cluster ids lie above
# every id handed out before, with the old files kept aside;
# --check says "whole" (0) or names the problem (1).
. "$(dirname "$0")/../lib/lib.sh"

S=$T/state
start_schedd 10s
# Ten submits, one cluster each; each is durable once acknowledged.
for ((i = 0; i < 10; i++)); do
	last=$(cq submit --terse -- /bin/true) || fail "submit $i failed"
done
log "clusters up to $last acknowledged"
# The mark catches up with the WAL within a tick or so: wait for it, so
# the cut-WAL case below is one the mark can tell.
mark_caught_up() {
	local frames size
	frames=$(awk '$1 == "wal_frames" { print $2 }' "$S/store.mark")
	size=$(stat -c %s "$S/queue.db-wal")
	[ -n "$frames" ] && [ $((32 + frames * 4120)) -eq "$size" ]
}
wait_until 10 mark_caught_up ||
    fail "store.mark does not follow the WAL: $(cat "$S/store.mark"), WAL $(stat -c %s "$S/queue.db-wal") bytes"
stop_schedd KILL
[ -s "$S/queue.db-wal" ] || fail "no WAL after kill -9"
cp -a "$S" "$T/killed"

# A clean stop leaves no WAL: the database cases start from there.
start_schedd
[ "$(cq q --json | jq length)" -eq 10 ] || fail "jobs lost over kill -9: $(cq q --json)"
stop_schedd
[ -e "$S/queue.db-wal" ] && fail "a WAL is left after a clean stop"
grep -qx 'wal absent' "$S/store.mark" || fail "store.mark after a clean stop: $(cat "$S/store.mark")"
cp -a "$S" "$T/clean"

use() {		# use clean|killed: the state directory as it was left
	rm -rf "$S"
	cp -a "$T/$1" "$S"
}
sums() {
	(cd "$S" && sha256sum queue.db queue.db-wal store.mark 2>/dev/null)
}
# refused WHAT PATTERN: the start fails, says PATTERN and what to do, and
# leaves the files as they were.
refused() {
	local what=$1 pat=$2 before rc
	before=$(sums)
	timeout 20 "$SCHEDD_BIN" -f -c "$T/schedd.conf" > "$T/refused.log" 2>&1
	rc=$?
	[ "$rc" -eq 65 ] || fail "$what: the start ended with $rc, not 65: $(cat "$T/refused.log")"
	grep -q "refusing to start" "$T/refused.log" ||
	    fail "$what: no refusal: $(cat "$T/refused.log")"
	grep -q -- "$pat" "$T/refused.log" ||
	    fail "$what: the refusal does not say '$pat': $(cat "$T/refused.log")"
	grep -q -e "--fresh" -e "writable" "$T/refused.log" ||
	    fail "$what: the refusal does not say what to do: $(cat "$T/refused.log")"
	[ "$(sums)" = "$before" ] || fail "$what: the refusal changed the files"
	log "$what: refused: $(grep -m1 '  - ' "$T/refused.log")"
}

use clean
rm "$S/queue.db"
refused "deleted database" "queue.db is missing"

use clean
: > "$S/queue.db"
refused "empty database" "queue.db is empty"

use clean
pages=$(( $(stat -c %s "$S/queue.db") / 4096 ))
truncate -s $(( pages / 2 * 4096 )) "$S/queue.db"
refused "truncated database" "queue.db is truncated"

use killed
rm "$S/queue.db-wal" "$S/queue.db-shm"
refused "deleted WAL" "queue.db-wal is missing"

use killed
# Garbage inside the first frame's page: every commit after it is lost.
printf 'garbage%.0s' {1..20} | dd of="$S/queue.db-wal" bs=1 seek=1000 conv=notrunc 2>/dev/null
refused "corrupted WAL" "queue.db-wal is damaged at frame 1"

use killed
frames=$(( ($(stat -c %s "$S/queue.db-wal") - 32) / 4120 ))
truncate -s $(( 32 + frames / 2 * 4120 )) "$S/queue.db-wal"
refused "truncated WAL" "valid frames, it held"

# sqlite3 opening the database after the crash copies the WAL in and
# removes it: nothing is lost, and the start goes on.
if command -v sqlite3 >/dev/null 2>&1; then
	use killed
	sqlite3 "$S/queue.db" "SELECT count(*) FROM jobs" >/dev/null ||
	    fail "sqlite3 cannot read the database"
	[ -e "$S/queue.db-wal" ] && fail "sqlite3 left the WAL"
	start_schedd
	[ "$(cq q --json | jq length)" -eq 10 ] ||
	    fail "after sqlite3 moved the WAL in: $(cq q --json)"
	stop_schedd
	log "WAL moved in by sqlite3: the start went on with every job"
fi

# A directory from before store.mark (or without it) is adopted as it is.
use clean
rm "$S/store.mark"
start_schedd
[ "$(cq q --json | jq length)" -eq 10 ] || fail "the adopted queue: $(cq q --json)"
c=$(cq submit --terse -- /bin/true) || fail "submit in the adopted queue failed"
[ "$c" -gt "$last" ] || fail "cluster id $c in the adopted queue, $last before"
stop_schedd
grep -q '^db_id ' "$S/store.mark" || fail "no store.mark written for the adopted queue"

# Read-only: a read-only mount (root), or the files' modes (other users).
use clean
if [ "$(id -u)" -eq 0 ]; then
	if mkdir -p "$T/ro" && mount -t tmpfs -o size=16m cq-test-ro "$T/ro" 2>/dev/null; then
		at_cleanup umount -l "$T/ro"
		cp -a "$T/clean/." "$T/ro/"
		mount -o remount,ro "$T/ro" || fail "cannot remount $T/ro read-only"
		sed "s|^state_dir = .*|state_dir = $T/ro|" "$T/schedd.conf" > "$T/ro.conf"
		timeout 20 "$SCHEDD_BIN" -f -c "$T/ro.conf" > "$T/refused.log" 2>&1
		rc=$?
		[ "$rc" -eq 65 ] && grep -q "read-only" "$T/refused.log" &&
		    grep -q "writable" "$T/refused.log" ||
		    fail "read-only database: exit $rc: $(cat "$T/refused.log")"
		log "read-only database: refused: $(grep -m1 '  - ' "$T/refused.log")"
	else
		log "read-only database: not tested (cannot mount a tmpfs here)"
	fi
else
	chmod a-w "$S" "$S/queue.db"
	refused "read-only database" "read-only"
	chmod u+w "$S" "$S/queue.db"
fi

# --check: whole, then damaged.
use clean
out=$("$SCHEDD_BIN" --check -c "$T/schedd.conf" 2>&1) ||
    fail "--check on a whole directory: exit $?: $out"
grep -qx whole <<<"$out" || fail "--check on a whole directory says: $out"
grep -q "integrity check" <<<"$out" || fail "--check ran no integrity check: $out"
use killed
rm "$S/queue.db-wal"
out=$("$SCHEDD_BIN" --check -c "$T/schedd.conf" 2>&1) &&
    fail "--check on a directory without its WAL: exit 0: $out"
grep -q "^BAD.*queue.db-wal is missing" <<<"$out" || fail "--check says: $out"
[ -e "$S/queue.db-wal" ] && fail "--check made a WAL"

# --fresh over the damaged directory: a new queue, ids above the old ones.
echo "=== start --fresh $(date +%T.%N)" >> "$T/schedd.log"
"$SCHEDD_BIN" -f -c "$T/schedd.conf" --fresh >> "$T/schedd.log" 2>&1 &
SCHEDD_PID=$!
disown "$SCHEDD_PID"
wait_until 10 cq q --json || fail "the scheduler did not start with --fresh"
[ "$(cq q --json | jq length)" -eq 0 ] || fail "--fresh kept jobs: $(cq q --json)"
aside=$(ls -d "$S"/damaged.* 2>/dev/null | head -n 1)
[ -n "$aside" ] && [ -f "$aside/queue.db" ] && [ -f "$aside/store.mark" ] ||
    fail "--fresh did not keep the old files aside: $(ls -la "$S")"
next=$(cq submit --terse -- /bin/true) || fail "submit after --fresh failed"
[ "$next" -gt "$last" ] || fail "cluster id $next after --fresh, $last was handed out before"
log "--fresh: old files in $(basename "$aside"), next cluster $next"
stop_schedd
# And a whole queue is not dropped by a --fresh left on a command line.
if timeout 20 "$SCHEDD_BIN" -f -c "$T/schedd.conf" --fresh > "$T/refused.log" 2>&1; then
	fail "--fresh over a whole queue started"
fi
grep -q "is whole" "$T/refused.log" || fail "--fresh over a whole queue: $(cat "$T/refused.log")"
start_schedd
[ "$(cq q --json | jq -c '[.[].ClusterId]')" = "[$next]" ] ||
    fail "after the restart: $(cq q --json)"

# A checkpoint, then SQLite starts the WAL over (new salts): the mark
# follows, and a kill -9 after it restarts cleanly.
salt() { awk '$1 == "wal_salt" { print $2 }' "$S/store.mark"; }
salt0=$(salt)
printf 'executable = /bin/true\narguments = "%s"\nqueue 2000\n' \
    "$(head -c 3000 /dev/zero | tr '\0' x)" > "$T/big.sub"
big=$(cq submit --terse "$T/big.sub") || fail "the big submit failed"
restarted() {
	cq submit --terse -- /bin/true >/dev/null &&
	    [ -n "$(salt)" ] && [ "$(salt)" != "$salt0" ]
}
wait_until 20 restarted || fail "store.mark did not follow a restarted WAL: $(cat "$S/store.mark")"
n=$(cq q --json | jq length)
stop_schedd KILL
start_schedd
[ "$(cq q --json | jq length)" -eq "$n" ] ||
    fail "after a restarted WAL and kill -9: $(cq q --json | jq length) jobs, not $n"
log "WAL restarted (salt $salt0 -> $(salt)), kill -9: $n jobs back"
exit 0
