#!/bin/bash
# t-ssh: `cq -H ssh://...` against a real sshd on 127.0.0.1 (its own host
# keys, config and port; PATH and CQ_SOCKET set by sshd so the login finds
# our cq and this test's scheduler).  The client's HOME is private, with
# its own key and known_hosts, and its CQ_SOCKET points nowhere, so
# nothing can go through a local socket by mistake.
#
# Through SSH: a submit whose input file is uploaded (the file is gone
# before the job runs, and the job still reads it), q, rm of a second
# job, wait (exit code mirrored), logs (run on the far side); CQ_HOST
# works like -H.  The scheduler sees the far side's uid (a login whose
# proxy runs as nobody submits as nobody and cannot remove root's job),
# not this one's.  A host with two keys is accepted by either one
# known_hosts holds; hashed known_hosts entries and the ssh-agent work.
#
# Refused in one line, exit 1, nothing submitted: an unknown host key
# (empty known_hosts; the message names the file and the SHA256
# fingerprint ssh-keygen prints), a plain entry for the host without its
# port, a wrong host key (file:line named); a key the server does not
# take (the methods tried are listed); a login without cq on its PATH;
# a scheduler that is not running; no sshd listening.
. "$(dirname "$0")/../lib/lib.sh"

SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || skip "no $SSHD (Debian package openssh-server)"
command -v ssh-keygen >/dev/null 2>&1 ||
    skip "no ssh-keygen (Debian package openssh-client)"
if [ ! -d /run/sshd ]; then
	# sshd's privilege separation directory (the package makes it at boot).
	[ "$(id -u)" = 0 ] || skip "sshd needs /run/sshd and we are not root"
	mkdir -p -m 0755 /run/sshd || skip "cannot make /run/sshd"
fi
me=$(id -un)
unset SSH_AUTH_SOCK SSH_AGENT_PID

start_schedd 10s
SOCK=$T/schedd.sock

# --- sshd ----------------------------------------------------------------
mkdir -p "$T/sshd"
# Two host keys: libssh2 asks for ecdsa first unless told which is known.
ssh-keygen -q -t ed25519 -N '' -C cq-test-host -f "$T/sshd/host_ed25519" &&
    ssh-keygen -q -t ecdsa -N '' -C cq-test-host -f "$T/sshd/host_ecdsa" ||
    fail "ssh-keygen (host keys) failed"
# client homes: good (key authorized), nocq (forced PATH without cq),
# stranger (key not authorized)
for h in home nocq stranger nobody; do
	mkdir -p -m 0700 "$T/$h/.ssh"
	ssh-keygen -q -t ed25519 -N '' -C "cq-test-$h" \
	    -f "$T/$h/.ssh/id_ed25519" || fail "ssh-keygen ($h) failed"
done
{
	cat "$T/home/.ssh/id_ed25519.pub"
	printf 'command="env PATH=/var/empty /bin/sh -c \\"$SSH_ORIGINAL_COMMAND\\"" %s\n' \
	    "$(cat "$T/nocq/.ssh/id_ed25519.pub")"
	# The far side as another uid: what the scheduler sees is the proxy's.
	printf 'command="setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -c \\"$SSH_ORIGINAL_COMMAND\\"" %s\n' \
	    "$(cat "$T/nobody/.ssh/id_ed25519.pub")"
} > "$T/sshd/authorized_keys"

write_sshd_conf() {
	cat > "$T/sshd/sshd_config" <<EOF
# written by $TEST_NAME
Port $1
ListenAddress 127.0.0.1
HostKey $T/sshd/host_ed25519
HostKey $T/sshd/host_ecdsa
PidFile $T/sshd/sshd.pid
UsePAM no
StrictModes no
AuthorizedKeysFile $T/sshd/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $me
SetEnv PATH=$CQ_BUILDDIR:/usr/bin:/bin CQ_SOCKET=$SOCK
LogLevel VERBOSE
EOF
}

port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_sshd_conf 22222
out=$("$SSHD" -t -f "$T/sshd/sshd_config" 2>&1) ||
    skip "sshd -t refuses its configuration: $out"
SSHD_PID=
for try in 1 2 3 4 5 6 7 8; do
	port=$((20000 + RANDOM % 40000))
	port_open "$port" && continue
	write_sshd_conf "$port"
	"$SSHD" -D -e -f "$T/sshd/sshd_config" >> "$T/sshd.log" 2>&1 &
	SSHD_PID=$!
	disown "$SSHD_PID"
	if wait_until 5 port_open "$port" && _pid_alive "$SSHD_PID"; then
		break
	fi
	_stop_pid "$SSHD_PID"
	SSHD_PID=
done
[ -n "$SSHD_PID" ] || skip "sshd would not start: $(tail -3 "$T/sshd.log")"
at_cleanup "_stop_pid $SSHD_PID"
log "sshd pid $SSHD_PID on 127.0.0.1:$port"

