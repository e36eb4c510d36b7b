#!/bin/bash
# t-xfer-owner: transfer for a user who is not the daemons' (root runs
# them): `cq submit` as nobody reads the inputs as nobody, the agent runs
# the job as nobody in a sandbox nobody owns, and the scheduler writes the
# outputs into initialdir as nobody, so they are nobody's and a directory
# nobody may not write refuses them (the job is HELD, nothing written).
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to run jobs as another user"
command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed"
id nobody >/dev/null 2>&1 || skip "no user nobody"
nuid=$(id -u nobody)
ngid=$(id -g nobody)
as_nobody() {
	setpriv --reuid="$nuid" --regid="$ngid" --clear-groups "$@"
}

chmod 711 "$T"
start_schedd 10s
AGENT_EXTRA="filesystem_domain = elsewhere" start_agent a1 1

mkdir -p home/in
echo "for nobody" > home/in/data.txt
cat > home/job.sh <<'EOF'
#!/bin/sh
id -u > who.txt
cat data.txt > copy.txt
EOF
chmod 755 home/job.sh
cat > home/j.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/home
should_transfer_files = YES
transfer_input_files = in/data.txt
queue
SUB
chown -R "$nuid:$ngid" home
id=$(cd home && as_nobody "$CQ_BIN" submit --terse j.sub) ||
    fail "cq submit as nobody failed"
cq wait -t 30 "$id" || fail "the job did not complete: $(cq history --json "$id")"
[ "$(cat home/who.txt)" = "$nuid" ] || fail "the job ran as $(cat home/who.txt)"
[ "$(cat home/copy.txt)" = "for nobody" ] || fail "copy.txt is wrong"
[ "$(stat -c %u home/copy.txt)" = "$nuid" ] ||
    fail "copy.txt belongs to uid $(stat -c %u home/copy.txt), not nobody"
log "inputs read, job run and outputs written as nobody"

# A directory nobody cannot write: the outputs are refused, the job HELD.
mkdir -p ro
cp home/job.sh home/in/data.txt ro/
cat > ro/j.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/ro
should_transfer_files = YES
transfer_input_files = data.txt
queue
SUB
chmod 755 ro
chmod 644 ro/data.txt ro/j.sub
r=$(cd ro && as_nobody "$CQ_BIN" submit --terse j.sub) ||
    fail "cq submit in ro/ failed"
held() {
	[ "$(cq q -allusers --json | jq -r --arg c "$r" \
	    '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus')" = 5 ]
}
wait_until 30 held || fail "the job with an unwritable initialdir is not HELD: $(cq q -allusers --json)"
[ ! -e ro/copy.txt ] || fail "an output was written where nobody may not write"
log "an initialdir nobody cannot write: HELD, nothing written"
exit 0
