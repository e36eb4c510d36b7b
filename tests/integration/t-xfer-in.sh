#!/bin/bash
# t-xfer-in: file transfer through the spool.  The agent's
# filesystem_domain differs from the scheduler's, so an IF_NEEDED job's
# files travel: a file, a directory (by name), a directory's contents
# (trailing '/') and binary content reach the job's sandbox intact (the
# job checksums them into its output), the job never runs in initialdir,
# and its outputs come back into initialdir with the right content and
# owner.  No .cq-part file is left anywhere; the sandbox and the spool
# are cleaned up once the job is done.  A missing input is refused at
# submit (exit 2); outputs that cannot be written (initialdir gone) hold
# the job.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
AGENT_EXTRA="filesystem_domain = elsewhere" start_agent a1 1

mkdir -p sub/in/dir/deep sub/in/flat
printf 'hello\n' > sub/in/plain.txt
head -c 300000 /dev/urandom > sub/in/bin.dat
printf 'deep\n' > sub/in/dir/deep/d.txt
printf 'one\n' > sub/in/flat/one.txt
printf 'two\n' > sub/in/flat/two.txt
printf 'dot\n' > sub/in/flat/.dot
cat > sub/job.sh <<'EOF'
#!/bin/sh
# Runs in the sandbox: checksum what arrived, write outputs.
pwd > where.txt
sha256sum plain.txt bin.dat dir/deep/d.txt one.txt two.txt .dot > sums.txt
cp bin.dat copy.dat
echo "stdout line"
echo "stderr line" >&2
EOF
chmod +x sub/job.sh
(cd sub/in && sha256sum plain.txt bin.dat > ../want.txt &&
    sha256sum dir/deep/d.txt >> ../want.txt &&
    (cd flat && sha256sum one.txt two.txt .dot) >> ../want.txt)

cat > sub/x.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/sub
should_transfer_files = IF_NEEDED
transfer_input_files = in/plain.txt, in/bin.dat, in/dir, in/flat/
output = out.txt
error = err.txt
queue
SUB
id=$(cq submit --terse sub/x.sub) || fail "cq submit failed"
cq wait -t 60 "$id" || fail "job $id did not succeed: $(cq history --json "$id")"

[ -f sub/sums.txt ] || fail "sums.txt did not come back: $(ls sub)"
diff sub/want.txt sub/sums.txt >/dev/null ||
    fail "the inputs did not arrive intact: $(diff sub/want.txt sub/sums.txt)"
cmp -s sub/in/bin.dat sub/copy.dat || fail "copy.dat differs from bin.dat"
grep -q "$T/sandbox-a1/" sub/where.txt ||
    fail "the job did not run in a sandbox: $(cat sub/where.txt)"
[ "$(cat sub/out.txt)" = "stdout line" ] || fail "out.txt is '$(cat sub/out.txt)'"
[ "$(cat sub/err.txt)" = "stderr line" ] || fail "err.txt is '$(cat sub/err.txt)'"
[ "$(stat -c %u sub/sums.txt)" = "$(id -u)" ] || fail "sums.txt has the wrong owner"
# Inputs are not sent back: only what the job made or changed.
[ ! -e sub/plain.txt ] || fail "an unchanged input came back"
ev=$(sqlite3 "$T/state/queue.db" \
    "SELECT group_concat(event, ' ') FROM job_events WHERE cluster = $id AND event != 'run-as'")
[[ $ev == *"execute transfer-output terminate"* ]] ||
    fail "no TRANSFERRING_OUTPUT between the run and its end: $ev"
log "inputs intact in the sandbox; outputs back in initialdir"

left=$(find "$T" -name '*.cq-part' | head -5)
[ -z "$left" ] || fail "partial files left: $left"
wait_until 10 sh -c "[ -z \"\$(ls -A '$T/sandbox-a1')\" ]" ||
    fail "the sandbox was not removed: $(ls -A "$T/sandbox-a1")"
wait_until 10 sh -c "[ -z \"\$(ls -A '$T/state/spool')\" ]" ||
    fail "the spool was not cleaned: $(ls -A "$T/state/spool")"
log "no .cq-part files; sandbox and spool cleaned"

# A missing input: a clear error, exit 2, nothing submitted.
cat > sub/bad.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/sub
should_transfer_files = YES
transfer_input_files = in/plain.txt, in/nope.txt
queue
SUB
before=$(cq q --json | jq length)
cq submit sub/bad.sub 2> bad.err
rc=$?
[ "$rc" -eq 2 ] || fail "a missing input gave exit $rc, not 2"
grep -q "nope.txt" bad.err || fail "no clear error: $(cat bad.err)"
[ "$(cq q --json | jq length)" -eq "$before" ] || fail "a job was queued"
# What it uploaded before the error goes with its connection.
no_stage() {
	! ls "$T/state/spool" | grep -q '^stage\.'
}
wait_until 10 no_stage || fail "a staging area outlived its connection: $(ls "$T/state/spool")"
log "a missing input is refused with exit 2; its staging area is gone"

# A job that plants a symlink to a directory outside its sandbox and
# names a file through it as an output gets nothing from outside back.
mkdir -p secret evil
echo "not yours" > secret/s.txt
cat > evil/e.sub <<SUB
executable = /bin/sh
arguments = "-c 'ln -s $T/secret link; echo mine > mine.txt'"
initialdir = $T/evil
should_transfer_files = YES
transfer_output_files = mine.txt, link/s.txt
queue
SUB
e=$(cq submit --terse evil/e.sub) || fail "submit of e.sub failed"
# The output it names did not come from its sandbox: HELD, as HTCondor
# holds a job whose transfer_output_files are missing.
st_is() {
	[ "$(cq q --json | jq -r --arg c "$1" \
	    '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus')" = "$2" ]
}
wait_until 30 st_is "$e" 5 || fail "the symlink job is not HELD: $(cq q --json)"
[ "$(cat evil/mine.txt)" = mine ] || fail "mine.txt did not come back"
[ -z "$(find evil -name s.txt)" ] || fail "a file from outside the sandbox came back"
grep -q "link/s.txt not sent: a symbolic link on its path" "$T/agent-a1.log" ||
    fail "the agent did not refuse link/s.txt"
cq rm "$e" >/dev/null
log "a symlink out of the sandbox is not followed; the job is HELD"

# Its initialdir vanished while it ran: the outputs have nowhere to go,
# and trying again would not help: HELD.
mkdir gone
cat > gone/g.sub <<SUB
executable = /bin/sh
arguments = "-c 'sleep 2; echo x > r.txt'"
initialdir = $T/gone
should_transfer_files = YES
transfer_output_files = r.txt
queue
SUB
g=$(cq submit --terse gone/g.sub) || fail "submit of g.sub failed"
st_of() {
	[ "$(cq q --json | jq -r --arg c "$g" \
	    '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus')" = "$1" ]
}
wait_until 20 st_of 2 || fail "the job in gone/ did not start"
rm -rf gone
wait_until 30 st_of 5 || fail "the job whose initialdir vanished is not HELD: $(cq q --json)"
log "outputs with nowhere to go: the job is HELD"

_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
exit 0
