#!/bin/bash
# t-client-limits: the client socket's limits, each refused with a message
# the user sees and a log line, and nobody else notices:
#  - nobody holds more than max_conns_per_user connections: the ones over
#    are told "too many connections for user nobody (max 5)", nobody's own
#    cq q is refused the same way, root's cq q works meanwhile;
#  - a submit past max_jobs_per_owner is refused whole, nothing queued;
#  - a connection silent for client_idle_timeout is closed with a word,
#    one in regular use is not;
#  - a half-sent frame over max_buffer_per_user, or over what is left of
#    the global max_partial_mb budget (shared by all connections), closes
#    that one connection; the scheduler serves everyone else.
. "$(dirname "$0")/../lib/lib.sh"

need_nobody
NOBODY=(setpriv --reuid="$nuid" --regid="$ngid" --clear-groups)
as_nobody() {
	"${NOBODY[@]}" "$@"
}
MiB=$((1024 * 1024))

chmod 711 "$T"
write_schedd_conf 10s 127.0.0.1:0
cat >> "$T/schedd.conf" <<EOF
max_conns_per_user = 5
max_jobs_per_owner = 5
client_idle_timeout = 2s
max_buffer_per_user = 2
max_partial_mb = 5
EOF
start_schedd
as_nobody "$PY" -c 'import socket' 2>/dev/null ||
    skip "$PY does not run as nobody"

# --- connections per user ------------------------------------------------
"${NOBODY[@]}" "$PY" "$CLIENT" "$CQ_SOCKET" hold 8 30 > hold.out 2>&1 &
hold_pid=$!
at_cleanup "kill $hold_pid 2>/dev/null"
wait_until 20 grep -q '^refusal' hold.out ||
    fail "the holding client said nothing: $(cat hold.out)"
grep -q '^ok 5 refused 3$' hold.out ||
    fail "expected 5 connections and 3 refused: $(cat hold.out)"
grep -q '^refusal: too many connections for user nobody (max 5)$' hold.out ||
    fail "the refusal is not the message: $(cat hold.out)"
log "nobody: 5 connections held, 3 refused with the message"
out=$(as_nobody "$CQ_BIN" q 2>&1) && fail "nobody's 6th connection worked: $out"
grep -q 'too many connections for user nobody (max 5)' <<<"$out" ||
    fail "cq q as nobody did not say why: $out"
cq q -a --json >/dev/null || fail "root's cq q failed while nobody held 5"
grep -q 'client nobody: refused: too many connections for user nobody (max 5)' \
    schedd.log || fail "no log line for the refused connections"
kill "$hold_pid" 2>/dev/null
wait "$hold_pid" 2>/dev/null
wait_until 10 as_nobody "$CQ_BIN" q ||
    fail "nobody cannot connect once its connections closed"
log "nobody's own cq q refused with the message; root served meanwhile"

# --- jobs per owner --------------------------------------------------------
mkdir -p sub
cat > sub/three.sub <<'SUB'
executable = /bin/true
queue 3
SUB
chown -R "$nuid:$ngid" sub
(cd sub && as_nobody "$CQ_BIN" submit --terse three.sub) >/dev/null ||
    fail "the first 3 jobs were refused"
out=$(cd sub && as_nobody "$CQ_BIN" submit --terse three.sub 2>&1) &&
    fail "a submit past max_jobs_per_owner was taken: $out"
grep -q 'user nobody would have 6 jobs in the queue, max 5' <<<"$out" ||
    fail "the job limit refusal is not the message: $out"
[ "$(count_jobs '.Owner == "nobody"')" -eq 3 ] ||
    fail "the refused submit queued jobs: $(count_jobs '.Owner == "nobody"')"
grep -q 'client nobody: refused: submit refused: user nobody would have 6' \
    schedd.log || fail "no log line for the refused submit"
# The limit is per owner: root still submits.
cq submit --terse sub/three.sub >/dev/null || fail "root's submit was refused"
log "max_jobs_per_owner: 3 + 3 refused whole with the message, root unaffected"

