#!/bin/bash
# t-xfer-big: 1 GiB of input files and a 2,000-file directory travel
# through the spool intact (checksums compared in the job), and a transfer
# cut halfway (the agent killed with SIGKILL while the big file arrives)
# leaves no file under its final name, only a .cq-part that the restarted
# agent sweeps; the job goes back to IDLE after the lease and succeeds on
# another agent.  Disk use is bounded (about 3 GiB at the peak) and
# everything is removed at the end.
# Slack for slow disks: 1 GiB is written and hashed three times.
: "${CQ_TEST_TIMEOUT:=600}"
export CQ_TEST_TIMEOUT
. "$(dirname "$0")/../lib/lib.sh"

avail=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
[ "$avail" -gt $((5 * 1024 * 1024)) ] || skip "less than 5 GiB free in $T"

# A lease long enough that a loaded machine moving 1 GiB over TLS still
# heartbeats in time, short enough that the cut job comes back soon.
start_schedd 8s
AGENT_EXTRA="filesystem_domain = d1" start_agent a1 1

mkdir -p sub/in/many
head -c $((768 * 1024 * 1024)) /dev/urandom > sub/in/big.dat
head -c $((256 * 1024 * 1024)) /dev/urandom > sub/in/big2.dat
for i in $(seq 1 2000); do
	echo "file $i $RANDOM" > "sub/in/many/f$i.txt"
done
(cd sub/in && sha256sum big.dat big2.dat > ../want.txt &&
    find many -type f | LC_ALL=C sort | xargs sha256sum | sha256sum >> ../want.txt)
cat > sub/job.sh <<'EOF'
#!/bin/sh
sha256sum big.dat big2.dat > sums.txt
find many -type f | LC_ALL=C sort | xargs sha256sum | sha256sum >> sums.txt
EOF
chmod +x sub/job.sh
cat > sub/big.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/sub
should_transfer_files = YES
transfer_input_files = in/big.dat, in/big2.dat, in/many
transfer_output_files = sums.txt
queue
SUB
id=$(cq submit --terse sub/big.sub) || fail "cq submit failed"
log "submitted $id with 1 GiB and 2,000 files"

# Cut the transfer of big.dat halfway: kill the agent.
part_growing() {
	local f
	f=$(find "$T/sandbox-a1" -name 'big.dat.cq-part' 2>/dev/null | head -1)
	[ -n "$f" ] && [ "$(stat -c %s "$f")" -gt $((64 * 1024 * 1024)) ]
}
wait_until 60 part_growing || fail "big.dat never started to arrive on a1"
stop_agent a1 KILL
log "agent a1 killed while big.dat arrived"
[ -z "$(find "$T/sandbox-a1" -name big.dat)" ] ||
    fail "a partial big.dat is under its final name"
[ -n "$(find "$T/sandbox-a1" -name 'big.dat.cq-part')" ] ||
    fail "no .cq-part in a1's sandbox: was the transfer really cut?"
# The job holds on to no agent for ever: its lease ends, it is IDLE.
is_idle() {
	[ "$(cq q --json | jq -r '.[0].JobStatus')" = 1 ]
}
wait_until 40 is_idle || fail "the job did not go back to IDLE: $(cq q --json)"

# a2 takes the job; a1 comes back and sweeps what was cut.
AGENT_EXTRA="filesystem_domain = d2" start_agent a2 1
on_a2() {
	[ "$(cq q --json | jq -r '.[0].RemoteHost')" = slot1@a2 ]
}
wait_until 20 on_a2 || fail "the job did not go to a2: $(cq q --json)"
AGENT_EXTRA="filesystem_domain = d1" start_agent a1 1
[ -z "$(find "$T/sandbox-a1" -name '*.cq-part')" ] ||
    fail "the restarted agent kept a .cq-part"
cq wait -t 180 "$id" || fail "the job did not succeed: $(cq history --json "$id")"
diff sub/want.txt sub/sums.txt > sums.diff ||
    fail "the inputs did not arrive intact: $(cat sums.diff)"
log "1 GiB and 2,000 files arrived intact on the second try"

left=$(find "$T" -name '*.cq-part' | head -5)
[ -z "$left" ] || fail "partial files left: $left"
wait_until 20 sh -c "[ -z \"\$(ls -A '$T/state/spool')\" ]" ||
    fail "the spool was not cleaned: $(ls -A "$T/state/spool")"
rm -rf sub
exit 0
