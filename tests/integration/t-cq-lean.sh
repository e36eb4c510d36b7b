#!/bin/bash
# t-cq-lean: the everyday cq links no TLS and no SSH, and hands -H and
# CQ_HOST to the cq-ssh in its own directory (docs/deps.md).
#
# cq copied alone into a directory refuses -H and CQ_HOST in one line
# that names the cq-ssh it looked for, exit 1; an empty CQ_HOST and a
# bare -H are still cq's own.  Beside a stand-in cq-ssh, cq runs it
# (found through a symlink to cq too) with exactly its own arguments;
# beside the real one, a bad host and a local-only command get the
# messages cq always gave.  ldd shows no libssl, libcrypto, libssh2 or
# libevent_openssl in cq (and libssh2 in cq-ssh, so the check can fail).
. "$(dirname "$0")/../lib/lib.sh"

CQ_SSH_BIN=$CQ_BUILDDIR/cq-ssh
[ -x "$CQ_SSH_BIN" ] || fail "no $CQ_SSH_BIN built"
export CQ_SOCKET=$T/nowhere.sock
unset CQ_HOST

# --- cq alone: -H and CQ_HOST refused, naming the missing cq-ssh -----------
mkdir -p "$T/alone"
cp "$CQ_BIN" "$T/alone/cq"
err=$("$T/alone/cq" -H ssh://someone@127.0.0.1:1 q 2>&1); rc=$?
[ $rc -eq 1 ] || fail "cq -H without cq-ssh: exit $rc: $err"
case $err in
"cq: -H and CQ_HOST need $T/alone/cq-ssh (cq with SSH), which cannot be run: No such file or directory") ;;
*) fail "cq -H without cq-ssh says: $err" ;;
esac
err=$(CQ_HOST=ssh://127.0.0.1 "$T/alone/cq" submit -- /bin/true 2>&1); rc=$?
[ $rc -eq 1 ] || fail "CQ_HOST without cq-ssh: exit $rc: $err"
case $err in
*"need $T/alone/cq-ssh"*) ;;
*) fail "CQ_HOST without cq-ssh says: $err" ;;
esac
# Not for another host: cq's own answers, no cq-ssh needed.
err=$(CQ_HOST= "$T/alone/cq" q 2>&1); rc=$?
[ $rc -eq 1 ] || fail "empty CQ_HOST: exit $rc: $err"
case $err in
*"cannot reach the scheduler at $T/nowhere.sock"*) ;;
*) fail "empty CQ_HOST says: $err" ;;
esac
err=$("$T/alone/cq" -H 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bare -H: exit $rc: $err"
[ "$err" = "cq: -H needs ssh://[USER@]HOST[:PORT]" ] ||
    fail "bare -H says: $err"

# --- a stand-in cq-ssh gets exactly cq's arguments --------------------------
mkdir -p "$T/fake" "$T/link"
cp "$CQ_BIN" "$T/fake/cq"
cat > "$T/fake/cq-ssh" <<'EOS'
#!/bin/sh
printf 'stand-in'
printf ' [%s]' "$@"
printf ' CQ_HOST=[%s]\n' "${CQ_HOST-unset}"
exit 7
EOS
chmod +x "$T/fake/cq-ssh"
out=$("$T/fake/cq" -H ssh://h:2222 q -u 'a b' "" '*' 2>&1); rc=$?
[ $rc -eq 7 ] || fail "stand-in cq-ssh: exit $rc: $out"
[ "$out" = "stand-in [-H] [ssh://h:2222] [q] [-u] [a b] [] [*] CQ_HOST=[unset]" ] ||
    fail "cq-ssh was given: $out"
ln -s "$T/fake/cq" "$T/link/cq"
out=$(CQ_HOST=ssh://h "$T/link/cq" rm 3 2>&1); rc=$?
[ $rc -eq 7 ] || fail "through a symlink: exit $rc: $out"
[ "$out" = "stand-in [rm] [3] CQ_HOST=[ssh://h]" ] ||
    fail "through a symlink cq-ssh was given: $out"

# --- the real cq-ssh: the messages cq always gave ---------------------------
err=$(cq -H http://h q 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad host: exit $rc: $err"
case $err in
"cq: bad host http://h: "*) ;;
*) fail "bad host says: $err" ;;
esac
err=$(cq -H ssh://h pool down 2>&1); rc=$?
[ $rc -eq 2 ] || fail "pool with -H: exit $rc: $err"
case $err in
"cq pool: works on this host only, not with -H or CQ_HOST (ssh://h)") ;;
*) fail "pool with -H says: $err" ;;
esac

# --- what cq loads ----------------------------------------------------------
command -v ldd >/dev/null 2>&1 ||
    skip "no ldd (Debian package libc-bin): the libraries cq loads are not checked"
libs=$(ldd "$CQ_BIN" 2>&1) || skip "ldd cannot read $CQ_BIN: $libs"
bad=$(printf '%s\n' "$libs" |
    grep -E 'lib(ssl|crypto|ssh2|event_openssl)[.-]') &&
    fail "cq loads $bad"
ldd "$CQ_SSH_BIN" | grep -q 'libssh2\.' ||
    fail "ldd shows no libssh2 in cq-ssh either: the check proves nothing"
log "cq loads: $(printf '%s\n' "$libs" | awk '{print $1}' | tr '\n' ' ')"
exit 0