URL=ssh://$me@127.0.0.1:$port
hostkey=$(cut -d' ' -f1,2 "$T/sshd/host_ed25519.pub")
fp=$(ssh-keygen -l -f "$T/sshd/host_ed25519.pub" | cut -d' ' -f2)
fp_re=$(printf '%s' "$fp" | sed 's/[][\.*^$+?(){}|]/\\&/g')
for h in home nocq stranger nobody; do
	echo "[127.0.0.1]:$port $hostkey" > "$T/$h/.ssh/known_hosts"
done

# rcq HOME ARGS...: cq through SSH with that home; no local socket.
rcq() {
	local h=$1
	shift
	HOME=$T/$h CQ_SOCKET=$T/nowhere.sock "$CQ_BIN" -H "$URL" "$@"
}
njobs() {
	cq q -a --json | jq length
}

# --- submit with an uploaded input, q, wait ---------------------------------
mkdir -p "$T/sub/in"
printf 'hello over ssh\n' > "$T/sub/in/data.txt"
cat > "$T/sub/job.sh" <<'EOF'
#!/bin/sh
cat data.txt
tr a-z A-Z < data.txt > up.txt
exit 3
EOF
chmod +x "$T/sub/job.sh"
cat > "$T/sub/x.sub" <<EOF
executable = \$(initialdir)/job.sh
initialdir = $T/sub
should_transfer_files = YES
transfer_input_files = in/data.txt
output = out.txt
error = err.txt
queue
EOF
id=$(cd "$T/sub" && rcq home submit --terse x.sub 2>"$T/submit.err") ||
    fail "cq -H submit failed: $(cat "$T/submit.err")"
log "submitted $id through ssh"
grep -q "Accepted publickey for $me" "$T/sshd.log" ||
    fail "sshd logged no public key login: $(tail -5 "$T/sshd.log")"
# The input travelled with the submit: it is not read again from here.
rm -f "$T/sub/in/data.txt"
rcq home q --json > "$T/q.json" || fail "cq -H q failed"
jq -e --arg c "${id%%.*}" '[.[] | select((.ClusterId|tostring) == $c)] | length == 1' \
    "$T/q.json" >/dev/null || fail "cq -H q does not show $id: $(cat "$T/q.json")"
CQ_HOST=$URL HOME=$T/home CQ_SOCKET=$T/nowhere.sock "$CQ_BIN" q --json \
    > "$T/q2.json" || fail "CQ_HOST=... cq q failed"
cmp -s "$T/q.json" "$T/q2.json" || fail "CQ_HOST shows another queue"

# --- rm of a second job ----------------------------------------------------
id2=$(rcq home submit --terse -- /bin/sleep 300) ||
    fail "cq -H submit -- sleep failed"
[ "$(njobs)" -eq 2 ] || fail "expected 2 jobs, got $(njobs)"
rcq home rm "$id2" > "$T/rm.out" 2>&1 || fail "cq -H rm failed: $(cat "$T/rm.out")"
wait_until 10 test "$(cq q -a --json | jq length)" -eq 1 ||
    fail "job $id2 is still queued after cq -H rm"

# The identity is the far side's: a login whose proxy runs as nobody
# submits as nobody, though this cq runs as root.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$T"
	mkdir -p "$T/nob" && chown 65534:65534 "$T/nob"
	id3=$(cd "$T/nob" && rcq nobody submit --terse -- /bin/true) ||
	    fail "cq -H submit as nobody failed"
	owner=$(cq q -a --json | jq -r --arg c "${id3%%.*}" \
	    '.[] | select((.ClusterId|tostring) == $c) | .Owner')
	[ "$owner" = nobody ] || fail "job $id3 of the nobody login is owned by '$owner'"
	rcq nobody rm "$id3" > /dev/null || fail "nobody cannot remove its job $id3"
	out=$(rcq nobody rm "$id" 2>&1) && fail "nobody removed root's job $id: $out"
	wait_until 10 test "$(cq q -a --json | jq length)" -eq 1 ||
	    fail "job $id3 is still queued after cq -H rm"
	chmod 700 "$T"
	log "the nobody login's job $id3 was nobody's; root's job refused it: $out"
fi

# Now an agent: the job runs from what was uploaded.
start_agent a1 1
rc=0
rcq home wait -t 60 "$id" || rc=$?
[ "$rc" -eq 3 ] || fail "cq -H wait exited $rc, the job exited 3: $(cq history --json "$id")"
[ "$(cat "$T/sub/out.txt")" = "hello over ssh" ] ||
    fail "out.txt is '$(cat "$T/sub/out.txt" 2>&1)'"
[ "$(cat "$T/sub/up.txt")" = "HELLO OVER SSH" ] ||
    fail "up.txt is '$(cat "$T/sub/up.txt" 2>&1)'"
