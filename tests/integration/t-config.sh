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
err=$("$b/cq-schedd" -n -c "$g/bad-admin-group.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad admin_group: exit $rc"
case $err in
*"bad-admin-group.conf:2: admin_group: no such group: no-such-group-cq"*) ;;
*) fail "bad admin_group message: $err" ;;
esac
err=$("$b/cq-startd" -n -c "$g/bad-hours.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad owner_hours: exit $rc"
case $err in
*"bad-hours.conf:2: owner_hours: unknown day 'Mnday'"*) ;;
*) fail "bad owner_hours message: $err" ;;
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