# --- idle connections --------------------------------------------------------
idle=$("$PY" "$CLIENT" "$CQ_SOCKET" idle 20) ||
    fail "the idle connection was not closed with a word: $idle"
grep -q 'idle for 2 s (client_idle_timeout)' <<<"$idle" ||
    fail "the idle refusal is not the message: $idle"
busy=$("$PY" "$CLIENT" "$CQ_SOCKET" busy 5) ||
    fail "a connection in regular use was closed: $busy"
log "idle: a silent connection $idle; one in use kept ($busy)"

# --- bytes buffered per user ---------------------------------------------------
out=$(as_nobody "$PY" "$CLIENT" "$CQ_SOCKET" half $((9 * MiB / 4)) 10)
grep -q 'refused: too many bytes buffered for user nobody (max 2 MiB)' <<<"$out" ||
    fail "a 2.25 MiB half frame passed nobody's 2 MiB: $out"
log "max_buffer_per_user: a 2.25 MiB frame refused: $out"

# --- the global budget of half-sent frames -------------------------------------
out=$("$PY" "$CLIENT" "$CQ_SOCKET" half $((6 * MiB)) 10)
grep -q 'refused: memory budget for half-sent frames exhausted' <<<"$out" ||
    fail "a 6 MiB half frame passed the 5 MiB budget: $out"
# Root and uid 42422 park 1.9 MiB each; nobody's 1.9 MiB (within its
# own 2 MiB) no longer fits the 5 MiB that all connections share.
auid=42422
getent passwd "$auid" >/dev/null && skip "uid $auid exists here"
park() {	# park NAME RUNNER...: hold a 1.9 MiB half frame until killed
	local name=$1
	shift
	"$@" "$PY" "$CLIENT" "$CQ_SOCKET" half $((19 * MiB / 10)) 3 60 \
	    > "$name.out" &
	eval "${name}_pid=\$!"
	at_cleanup "kill $! 2>/dev/null"
	wait_until 20 grep -q . "$name.out" || fail "$name's frame got no answer"
	grep -qx open "$name.out" || fail "$name's 1.9 MiB was refused: $(cat "$name.out")"
}
park p1
park p2 setpriv --reuid="$auid" --regid="$auid" --clear-groups
out=$(as_nobody "$PY" "$CLIENT" "$CQ_SOCKET" half $((19 * MiB / 10)) 10)
grep -q 'refused: memory budget for half-sent frames exhausted' <<<"$out" ||
    fail "3 x 1.9 MiB of half frames passed the 5 MiB budget: $out"
cq q -a --json >/dev/null || fail "cq q failed while frames were parked"
# Root's parked connection goes: its budget is given back.
kill "$p1_pid"
wait "$p1_pid" 2>/dev/null
wait_until 20 grep -q "client root pid $p1_pid: closed" schedd.log ||
    fail "the parked connection did not close"
out=$(as_nobody "$PY" "$CLIENT" "$CQ_SOCKET" half $((19 * MiB / 10)) 3 < /dev/null)
grep -qx open <<<"$out" ||
    fail "the budget of a closed connection was not given back: $out"
kill "$p2_pid"
log "max_partial_mb: budget shared by all connections and given back"

# --- before hello, nothing big ---------------------------------------------------
"$PY" - "$CQ_SOCKET" <<'PYEOF' > prehello.out
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(struct.pack(">IHBBI", 1 << 20, 16, 1, 0, 1) + b" " * 100)
s.settimeout(10)
print("closed" if s.recv(100) == b"" else "answered")
PYEOF
grep -qx closed prehello.out || fail "a big frame before hello was kept: $(cat prehello.out)"
grep -q 'closed: a frame of 1048576 bytes where at most 4096 may come now' schedd.log ||
    fail "no log line for the big frame before hello"
log "a 1 MiB frame before hello: closed at its header"

_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
[ "$(count_jobs true)" -eq 6 ] || fail "the queue changed: $(count_jobs true) jobs"
grep -q 'closed: memory budget for half-sent frames exhausted' schedd.log ||
    fail "no log line for the budget refusal"
exit 0
