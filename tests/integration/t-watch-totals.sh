#!/bin/bash
# t-watch-totals: a live view taller than its window keeps its end.  With
# 30 idle jobs in a 12-line tmux pane, `cq q -w -nobatch` shows the
# header, as many rows as fit, a line saying how many rows are not shown
# (the rest), and the totals line whole; at 50 columns the totals are
# broken over lines, not cut.
. "$(dirname "$0")/../lib/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed (scripts/deps.sh)"

start_schedd 10s
# No agent: the jobs wait IDLE.
printf 'executable = /bin/true\nqueue 30\n' > j.sub
cq submit --terse j.sub >/dev/null || fail "submit failed"

TM=(tmux -S "$T/tmux.sock")
"${TM[@]}" -f /dev/null new-session -d -x 100 -y 12 "bash --norc --noprofile" ||
    skip "tmux cannot start a session here"
_tmux_kill() { "${TM[@]}" kill-server 2>/dev/null; }
trap '_rc=$?; _tmux_kill; (exit $_rc); _cleanup' EXIT
pane() { "${TM[@]}" capture-pane -p; }
"${TM[@]}" send-keys "CQ_SOCKET=$CQ_SOCKET NO_COLOR= $CQ_BIN q -w -n 0.2 -nobatch" Enter
drawn() { pane | grep -q '^Total for query: 30 jobs'; }
wait_until 10 drawn || fail "the totals line is not on the screen: $(pane)"
pane > frame
grep -q '^ID  *OWNER  *SUBMITTED' frame || fail "no header: $(cat frame)"
rows=$(grep -c '^[0-9][0-9]*\.[0-9]' frame)
hidden=$(sed -n 's/^\.\.\. \([0-9]*\) more rows not shown.*/\1/p' frame)
[ -n "$hidden" ] || fail "no line says how many rows are hidden: $(cat frame)"
[ $((rows + hidden)) -eq 30 ] || fail "$rows rows shown and $hidden hidden, not 30: $(cat frame)"
grep -q '^Total for query: 30 jobs; 0 completed, 0 removed, 30 idle, 0 running, 0 held, 0 suspended$' frame ||
    fail "the totals line is cut: $(cat frame)"
log "$rows rows shown, $hidden hidden, totals kept"

# Narrow: the totals are broken over lines, each whole.
"${TM[@]}" resize-window -x 50 -y 12 2>/dev/null || "${TM[@]}" resize-pane -x 50 -y 12
narrow() { pane | head -1 | grep -q '^Every 0.2s: cq q -nobatch' &&
    [ "$(pane | head -1 | wc -c)" -eq 51 ] && pane | grep -q '^Total for query: 30 jobs;.*,$'; }
wait_until 5 narrow || fail "the totals at 50 columns: $(pane)"
[ "$(pane | sed -n '/^Total for query/,$p' | tr -s ' \n' ' ')" = \
    "Total for query: 30 jobs; 0 completed, 0 removed, 30 idle, 0 running, 0 held, 0 suspended " ] ||
    fail "the broken totals lost words: $(pane)"
"${TM[@]}" send-keys q
exit 0
