#!/bin/bash
# The utmp activity source sees typing in a real terminal: a detached tmux
# session's pane is a pty; a private utmp file lists it as a user session
# (tmux panes are not in the system's utmp), actwatch polls it, and
# `tmux send-keys` must advance the reported activity time.  The kernel
# updates a tty's atime (in whole seconds) only when its 8-second bucket
# changes, so the test first waits for the next bucket (and checks that
# nothing is reported meanwhile), then allows 10 s.
. "$(dirname "$0")/../lib/lib.sh"
. "$CQ_SRCDIR/tests/lib/act.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
command -v setsid >/dev/null 2>&1 || skip "setsid is not installed"

TMUX_SOCK="cq-act-$$"
tm() {
	tmux -L "$TMUX_SOCK" -f /dev/null "$@"
}
tm new-session -d -s act -x 80 -y 24 cat ||
    skip "tmux cannot start a session here"
# The server is a session leader: lib.sh kills its group at exit.
tm display -p '#{pid}' >> "$T/kill.pgids"
PTY=$(tm display -p -t act '#{pane_tty}')
case $PTY in
/dev/pts/*|/dev/tty*) ;;
*) fail "tmux pane tty is '$PTY'" ;;
esac
log "pane tty $PTY"

"$ACTWATCH_BIN" -u "$T/utmp" "${PTY#/dev/}" || fail "cannot write $T/utmp"
start_actwatch "utmp:$T/utmp"
[ "$ACT_SOURCES" = 1 ] || fail "the utmp source did not start"
L0=$(act_last)
[ "$L0" -gt 0 ] || fail "no tty atime reported at start"

# No input: wait for the next 8 s atime bucket; nothing new may show.
atime=$(stat -c %X "$PTY")
while [ $(( $(now_ms) / 8000 )) -le $(( atime / 8 )) ]; do
	sleep 0.2
done
sleep 0.5
[ "$(act_last)" -eq "$L0" ] ||
    fail "activity reported with no input: $L0 -> $(act_last)"

t0=$(now_ms)
tm send-keys -t act 'hello' Enter
# The kernel stores the atime in whole seconds.
wait_activity 10 $(( t0 / 1000 * 1000 )) ||
    fail "send-keys at $t0 not seen within 10 s (last $(act_last))"
read -r last at via <<< "$ACT_LINE"
log "send-keys at $t0: activity $last seen at $at via $via" \
    "($((at - t0)) ms later)"
stop_actwatch
tm kill-server
exit 0
