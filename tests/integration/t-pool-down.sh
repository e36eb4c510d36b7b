#!/bin/bash
# t-pool-down: `cq pool down` over a pool whose scheduler crashed while
# its jobs ran.  The jobs end while no scheduler hears of it; `cq pool
# down` starts the scheduler again first, so the agents report those
# ends before they stop, and after `cq pool up` no job runs again: each
# started once, ended once, and is in the history once, completed.
. "$(dirname "$0")/../lib/lib.sh"

export CQ_HOME=$T/home CQ_SLOTS=2
at_cleanup "\"$CQ_BIN\" pool down >/dev/null 2>&1"
at_cleanup "for p in \$(pgrep -f '$T/'); do kill -KILL \$p; done 2>/dev/null"

cq pool up --agents 2 > up.out 2>&1 || fail "cq pool up: $(cat up.out)"
cat > job.sh <<JOB
#!/bin/sh
echo "\$1" >> "$T/started"
sleep 1
echo "\$1" >> "$T/done"
JOB
chmod +x job.sh
cat > jobs.sub <<SUB
executable = $T/job.sh
arguments = \$(Cluster).\$(Process)
output = /dev/null
error = $T/job-errors
queue 4
SUB
c=$(cq submit --terse jobs.sub | head -n1 | cut -d. -f1) || fail "submit failed"
lines() {
	if [ -f "$T/$1" ]; then wc -l < "$T/$1"; else echo 0; fi
}
at_least() {
	[ "$(lines "$1")" -ge "$2" ]
}
wait_until 20 at_least started 4 || fail "the 4 jobs did not start"
s=$(cat "$CQ_HOME/run/schedd.pid")
kill -KILL "$s"
gone() {	# gone PID: no such process, or a zombie
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}
wait_until 10 gone "$s" || fail "the scheduler did not die"
wait_until 20 at_least done 4 || fail "the 4 jobs did not end"
log "the scheduler killed; the 4 jobs ended without it"

cq pool down > down.out 2>&1 || fail "cq pool down: $(cat down.out)"
grep -q "starting it so the agents can report" down.out ||
    fail "cq pool down did not bring the scheduler back: $(cat down.out)"
grep -q "3 daemon(s) stopped" down.out || fail "cq pool down: $(cat down.out)"
[ -z "$(pgrep -f "$T/")" ] || fail "left running after down: $(pgrep -af "$T/")"

cq pool up > up.out 2>&1 || fail "cq pool up: $(cat up.out)"
grep -q "2 agent(s)" up.out || fail "cq pool up: $(cat up.out)"
[ "$(cq q -a --json | jq length)" -eq 0 ] ||
    fail "jobs back in the queue: $(cq q -a --json | jq -c '[.[] | {ClusterId, ProcId, JobStatus}]')"
hist=$(cq history --json "$c") || fail "cq history failed"
[ "$(jq length <<<"$hist")" -eq 4 ] &&
    [ "$(jq '[.[] | select(.JobStatus == 4 and .ExitCode == 0)] | length' <<<"$hist")" -eq 4 ] ||
    fail "history: $(jq -c '[.[] | {ClusterId, ProcId, JobStatus, ExitCode}]' <<<"$hist")"
# (An empty queue: none of them can start again.)
[ "$(lines started)" -eq 4 ] && [ "$(sort -u "$T/started" | wc -l)" -eq 4 ] ||
    fail "started $(lines started) times: $(sort "$T/started" | uniq -d | tr '\n' ' ')"
[ "$(lines done)" -eq 4 ] || fail "ended $(lines done) times"
[ -s "$T/job-errors" ] && fail "the jobs wrote errors: $(head "$T/job-errors")"
cq pool down > down.out 2>&1 || fail "cq pool down: $(cat down.out)"
# (lib.sh looks at $T/*.log only: the pool's logs are under CQ_HOME.)
if grep -lE "$_sanitizer_re" "$CQ_HOME"/log/*.log "$T"/*.out 2>/dev/null; then
	grep -hE -A 12 "$_sanitizer_re" "$CQ_HOME"/log/*.log "$T"/*.out |
	    head -60 >&2
	fail "sanitizer report"
fi
exit 0
