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
err=$("$b/cq-schedd" -n -c "$g/bad-disk-margin.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad disk_margin_mb: exit $rc"
case $err in
*"bad-disk-margin.conf:2: disk_margin_mb: too small"*) ;;
*) fail "bad disk_margin_mb message: $err" ;;
esac
err=$("$b/cq-schedd" -n -c "$g/bad-placement.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad placement: exit $rc"
case $err in
*"bad-placement.conf:2: placement: owner-aware or blind, not 'clever'"*) ;;
*) fail "bad placement message: $err" ;;
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
# The agent pins its scheduler, or says insecure = yes; not neither,
# not both, and a fingerprint must be one.
nofp=$(mktemp) bad=$(mktemp)
trap 'rm -f "$nofp" "$bad"' EXIT
grep -v '^fingerprint' "$g/startd.conf" > "$nofp"
err=$("$b/cq-startd" -n -c "$nofp" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "no fingerprint: exit $rc"
case $err in
*"no scheduler fingerprint: run \`cq pool fingerprint\` on the scheduler"*) ;;
*) fail "no fingerprint message: $err" ;;
esac
out=$(CQ_INSECURE=yes "$b/cq-startd" -n -c "$nofp" | grep '^insecure') ||
    fail "insecure = yes without a fingerprint refused"
[ "$out" = "insecure = yes" ] || fail "insecure: $out"
err=$(CQ_INSECURE=yes "$b/cq-startd" -n -c "$g/startd.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "fingerprint and insecure: exit $rc"
case $err in
*"insecure = yes, but a fingerprint is set"*) ;;
*) fail "fingerprint and insecure message: $err" ;;
esac
printf 'schedd = 10.1.2.3:9618\nfingerprint = 9f86d0818\n' > "$bad"
err=$("$b/cq-startd" -n -c "$bad" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "short fingerprint: exit $rc"
case $err in
*"$bad:2: fingerprint: expected 64 hex digits"*) ;;
*) fail "short fingerprint message: $err" ;;
esac
out=$(CQ_FINGERPRINT=SHA256:9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08 \
    "$b/cq-startd" -n -c "$nofp" | grep '^fingerprint') ||
    fail "an upper-case fingerprint with colons was refused"
out=$(CQ_LEASE=7s "$b/cq-schedd" -n -c "$g/schedd.conf" | grep '^lease')
[ "$out" = "lease = 7s" ] || fail "CQ_LEASE did not override: $out"
echo "config: golden output, file:line errors and overrides as expected"
