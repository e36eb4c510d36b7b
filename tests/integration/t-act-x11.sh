#!/bin/bash
# The x11 activity source sees keyboard and pointer input within a second,
# without polling: Xvfb on a free display, actwatch on `x11::N`, then
# `xdotool key a` and `xdotool mousemove` (XTEST input, which resets the
# server's IDLETIME as real input does) must each be reported through the
# callback (the XSync alarm), and the latency is logged.
. "$(dirname "$0")/../lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/act.sh"

command -v Xvfb >/dev/null 2>&1 || skip "Xvfb is not installed (package xvfb)"
command -v xdotool >/dev/null 2>&1 || skip "xdotool is not installed"
command -v setsid >/dev/null 2>&1 || skip "setsid is not installed"

# A free display number; another test may take it first, so retry.
DPY=
for n in $(shuf -i 100-399 -n 20 2>/dev/null || seq 100 119); do
	[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
	bg_group xvfb Xvfb ":$n" -screen 0 640x480x24 -nolisten tcp -noreset
	if wait_until 10 test -S "/tmp/.X11-unix/X$n" &&
	    kill -0 "$BG_PID" 2>/dev/null; then
		DPY=:$n
		XVFB_PID=$BG_PID
		break
	fi
	kill "$BG_PID" 2>/dev/null
done
[ -n "$DPY" ] || fail "Xvfb did not start on any display"
log "Xvfb pid $BG_PID on $DPY"

start_actwatch "x11:$DPY"
if [ "$ACT_SOURCES" != 1 ]; then
	grep -q 'not built in' "$T/actwatch.log" &&
	    skip "cq was built without libX11/libXext (no x11 source)"
	fail "the x11 source did not start on $DPY"
fi

# One input: reported through the callback within 1 s?
input() {
	local what=$1 t0 last at via
	shift
	sleep 1.5	# idle past the 1 s "quiet" alarm, and the callback gap
	t0=$(now_ms)
	DISPLAY=$DPY xdotool "$@" || fail "xdotool $* failed"
	wait_activity 2 "$t0" || fail "$what at $t0 not seen within 2 s"
	read -r last at via <<< "$ACT_LINE"
	[ "$via" = cb ] || fail "$what seen by $via, not by the alarm"
	[ $((at - t0)) -le 1000 ] ||
	    fail "$what seen $((at - t0)) ms later (more than 1 s)"
	log "$what: seen $((at - t0)) ms after xdotool started"
}
input "key a" key a
input "key b" key b
input "mousemove" mousemove 100 100
input "mousemove" mousemove 200 150
stop_actwatch
# TERM, so Xvfb removes its socket and lock (lib.sh's KILL would not).
kill -TERM "$XVFB_PID"
wait_until 5 eval '! kill -0 "$XVFB_PID"'
exit 0
