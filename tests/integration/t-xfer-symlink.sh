#!/bin/bash
# t-xfer-symlink: a directory of a sandbox swapped for a symlink while the
# outputs go back does not redirect the transfer (issue 10).  The job asks
# for transfer_output_files = big.bin, d/shadow, makes d/shadow (its own
# marker) and a 300 MB big.bin, and exits.  While big.bin is on its way
# the test, standing in for the job's owner outside the job, turns `d`
# into a symlink to a directory holding a 0600 "shadow" with a secret (in
# place of /etc).  To be sure the swap lands before d/shadow is read, the
# scheduler is stopped (SIGSTOP) as soon as big.bin starts to arrive, so
# the agent cannot get far past it, and continued after the swap.  The
# secret never comes back: d/shadow is refused with its reason (the run's
# transfer fails, the job runs again and brings its own d/shadow back).
# Run twice: with openat2, and with the component walk forced
# (CQ_SBFS_NO_OPENAT2=1, test-only).
: "${CQ_TEST_TIMEOUT:=400}"
export CQ_TEST_TIMEOUT
. "$(dirname "$0")/../lib/lib.sh"

avail=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
[ "$avail" -gt $((2 * 1024 * 1024)) ] || skip "less than 2 GiB free in $T"

SECRET="secret-$RANDOM-$RANDOM-outside-the-sandbox"
MINE="the-job-made-this-$RANDOM"
BIG_MB=300

mkdir -p "$T/etc"
echo "$SECRET" > "$T/etc/shadow"
chmod 600 "$T/etc/shadow"

start_schedd 10s

mkdir sub
cat > sub/job.sh <<EOF
#!/bin/sh
mkdir -p d && echo "$MINE" > d/shadow
head -c $((BIG_MB * 1024 * 1024)) /dev/zero > big.bin
EOF
chmod +x sub/job.sh
cat > sub/j.sub <<SUB
executable = \$(initialdir)/job.sh
initialdir = $T/sub
should_transfer_files = YES
transfer_output_files = big.bin, d/shadow
queue
SUB

# The secret nowhere under what came back.
no_secret() {
	! grep -rqs "$SECRET" sub
}

# attack AGENT: one job on AGENT, its d swapped while big.bin travels.
attack() {
	local agent=$1 id sb part size deadline
	rm -rf sub/d sub/big.bin
	id=$(cq submit --terse sub/j.sub) || fail "cq submit failed"
	id=$id.0
	# big.bin arrives at the scheduler as big.bin.cq-part: stop it there.
	deadline=$(( $(date +%s) + 120 ))
	until [ -e sub/big.bin.cq-part ]; do
		[ "$(date +%s)" -lt "$deadline" ] ||
		    fail "big.bin never started to arrive: $(cq q -a --json)"
		sleep 0.01
	done
	kill -STOP "$SCHEDD_PID"
	size=$(stat -c %s sub/big.bin.cq-part)
	# The agent is at most its queue and the socket buffers ahead of
	# what arrived: far from having finished big.bin.
	if [ "$size" -gt $(( (BIG_MB - 64) * 1024 * 1024 )) ]; then
		kill -CONT "$SCHEDD_PID"
		fail "big.bin had mostly arrived ($size bytes) before the swap"
	fi
	sb=$(find "$T/sandbox-$agent" -mindepth 1 -maxdepth 1 -name "$id.r*" |
	    head -1)
	if [ -z "$sb" ] || [ ! -d "$sb/d" ]; then
		kill -CONT "$SCHEDD_PID"
		fail "no sandbox with d/ on $agent: $(ls -la "$T/sandbox-$agent")"
	fi
	[ "$(stat -c %a "$sb")" = 700 ] ||
	    fail "the sandbox has mode $(stat -c %a "$sb"), not 700"
	# The owner's move: d becomes a link to "/etc".
	mv "$sb/d" "$sb/d.orig"
	ln -s "$T/etc" "$sb/d"
	kill -CONT "$SCHEDD_PID"
	log "$agent: d swapped for a symlink with $size bytes of big.bin arrived"
	refused() {
		grep -q "d/shadow in sandbox $sb: refused: a symbolic link on its path" \
		    "$T/agent-$agent.log"
	}
	outcome() {
		refused || ! no_secret || [ -e sub/d/shadow ]
	}
	wait_until 120 outcome || fail "d/shadow neither came back nor was refused"
	no_secret || fail "the secret came back: $(grep -rls "$SECRET" sub)"
	refused || fail "$agent did not refuse d/shadow with its reason"
	# The failed transfer sends the job round again; its own d/shadow
	# comes back, never the secret.
	cq wait -t 180 "$id" >/dev/null ||
	    fail "the job did not complete: $(cq history --json "$id")"
	no_secret || fail "the secret came back: $(grep -rls "$SECRET" sub)"
	[ "$(cat sub/d/shadow)" = "$MINE" ] ||
	    fail "d/shadow is not the job's own: $(cat sub/d/shadow)"
	[ "$(stat -c %s sub/big.bin)" -eq $((BIG_MB * 1024 * 1024)) ] ||
	    fail "big.bin did not come back whole"
	log "$agent: d/shadow refused after the swap; the secret never came back"
}

start_agent a1 1
grep -q "sandbox: paths are opened with openat2" "$T/agent-a1.log" ||
    log "a1 has no openat2: both runs use the component walk"
attack a1
stop_agent a1

export CQ_SBFS_NO_OPENAT2=1
start_agent a2 1
unset CQ_SBFS_NO_OPENAT2
grep -q "sandbox: paths are opened with a component walk" "$T/agent-a2.log" ||
    fail "CQ_SBFS_NO_OPENAT2=1 did not force the walk on a2"
attack a2
stop_agent a2

rm -rf sub
exit 0
