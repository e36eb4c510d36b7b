#!/bin/bash
# t-q-watch: `cq q -w -nobatch` in a tmux pane shows a job go from IDLE to
# RUNNING to gone, redrawing in place: every screen captured (every 50 ms)
# while it runs has the table's header, so no frame was ever blank (no
# flicker), and the screen is never cleared between frames.  `q` ends it
# and the terminal is restored (alternate screen left, cursor shown, the
# shell's prompt back); so do Ctrl-C and SIGTERM; a resized window is
# redrawn at its new width at once; a lost scheduler is a message line.
. "$(dirname "$0")/../lib/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed (scripts/deps.sh)"

start_schedd 10s
cat > wait.sh <<'SH'
#!/bin/sh
while [ ! -e "$1" ]; do sleep 0.1; done
SH
chmod +x wait.sh
# Submitted before any agent registers: it waits IDLE.
c=$(cq submit --terse -- "$T/wait.sh" "$T/go") || fail "submit failed"

TM=(tmux -S "$T/tmux.sock")
"${TM[@]}" -f /dev/null new-session -d -x 120 -y 30 "bash --norc --noprofile" ||
    skip "tmux cannot start a session here"
_tmux_kill() { "${TM[@]}" kill-server 2>/dev/null; }
trap '_rc=$?; _tmux_kill; (exit $_rc); _cleanup' EXIT
pane() { "${TM[@]}" capture-pane -p; }
flag() { "${TM[@]}" display -p "#{$1}"; }
"${TM[@]}" send-keys "PS1='PROMPT\$ '; clear" Enter
sleep 0.3
# Every byte cq writes to the terminal, to check how frames are drawn.
"${TM[@]}" pipe-pane -o "cat > '$T/pane.raw'"
"${TM[@]}" send-keys "CQ_SOCKET=$CQ_SOCKET NO_COLOR= $CQ_BIN q -w -n 0.2 -nobatch; echo CQ-EXITED rc=\$?" Enter
on_screen() { [ "$(flag alternate_on)" = 1 ] && pane | grep -q '^ID  *OWNER  *SUBMITTED'; }
wait_until 10 on_screen || fail "no live view: $(pane)"

# The job's ST column (the 6th field of its row), or "gone".
frames=0
st_in() {
	awk -v id="$c.0" '$1 == id { print $6; found = 1 } END { if (!found) print "gone" }' "$1"
}
# watch_for STATE SECS: capture until the job shows STATE; every frame
# must have the header.
watch_for() {
	local want=$1 deadline=$(( $(now_ms) + $2 * 1000 )) st
	while [ "$(now_ms)" -lt "$deadline" ]; do
		pane > frame
		frames=$((frames + 1))
		grep -q '^ID  *OWNER  *SUBMITTED  *RUN_TIME  *ST  *PRI  *SIZE  *CKPT  *EVICT  *CMD' frame ||
		    { cp frame "flicker.$frames"; fail "frame $frames has no header: $(cat frame)"; }
		st=$(st_in frame)
		[ "$st" = "$want" ] && return 0
		sleep 0.05
	done
	fail "job $c.0 not $want within $2 s; last frame: $(cat frame)"
}
watch_for I 5
# A while of frames (about 2 s, ten redraws): none may lack the header.
for _i in $(seq 40); do sleep 0.05; watch_for I 5; done
log "seen IDLE in $frames frames"
start_agent a1 1
watch_for R 10
log "seen RUNNING"
touch go
watch_for gone 10
grep -q '^Total for query: 0 jobs' frame || fail "totals: $(cat frame)"
log "seen gone after $frames frames, all with the header"

# q quits and restores the terminal.
"${TM[@]}" send-keys q
restored() { pane | grep -q '^CQ-EXITED rc=0' && [ "$(flag alternate_on)" = 0 ]; }
wait_until 5 restored || fail "cq q -w did not end on q: $(pane)"
[ "$(flag cursor_flag)" = 1 ] || fail "the cursor is still hidden"
pane | grep -q '^PROMPT\$' || fail "no shell prompt after cq q -w: $(pane)"
# Drawn in place: the screen is cleared once (entering the alternate
# screen), never between frames; each frame erases below itself.
"${TM[@]}" pipe-pane
clears=$(grep -o $'\033\[2J' pane.raw | wc -l)
erases=$(grep -o $'\033\[J' pane.raw | wc -l)
[ "$clears" -eq 1 ] || fail "the screen was cleared $clears times"
[ "$erases" -ge 10 ] || fail "only $erases frames drawn"
grep -q $'\033\[?1049h' pane.raw && grep -q $'\033\[?1049l' pane.raw ||
    fail "the alternate screen was not used"

# Ctrl-C ends it cleanly too, and so does a lost scheduler not.
"${TM[@]}" send-keys "clear; CQ_SOCKET=$CQ_SOCKET $CQ_BIN status -w -n 0.2; echo CQ-EXITED rc=\$?" Enter
status_on() { [ "$(flag alternate_on)" = 1 ] && pane | grep -q '^NAME  *STATE  *ACTIVITY'; }
wait_until 10 status_on || fail "no live cq status: $(pane)"
stop_schedd
lost() { pane | grep -q 'cannot reach the scheduler.*retrying'; }
wait_until 5 lost || fail "no message for a lost scheduler: $(pane)"
[ "$(flag alternate_on)" = 1 ] || fail "the live view died with the scheduler"
"${TM[@]}" send-keys C-c
wait_until 5 restored || fail "cq status -w did not end on Ctrl-C: $(pane)"

# A smaller window is drawn at its new width (SIGWINCH); SIGTERM ends
# the view and restores the terminal.
"${TM[@]}" send-keys "clear; $CQ_BIN q -w -n 5; echo CQ-EXITED rc=\$?" Enter
titled() { [ "$(flag alternate_on)" = 1 ] &&
    pane | head -1 | grep -q "^Every 5.0s: cq q  *[0-9:]\{8\}\$"; }
wait_until 10 titled || fail "no live cq q: $(pane)"
[ "$(pane | head -1 | wc -c)" -eq 121 ] || fail "title not 120 wide: $(pane | head -1)"
"${TM[@]}" resize-window -x 70 -y 20 2>/dev/null ||
    "${TM[@]}" resize-pane -x 70 -y 20
narrow() { pane | head -1 | grep -q "^Every 5.0s: cq q  *[0-9:]\{8\}\$" &&
    [ "$(pane | head -1 | wc -c)" -eq 71 ]; }
# Within the 5 s interval: only SIGWINCH can have redrawn it.
wait_until 3 narrow || fail "not redrawn at 70 columns: $(pane | head -1)"
kill -TERM "$(pgrep -P "$(flag pane_pid)" cq)" || fail "no cq process in the pane"
wait_until 5 restored || fail "cq q -w did not end on SIGTERM: $(pane)"
[ "$(flag cursor_flag)" = 1 ] || fail "the cursor is still hidden after SIGTERM"
log "q, Ctrl-C and SIGTERM restore the terminal; SIGWINCH redraws"
