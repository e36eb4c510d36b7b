#!/bin/bash
# t-pool-restart: a personal pool brought back after a crash.  Its
# scheduler is killed (-9) with jobs in flight and brought back by `cq
# pool up`, then again by `cq pool restart`; `cq pool restart` replaces a
# scheduler that runs; an agent killed (-9) is brought back by `cq pool
# up`.  Each time the agents that still run are adopted (same pids, their
# pid files right), the scheduler comes back on the port they know, and
# every job completes exactly once (each appends its id to a file when it
# starts and when it ends).  `cq pool down` then stops every daemon and
# leaves no process behind.
. "$(dirname "$0")/../lib/lib.sh"

export CQ_HOME=$T/home CQ_SLOTS=2
at_cleanup "\"$CQ_BIN\" pool down >/dev/null 2>&1"
# Whatever a failed run leaves: the pool's daemons and the jobs.
at_cleanup "for p in \$(pgrep -f '$T/'); do kill -KILL \$p; done 2>/dev/null"

cq pool up --agents 2 > up.out 2>&1 || fail "cq pool up: $(cat up.out)"
addr=$(cat "$CQ_HOME/schedd/listen.addr")
[ -n "$addr" ] || fail "no listen.addr"

# The jobs sleep with a copy of sleep in $T, so a leftover shows.
cp "$(command -v sleep)" "$T/jsleep"
cat > job.sh <<JOB
#!/bin/sh
echo "\$1" >> "$T/started"
"$T/jsleep" 3
echo "\$1" >> "$T/done"
JOB
chmod +x job.sh
submit() {	# submit N: a cluster of N jobs; its id
	cat > jobs.sub <<SUB
executable = $T/job.sh
arguments = \$(Cluster).\$(Process)
output = /dev/null
error = $T/job-errors
queue $1
SUB
	cq submit --terse jobs.sub | head -n1 | cut -d. -f1
}
lines() {	# lines FILE PREFIX: how many lines of FILE start with PREFIX
	if [ -f "$1" ]; then grep -c "^$2\." "$1"; else echo 0; fi
}
started_at_least() {
	[ "$(lines "$T/started" "$1")" -ge "$2" ]
}
gone() {	# gone PID: no such process, or a zombie
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}
# kill9 PID: kill -9, and wait until it is gone (the signal takes a moment)
kill9() {
	kill -KILL "$1"
	wait_until 10 gone "$1" || fail "pid $1 did not die"
}
pidof_file() {
	cat "$CQ_HOME/run/$1.pid" 2>/dev/null
}
# The pool's agents as the kernel has them: comm cq-startd, our conf,
# and a parent that is none (the jobs' inits are their children).
agent_pids() {
	local p pp
	for p in $(pgrep -x cq-startd); do
		pp=$(awk '{ print $4 }' "/proc/$p/stat" 2>/dev/null)
		[ "$(cat "/proc/$pp/comm" 2>/dev/null)" = cq-startd ] &&
		    continue
		tr '\0' '\n' < "/proc/$p/cmdline" 2>/dev/null |
		    grep -qx "$CQ_HOME/startd.conf" && echo "$p"
	done | sort -n
}
# Every pid file names a live daemon of its kind, and no agent runs that
# has no pid file.
pids_right() {
	local p files
	p=$(pidof_file schedd)
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = cq-schedd ] ||
	    fail "schedd.pid says '$p', not a running cq-schedd"
	files=$(for i in 1 2; do pidof_file "startd-$i"; echo; done |
	    sed '/^$/d' | sort -n)
	[ "$files" = "$(agent_pids)" ] ||
	    fail "agent pid files say $(echo $files), the agents are $(echo $(agent_pids))"
}
# Each job of cluster C started once and ended once.
exactly_once() {
	local c=$1 n=$2 f
	for f in started done; do
		[ "$(lines "$T/$f" "$c")" -eq "$n" ] ||
		    fail "cluster $c: $(lines "$T/$f" "$c") lines in $f for $n jobs: $(grep "^$c\." "$T/$f" | sort | uniq -d | tr '\n' ' ')"
		[ "$(grep "^$c\." "$T/$f" | sort -u | wc -l)" -eq "$n" ] ||
		    fail "cluster $c: ids repeated in $f"
	done
}
pids_right
a1=$(pidof_file startd-1)
a2=$(pidof_file startd-2)

