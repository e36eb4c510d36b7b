# act.sh: sourced after lib.sh by the owner-activity integration tests
# (t-act-*.sh).  They drive tests/lib/actwatch, which runs only the
# agent's activity module and prints "activity LAST_MS at NOW_MS via
# cb|poll" per change.
#
#   bg_group NAME CMD...       run CMD in its own process group (killed at
#                              exit by lib.sh), output in $T/NAME.log;
#                              sets BG_PID
#   start_actwatch SPEC        actwatch on SPEC, output in $T/actwatch.out;
#                              sets ACT_SOURCES (how many started)
#   stop_actwatch              TERM it and wait: a sanitizer build then
#                              reports leaks into $T/actwatch.log
#   act_last                   the latest LAST_MS printed (0 if none)
#   wait_activity SECS AFTER   wait for a LAST_MS >= AFTER; sets ACT_LINE
#                              ("LAST AT VIA"); 1 on timeout

ACTWATCH_BIN=$CQ_BUILDDIR/tests/lib/actwatch
[ -x "$ACTWATCH_BIN" ] || skip "$ACTWATCH_BIN is not built (make check builds it)"

bg_group() {
	local name=$1
	shift
	# Not a group leader here (no job control), so setsid does not fork
	# and $! is CMD's pid and process group.
	setsid "$@" > "$T/$name.log" 2>&1 &
	BG_PID=$!
	disown "$BG_PID"	# no "Killed" notice when lib.sh kills it
	echo "$BG_PID" >> "$T/kill.pgids"
}

start_actwatch() {
	setsid "$ACTWATCH_BIN" -v "$1" 120 > "$T/actwatch.out" \
	    2> "$T/actwatch.log" &
	ACTWATCH_PID=$!
	disown "$ACTWATCH_PID"
	echo "$ACTWATCH_PID" >> "$T/kill.pgids"
	wait_until 10 grep -q '^ready' "$T/actwatch.out" ||
	    fail "actwatch did not start within 10 s"
	ACT_SOURCES=$(sed -n 's/^ready //p' "$T/actwatch.out")
	log "actwatch pid $ACTWATCH_PID on '$1': $ACT_SOURCES source(s)"
}

stop_actwatch() {
	kill -TERM "$ACTWATCH_PID" 2>/dev/null
	wait_until 10 eval '! kill -0 "$ACTWATCH_PID"' ||
	    fail "actwatch did not stop on TERM"
}

act_last() {
	awk '$1 == "activity" { v = $2 } END { print (v == "" ? 0 : v) }' \
	    "$T/actwatch.out"
}

_act_seen() {
	ACT_LINE=$(awk -v a="$1" '$1 == "activity" && $2 >= a {
	    print $2, $4, $6; exit }' "$T/actwatch.out")
	[ -n "$ACT_LINE" ]
}

wait_activity() {
	local secs=$1 after=$2 deadline
	deadline=$(( $(now_ms) + secs * 1000 ))
	while ! _act_seen "$after"; do
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.02
	done
	return 0
}