out=$(rcq home logs --stdout "$id") || fail "cq -H logs failed"
[ "$out" = "hello over ssh" ] || fail "cq -H logs printed '$out'"

# --- refusals: nothing is submitted -----------------------------------------
before=$(cq history --json | jq length)
refused() {	# refused WHAT HOME PATTERN: cq -H submit fails with PATTERN
	local what=$1 h=$2 pat=$3 rc=0
	(cd "$T/sub" && rcq "$h" submit -- /bin/true) > "$T/refused.out" 2>&1 ||
	    rc=$?
	[ "$rc" -eq 1 ] || fail "$what: exit $rc, expected 1: $(cat "$T/refused.out")"
	grep -qE -- "$pat" "$T/refused.out" ||
	    fail "$what: message '$(cat "$T/refused.out")' lacks /$pat/"
	[ "$(wc -l < "$T/refused.out")" -eq 1 ] ||
	    fail "$what: more than one line: $(cat "$T/refused.out")"
	[ "$(njobs)" -eq 0 ] && [ "$(cq history --json | jq length)" = "$before" ] ||
	    fail "$what: something was submitted"
	log "refused ($what): $(cat "$T/refused.out")"
}
: > "$T/stranger/.ssh/known_hosts"
refused "unknown host" stranger \
    "unknown host key: \[127\.0\.0\.1\]:$port is not in $T/stranger/\.ssh/known_hosts \(its ED25519 key fingerprint is $fp_re\)"
# A plain entry is for port 22 only, as in OpenSSH.
echo "127.0.0.1 $hostkey" > "$T/stranger/.ssh/known_hosts"
refused "entry without the port" stranger "unknown host key"
ssh-keygen -q -t ed25519 -N '' -f "$T/other" || fail "ssh-keygen (other) failed"
{
	echo "# another host's key, as after a reinstall or an attack"
	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/other.pub")"
} > "$T/stranger/.ssh/known_hosts"
refused "wrong host key" stranger \
    "HOST KEY MISMATCH: .*ED25519 key $fp_re, .*$T/stranger/\.ssh/known_hosts:2; refusing"
echo "[127.0.0.1]:$port $hostkey" > "$T/stranger/.ssh/known_hosts"
refused "key not authorized" stranger \
    "authentication as $me failed: tried $T/stranger/\.ssh/id_ed25519 .*; the server accepts: publickey"
refused "no cq there" nocq "no cq on the PATH of $me there"

# --- the host known by its other key, hashed known_hosts, the ssh-agent -------
cp "$T/home/.ssh/known_hosts" "$T/kh.ed25519"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/sshd/host_ecdsa.pub")" \
    > "$T/home/.ssh/known_hosts"
rcq home q > /dev/null || fail "a host known by its ecdsa key is refused"
cp "$T/kh.ed25519" "$T/home/.ssh/known_hosts"
ssh-keygen -q -H -f "$T/home/.ssh/known_hosts" >/dev/null 2>&1 ||
    fail "ssh-keygen -H failed"
grep -q '^|1|' "$T/home/.ssh/known_hosts" || fail "known_hosts was not hashed"
rcq home q > /dev/null || fail "a hashed known_hosts entry is not recognised"
if command -v ssh-agent >/dev/null 2>&1; then
	eval "$(ssh-agent -s -a "$T/agent.sock")" > /dev/null ||
	    fail "ssh-agent would not start"
	at_cleanup "kill $SSH_AGENT_PID 2>/dev/null"
	ssh-add -q "$T/home/.ssh/id_ed25519" 2>/dev/null || fail "ssh-add failed"
	mv "$T/home/.ssh/id_ed25519" "$T/home/.ssh/id_ed25519.away"
	rcq home q > /dev/null || fail "authentication through the ssh-agent failed"
	mv "$T/home/.ssh/id_ed25519.away" "$T/home/.ssh/id_ed25519"
	kill "$SSH_AGENT_PID"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
fi

# --- the scheduler is not running ----------------------------------------------
stop_all
rc=0
rcq home q > "$T/down.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "q with the scheduler down: exit $rc: $(cat "$T/down.out")"
grep -q "cq proxy: the scheduler is not running here" "$T/down.out" ||
    fail "q with the scheduler down said: $(cat "$T/down.out")"
log "scheduler down: $(cat "$T/down.out")"

# --- nobody listens -------------------------------------------------------------
_stop_pid "$SSHD_PID"
rc=0
rcq home q > "$T/nossh.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "q with sshd down: exit $rc: $(cat "$T/nossh.out")"
grep -q "cannot connect to 127.0.0.1 port $port: Connection refused" \
    "$T/nossh.out" || fail "q with sshd down said: $(cat "$T/nossh.out")"
log "ok"