# 1. The scheduler killed mid-run, `cq pool up` brings it back.
c=$(submit 8) || fail "submit failed"
wait_until 20 started_at_least "$c" 3 || fail "cluster $c did not start"
kill9 "$(pidof_file schedd)"
log "scheduler killed with $(lines "$T/started" "$c") of cluster $c started"
cq pool up > up.out 2>&1 || fail "cq pool up after the kill: $(cat up.out)"
grep -q "2 still running, 0 started" up.out ||
    fail "cq pool up did not adopt both agents: $(cat up.out)"
[ "$(cat "$CQ_HOME/schedd/listen.addr")" = "$addr" ] ||
    fail "the scheduler came back on $(cat "$CQ_HOME/schedd/listen.addr"), not $addr"
[ "$(pidof_file startd-1) $(pidof_file startd-2)" = "$a1 $a2" ] ||
    fail "the agents were replaced: $(pidof_file startd-1) $(pidof_file startd-2), not $a1 $a2"
pids_right
cq wait -t 40 "$c" >/dev/null || fail "cluster $c did not finish"
exactly_once "$c" 8
grep -q "adopted job $c\." "$CQ_HOME/log/schedd.log" ||
    fail "the scheduler adopted no job of cluster $c"

# 2. Killed again, `cq pool restart` brings it back.
c=$(submit 4) || fail "submit failed"
wait_until 20 started_at_least "$c" 3 || fail "cluster $c did not start"
kill9 "$(pidof_file schedd)"
cq pool restart > up.out 2>&1 || fail "cq pool restart: $(cat up.out)"
grep -q "2 still running, 0 started" up.out ||
    fail "cq pool restart did not adopt both agents: $(cat up.out)"
pids_right
cq wait -t 40 "$c" >/dev/null || fail "cluster $c did not finish"
exactly_once "$c" 4

# 3. `cq pool restart` of a scheduler that runs, jobs in flight.
c=$(submit 4) || fail "submit failed"
wait_until 20 started_at_least "$c" 3 || fail "cluster $c did not start"
old=$(pidof_file schedd)
cq pool restart > up.out 2>&1 || fail "cq pool restart: $(cat up.out)"
grep -q "scheduler stopped (pid $old)" up.out ||
    fail "cq pool restart did not stop the scheduler: $(cat up.out)"
[ "$(pidof_file schedd)" != "$old" ] || fail "the scheduler is still pid $old"
pids_right
cq wait -t 40 "$c" >/dev/null || fail "cluster $c did not finish"
exactly_once "$c" 4

# 4. An agent killed (its jobs die with it): `cq pool up` starts it again
# and adopts the other; every job still ends once.
c=$(submit 4) || fail "submit failed"
wait_until 20 started_at_least "$c" 3 || fail "cluster $c did not start"
kill9 "$a2"
cq pool up > up.out 2>&1 || fail "cq pool up after an agent died: $(cat up.out)"
grep -q "still running).*1 still running, 1 started" up.out ||
    fail "cq pool up did not restart just agent 2: $(cat up.out)"
[ "$(pidof_file startd-1)" = "$a1" ] || fail "agent 1 was replaced"
[ "$(pidof_file startd-2)" != "$a2" ] || fail "startd-2.pid still says $a2"
pids_right
cq wait -t 40 "$c" >/dev/null || fail "cluster $c did not finish"
[ "$(grep "^$c\." "$T/done" | sort -u | wc -l)" -eq 4 ] &&
    [ "$(lines "$T/done" "$c")" -eq 4 ] ||
    fail "cluster $c: ended $(lines "$T/done" "$c") times for 4 jobs"
[ -s "$T/job-errors" ] && fail "the jobs wrote errors: $(head "$T/job-errors")"

# Down: every daemon, and nothing left behind.
cq pool down > down.out 2>&1 || fail "cq pool down: $(cat down.out)"
grep -q "3 daemon(s) stopped" down.out || fail "cq pool down: $(cat down.out)"
left=$(pgrep -f "$T/")
[ -z "$left" ] || fail "left running: $(ps -o pid,comm,args -p $(echo $left | tr ' ' ,))"
ls "$CQ_HOME"/run/*.pid >/dev/null 2>&1 &&
    fail "pid files left: $(ls "$CQ_HOME"/run/*.pid)"
# (lib.sh looks at $T/*.log only: the pool's logs are under CQ_HOME.)
if grep -lE "$_sanitizer_re" "$CQ_HOME"/log/*.log "$T"/*.out 2>/dev/null; then
	grep -hE -A 12 "$_sanitizer_re" "$CQ_HOME"/log/*.log "$T"/*.out |
	    head -60 >&2
	fail "sanitizer report"
fi
exit 0
