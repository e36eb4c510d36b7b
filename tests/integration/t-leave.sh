#!/bin/bash
# t-leave: SIGTERM to a busy agent (a shutdown) vacates its jobs, which are
# back to IDLE within max_vacate_time + 1 s even when a job ignores the
# checkpoint signal; the agent says goodbye (OFFLINE at once, no lease
# wait) and exits; the jobs then run elsewhere and nothing is lost.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 60s
AGENT_EXTRA="max_vacate_time = 2s" start_agent busy 2

cat > stubborn.sh <<'SH'
#!/bin/sh
trap '' TERM
sleep 300 & wait; sleep 300
SH
chmod +x stubborn.sh
printf 'executable = %s\nqueue\n' "$T/stubborn.sh" > a.sub
a=$(cq submit --terse a.sub) || fail "submit failed"
b=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
running() { [ "$(count_jobs '.JobStatus == 2')" -eq 2 ]; }
wait_until 10 running || fail "jobs not running: $(cq q --json)"

t0=$(now_ms)
kill -TERM "${AGENT_PID[busy]}"
idle() { [ "$(count_jobs '.JobStatus == 1')" -eq 2 ]; }
wait_until 10 idle || fail "jobs not back to IDLE: $(cq q --json)"
dt=$(( $(now_ms) - t0 ))
log "both jobs IDLE ${dt} ms after SIGTERM (max_vacate_time 2 s)"
[ "$dt" -le 3500 ] || fail "jobs took ${dt} ms to come back (> max_vacate_time + 1 s + 0.5 s)"
gone() { ! kill -0 "${AGENT_PID[busy]}" 2>/dev/null; }
wait_until 5 gone || fail "the agent did not exit"
offline() { cq status --json | jq -e '[.[] | select(.Machine == "busy" and .CqState == "OFFLINE")] | length == 2' >/dev/null; }
offline || fail "the agent's slots are not OFFLINE at once: $(cq status --json)"
grep -q "says goodbye" schedd.log || fail "no goodbye in the scheduler log"
unset "AGENT_PID[busy]"

start_agent other 2
both_run() { [ "$(count_jobs '.JobStatus == 2 and (.RemoteHost | endswith("@other"))')" -eq 2 ]; }
wait_until 10 both_run || fail "jobs did not run elsewhere: $(cq q --json)"
cq rm "$a" "$b" >/dev/null
