#!/bin/bash
# t-xferexe: transfer_executable = false on a real agent whose files
# travel (another filesystem_domain).  The executable is not sent: the
# agent runs the path as written (a script reports its own $0, the
# submit-side path, while its working directory is the sandbox), and a
# relative one from the job's sandbox, as HTCondor's starter does.  Its
# path is not checked at submit; one the execute machine lacks, or
# cannot execute, holds the job with HTCondor's hold code 6
# (FailedToCreateProcess) and a reason naming the path and the error.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
AGENT_EXTRA="filesystem_domain = elsewhere" start_agent a1 2

# The job's user reads the scripts where they are.
chmod 711 "$T"
mkdir -m 755 "$T/bin"
cat > "$T/bin/where.sh" <<'EOF'
#!/bin/sh
echo "exe $0"
echo "pwd $PWD"
EOF
chmod 755 "$T/bin/where.sh"
printf '#!/bin/sh\necho never\n' > "$T/bin/noexec.sh"
chmod 644 "$T/bin/noexec.sh"
mkdir rel
printf '#!/bin/sh\necho relative "$@"\n' > rel/hello.sh
chmod 755 rel/hello.sh

cat > run.sub <<SUB
should_transfer_files = YES
transfer_executable = false
executable = $T/bin/where.sh
output = where.out
queue
executable = /bin/echo
arguments = echo ran
output = echo.out
queue
executable = hello.sh
arguments = there
transfer_input_files = rel/hello.sh
output = hello.out
queue
SUB
c=$(cq submit --terse run.sub) || fail "cq submit run.sub failed"
# The relative executable is kept as written (not made absolute), and
# the job ad says it is not transferred, as condor_submit's.
ad=$(cq q -af Cmd TransferExecutable "$c.2") || fail "cq q -af failed"
[ "$ad" = "hello.sh false" ] || fail "job $c.2: Cmd and TransferExecutable are '$ad'"
wait_queue_empty 30 || fail "cluster $c not done within 30 s: $(cq q --json)"
grep -qx "exe $T/bin/where.sh" where.out ||
    fail "where.sh did not run from its own path: $(cat where.out)"
pwd=$(sed -n 's/^pwd //p' where.out)
[ -n "$pwd" ] && [ "$pwd" != "$PWD" ] && [ "$pwd" != "$T/bin" ] ||
    fail "where.sh did not run in a sandbox: $(cat where.out)"
[ "$(cat echo.out)" = "echo ran" ] || fail "echo.out is '$(cat echo.out)'"
[ "$(cat hello.out)" = "relative there" ] ||
    fail "the relative executable did not run from the sandbox: '$(cat hello.out)'"
log "transfer_executable = false: absolute, system and relative executables ran"

# Not checked at submit; held on the agent with code 6 and the reason.
cat > bad.sub <<SUB
should_transfer_files = YES
transfer_executable = false
executable = $T/no-such-dir/prog
output = missing.out
queue
executable = $T/bin/noexec.sh
output = noexec.out
queue
SUB
h=$(cq submit --terse bad.sub) || fail "a missing executable not transferred was refused at submit"
held() {
	[ "$(cq q -af JobStatus "$h.0" "$h.1" | sort -u)" = 5 ]
}
wait_until 20 held || fail "cluster $h not HELD: $(cq q -af ProcId JobStatus HoldReason "$h")"
got=$(cq q -af HoldReasonCode HoldReason "$h.0")
[ "$got" = "6 could not start: failed to execute '$T/no-such-dir/prog' on this machine (transfer_executable = false: it is not sent): No such file or directory" ] ||
    fail "hold of the missing executable: '$got'"
got=$(cq q -af HoldReasonCode HoldReason "$h.1")
[ "$got" = "6 could not start: failed to execute '$T/bin/noexec.sh' on this machine (transfer_executable = false: it is not sent): Permission denied" ] ||
    fail "hold of the executable without x: '$got'"
[ ! -e noexec.out ] || [ ! -s noexec.out ] || fail "noexec.sh ran: $(cat noexec.out)"
log "missing and non-executable paths: HELD with code 6 and the reason"

# The slots are free again.
j=$(cq submit --terse -- /bin/true) || fail "submit /bin/true failed"
cq wait -t 20 "$j" || fail "/bin/true after the held jobs did not succeed"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
exit 0
