#!/bin/bash
# t-cmdline-missing: where the agent reads its kernel command line is a
# setting (kernel_cmdline, CQ_KERNEL_CMDLINE).  A file named there that
# does not exist would silently drop every cq. word of it, cq.agent=off
# with them (an opted-out desktop would run jobs): the agent refuses to
# start and says where the name was set.  The default, /proc/cmdline,
# missing (no /proc) is no command line, as before; an empty setting
# reads none.
. "$(dirname "$0")/../lib/lib.sh"

printf 'insecure = yes\n' > "$T/a.conf"
printf 'insecure = yes\nkernel_cmdline = %s\n' "$T/no-such-cmdline" > "$T/b.conf"
printf 'insecure = yes\nkernel_cmdline =\n' > "$T/c.conf"
echo "quiet cq.agent=off" > "$T/cmdline"

"$STARTD_BIN" -n -c "$T/a.conf" > a.out 2>&1 || fail "the default: $(cat a.out)"
CQ_KERNEL_CMDLINE=$T/cmdline "$STARTD_BIN" -n -c "$T/a.conf" > a2.out 2>&1 ||
    fail "a good file: $(cat a2.out)"
grep -qx "agent = off" a2.out || fail "cq.agent=off did not apply: $(cat a2.out)"

"$STARTD_BIN" -n -c "$T/b.conf" > b.out 2>&1 &&
    fail "a missing kernel_cmdline file was ignored: $(cat b.out)"
grep -qF "cq-startd: $T/b.conf:2: kernel_cmdline: $T/no-such-cmdline: No such file or directory" b.out ||
    fail "not said where: $(cat b.out)"
CQ_KERNEL_CMDLINE=$T/no-such-cmdline "$STARTD_BIN" -n -c "$T/a.conf" > e.out 2>&1 &&
    fail "a missing CQ_KERNEL_CMDLINE file was ignored: $(cat e.out)"
grep -qF "cq-startd: CQ_KERNEL_CMDLINE: $T/no-such-cmdline: No such file or directory" e.out ||
    fail "not said where: $(cat e.out)"
log "a kernel_cmdline or CQ_KERNEL_CMDLINE file that is missing: refused"

# Longer than a kernel's command line can be: not cut where a word
# would then still parse (cq.schedd=HOST:96 from HOST:9618).
{ printf 'x%.0s' $(seq 8169); printf ' cq.schedd=10.0.0.1:9618\n'; } > "$T/long"
CQ_KERNEL_CMDLINE=$T/long "$STARTD_BIN" -n -c "$T/a.conf" > l.out 2>&1 &&
    fail "a command line past 8 KiB was cut and applied: $(grep schedd l.out)"
grep -qF "cq-startd: $T/long: longer than 8191 bytes" l.out ||
    fail "not said: $(cat l.out)"
log "a command line past 8 KiB: refused, not cut"

"$STARTD_BIN" -n -c "$T/c.conf" > c.out 2>&1 || fail "empty: $(cat c.out)"
CQ_KERNEL_CMDLINE= "$STARTD_BIN" -n -c "$T/a.conf" > c2.out 2>&1 ||
    fail "empty CQ_KERNEL_CMDLINE: $(cat c2.out)"
grep -qx "agent = on" c2.out || fail "empty CQ_KERNEL_CMDLINE read a line: $(cat c2.out)"
log "empty: no command line read"
exit 0
