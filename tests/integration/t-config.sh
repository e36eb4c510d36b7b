#!/bin/sh
# Golden configuration tests: `-n` prints the normalized configuration;
# a bad file names the file and line, exits 2 and starts nothing;
# CQ_<KEY> overrides a file.
set -u
b=${CQ_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
s=${CQ_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
g=$s/tests/golden
fail() { echo "FAIL: $*"; exit 1; }

out=$("$b/cq-schedd" -n -c "$g/schedd.conf") || fail "schedd -n exited $?"
[ "$out" = "$(cat "$g/schedd.conf.ok")" ] || fail "schedd -n output differs:
$out"
out=$("$b/cq-startd" -n -c "$g/startd.conf") || fail "startd -n exited $?"
[ "$out" = "$(cat "$g/startd.conf.ok")" ] || fail "startd -n output differs:
$out"

err=$("$b/cq-schedd" -n -c "$g/bad-key.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad key: exit $rc"
case $err in
*"bad-key.conf:2: unknown key 'colour'"*) ;;
*) fail "bad key message: $err" ;;
esac
err=$("$b/cq-schedd" -n -c "$g/bad-value.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad value: exit $rc"
case $err in
*"bad-value.conf:2: lease:"*) ;;
*) fail "bad value message: $err" ;;
esac
err=$("$b/cq-startd" -n -c "$g/bad-hours.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad owner_hours: exit $rc"
case $err in
*"bad-hours.conf:2: owner_hours: unknown day 'Mnday'"*) ;;
*) fail "bad owner_hours message: $err" ;;
esac
err=$("$b/cq-schedd" -n -c "$g/bad-cidr.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad auto_approve: exit $rc"
case $err in
*'bad-cidr.conf:2: auto_approve: "10.0.0.1/8": address has bits set past the prefix length'*) ;;
*) fail "bad auto_approve message: $err" ;;
esac
printf 'token = s3cret-pool-token\n' > "${TMPDIR:-/tmp}/cq-bad-token.$$.conf"
err=$("$b/cq-startd" -n -c "${TMPDIR:-/tmp}/cq-bad-token.$$.conf" 2>&1); rc=$?
rm -f "${TMPDIR:-/tmp}/cq-bad-token.$$.conf"
[ $rc -eq 2 ] || fail "bad token: exit $rc"
case $err in
*"cq-bad-token.$$.conf:1: token: not a pool token"*) ;;
*) fail "bad token message: $err" ;;
esac
err=$(CQ_SLOTS=many "$b/cq-startd" -n -c "$g/startd.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad env value: exit $rc"
case $err in
*"CQ_SLOTS"*) ;;
*) fail "bad env message: $err" ;;
esac
out=$(CQ_LEASE=7s "$b/cq-schedd" -n -c "$g/schedd.conf" | grep '^lease')
[ "$out" = "lease = 7s" ] || fail "CQ_LEASE did not override: $out"
echo "config: golden output, file:line errors and overrides as expected"
