#!/bin/bash
# t-wait-logs: `cq wait` exits as the job did (3 for exit 3, 128+9 for
# SIGKILL, the first failing proc of a cluster, 1 with a message on
# -timeout); `cq logs` prints a running job's stdout (and stderr) so far
# and `-f` follows until the job leaves the queue; `cq history` shows the
# exit code and the machine; `cq why` names the memory reason for a job
# asking more memory than any slot has, where a running job runs and a
# held job's reason.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 2

cat > exit.sh <<'SH'
#!/bin/sh
exit "$1"
SH
cat > selfkill.sh <<'SH'
#!/bin/sh
kill -9 $$
SH
cat > talk.sh <<'SH'
#!/bin/sh
echo "line one"
echo "an error line" >&2
exec sleep 300
SH
chmod +x exit.sh selfkill.sh talk.sh

# wait mirrors the exit code.
j=$(cq submit --terse -- "$T/exit.sh" 3) || fail "submit failed"
cq wait -timeout 20 "$j"
rc=$?
[ "$rc" -eq 3 ] || fail "cq wait of a job exiting 3 returned $rc"
k=$(cq submit --terse -- "$T/selfkill.sh") || fail "submit failed"
cq wait -timeout 20 "$k"
rc=$?
[ "$rc" -eq 137 ] || fail "cq wait of a job killed by SIGKILL returned $rc, not 137"
cat > two.sub <<SUB
executable = $T/exit.sh
arguments = \$(Process)
queue 3
SUB
c=$(cq submit --terse two.sub) || fail "submit failed"
cq wait -timeout 20 "$c"
rc=$?
[ "$rc" -eq 1 ] || fail "cq wait of a cluster exiting 0,1,2 returned $rc, not 1"
log "cq wait: 3, 137, 1 as expected"

# history: exit code, signal and machine.
row=$(cq history --json "$j" | jq -c '.[0]')
[ "$(jq -r .ExitCode <<<"$row")" = 3 ] || fail "history exit code: $row"
case $(jq -r .LastRemoteHost <<<"$row") in slot?@a1) ;; *) fail "history machine: $row" ;; esac
[ "$(cq history --json "$k" | jq -r '.[0].ExitSignal')" = 9 ] ||
    fail "history signal: $(cq history --json "$k")"
out=$(cq history "$j") || fail "cq history failed"
grep -q "slot.@a1" <<<"$out" || fail "history table has no machine: $out"
[ "$(cq history --json -limit 2 | jq length)" -eq 2 ] || fail "history -limit 2"

# logs of a running job.
cat > talk.sub <<SUB
executable = $T/talk.sh
output = $T/talk.out
error = $T/talk.err
queue
SUB
t=$(cq submit --terse talk.sub) || fail "submit failed"
has_line() { [ "$(cq logs --stdout "$t")" = "line one" ]; }
wait_until 10 has_line || fail "cq logs --stdout: '$(cq logs --stdout "$t" 2>&1)'"
[ "$(cq logs --stderr "$t")" = "an error line" ] || fail "cq logs --stderr: $(cq logs --stderr "$t" 2>&1)"
[ "$(cq logs "$t" 2>/dev/null)" = "line one" ] || fail "cq logs stdout part"
[ "$(cq logs "$t" 2>&1 >/dev/null)" = "an error line" ] || fail "cq logs stderr part"
cq logs -f --stdout "$t" > follow.out 2>&1 &
fpid=$!
sleep 0.5
kill -0 "$fpid" 2>/dev/null || fail "cq logs -f ended while the job runs"
cq rm "$t" >/dev/null
ended() { ! kill -0 "$fpid" 2>/dev/null; }
wait_until 10 ended || fail "cq logs -f did not end when the job left"
[ "$(cat follow.out)" = "line one" ] || fail "cq logs -f printed: $(cat follow.out)"
out=$(cq logs "$c.0" 2>&1) && fail "cq logs of a job with no output succeeded: $out"
grep -q "no output file" <<<"$out" || fail "cq logs of a job without output said: $out"
[ "$(cq logs "$j")" = "" ] || fail "cq logs of a finished job with empty output"
log "cq logs as expected"

# why: memory, running, held.
cat > big.sub <<SUB
executable = /bin/true
request_memory = 100000
queue
SUB
big=$(cq submit --terse big.sub) || fail "submit failed"
out=$(cq why "$big") || fail "cq why failed: $out"
grep -q "2 slots: too little memory (job asks 100000 MiB, largest slot [0-9]* MiB)" <<<"$out" ||
    fail "cq why: $out"
s=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
running() { cq why "$s" | grep -q "running on slot.@a1"; }
wait_until 10 running || fail "cq why of a running job: $(cq why "$s")"
cq hold -reason "for the test" "$s" >/dev/null
cq why "$s" | grep -q "held: for the test" || fail "cq why of a held job: $(cq why "$s")"
out=$(cq wait -timeout 1 "$big" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "cq wait -timeout 1 returned $rc"
grep -q "timed out" <<<"$out" || fail "no timeout message: $out"
cq wait -timeout x "$big" 2>/dev/null
[ $? -eq 2 ] || fail "cq wait -timeout x is not a usage error"
cq rm -a >/dev/null
log "cq why and cq wait -timeout as expected"
