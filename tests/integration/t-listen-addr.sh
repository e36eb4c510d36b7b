#!/bin/bash
# t-listen-addr: listen.addr is never empty and never another
# scheduler's.  A second scheduler asked for a port that is taken, named
# in its configuration or remembered in its listen.addr, does not start,
# says why, and leaves its listen.addr as it was; a listen.addr that is
# empty or for another address is not used; and a start on a full disk
# that would need a new listen.addr fails without touching the old one.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s		# holds $SCHEDD_ADDR
B=$T/b
mkdir -p "$B"
b_conf() {	# b_conf LISTEN: the second scheduler's configuration
	cat > "$B/schedd.conf" <<CONF
state_dir = $B/state
socket = $B/schedd.sock
listen = $1
lease = 10s
CONF
}
b_start() {	# b_start: run it in the foreground for up to 10 s; its status
	echo "=== start $(date +%T.%N)" >> "$T/b.log"
	env -u CQ_SOCKET timeout -s KILL 10 "$SCHEDD_BIN" -f -c "$B/schedd.conf" >> "$T/b.log" 2>&1
}
b_refused() {	# b_refused WHAT: b_start fails and leaves listen.addr as it was
	local before
	before=$(cat "$B/state/listen.addr")
	b_start && fail "$1: the second scheduler started"
	[ "$(cat "$B/state/listen.addr")" = "$before" ] ||
	    fail "$1: listen.addr is now '$(cat "$B/state/listen.addr")', was '$before'"
	[ -e "$B/state/listen.addr.tmp" ] &&
	    fail "$1: listen.addr.tmp left behind"
	return 0
}
mkdir -p "$B/state"

# 1. listen = a port that is taken.
echo "127.0.0.1:1" > "$B/state/listen.addr"
b_conf "$SCHEDD_ADDR"
b_refused "a taken port"
grep -q "listen $SCHEDD_ADDR" "$T/b.log" || fail "no word on the taken port"

# 2. listen = 127.0.0.1:0, but the port listen.addr remembers is taken.
echo "$SCHEDD_ADDR" > "$B/state/listen.addr"
b_conf 127.0.0.1:0
b_refused "a remembered port that is taken"
grep -q "port ${SCHEDD_ADDR##*:}, the one the agents know: Address already in use" \
    "$T/b.log" || fail "no word on the remembered port"
grep -q "or remove $B/state/listen.addr to take a new port" "$T/b.log" ||
    fail "no word on what to do"

# 3. An empty listen.addr, or one for another address: a new port.
b_bg() {	# b_bg: start it in the background, wait for its listen.addr
	: > "$T/b.pid"
	env -u CQ_SOCKET "$SCHEDD_BIN" -f -c "$B/schedd.conf" >> "$T/b.log" 2>&1 &
	echo $! > "$T/b.pid"
	disown
	CQ_SOCKET=$B/schedd.sock wait_until 10 "$CQ_BIN" q --json ||
	    fail "the second scheduler did not start"
}
b_stop() {
	_stop_pid "$(cat "$T/b.pid")"
}
at_cleanup '[ -s "$T/b.pid" ] && _stop_pid "$(cat "$T/b.pid")"'
: > "$B/state/listen.addr"
b_bg
a=$(cat "$B/state/listen.addr")
[ -n "$a" ] && [ "$a" != "$SCHEDD_ADDR" ] && [ "${a##*:}" != 0 ] ||
    fail "from an empty listen.addr: '$a'"
b_stop
echo "127.0.0.2:${SCHEDD_ADDR##*:}" > "$B/state/listen.addr"
b_bg
a=$(cat "$B/state/listen.addr")
[ "${a%:*}" = 127.0.0.1 ] && [ "$a" != "$SCHEDD_ADDR" ] ||
    fail "from another address's listen.addr: '$a'"
b_stop

# 4. A full disk (no inode left: the database, whose files a kill -9
# left, still opens): the start that would write a new listen.addr fails
# and the old one stays whole.
if [ "$(id -u)" -ne 0 ]; then
	log "not root: no tmpfs, the full disk part is left out"
	exit 0
fi
F=$T/f
mkdir -p "$F"
mount -t tmpfs -o size=8m,nr_inodes=400,mode=0755 cq-test-addr "$F" \
    2>/dev/null || {
	log "cannot mount a tmpfs here: the full disk part is left out"
	exit 0
}
at_cleanup umount -l "$F"
B=$F
b_conf 127.0.0.1:0
b_bg
a=$(cat "$B/state/listen.addr")
_stop_pid "$(cat "$T/b.pid")" KILL
mkdir "$F/fill"
i=0
while touch "$F/fill/$i" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 1000 ] || fail "the tmpfs takes more than 1000 files"
done
b_conf 127.0.0.2:0
b_refused "a full disk"
grep -q "listen.addr: cannot say where agents find us" "$T/b.log" ||
    fail "on a full disk: $(tail -n 1 "$T/b.log")"
[ "$(cat "$B/state/listen.addr")" = "$a" ] || fail "listen.addr changed on a full disk"
exit 0
