#!/bin/bash
# t-netboot: the netboot image (image/build.sh, docs/netboot.md), booted
# in qemu (software emulation) over PXE from qemu's user-mode network:
# its DHCP hands out boot.ipxe, its TFTP serves the image directory (the
# PXE assets and current/, the version just built), and with restrict=on
# the guest reaches nothing but the test's scheduler, on this machine's
# loopback, through a guestfwd to 10.0.2.100:9618.  The agent asks for
# its credential, which the scheduler's auto_approve grants, and pins the
# scheduler's fingerprint from the kernel command line.
#
# Boot 1 (DHCP names it desk1): the agent registers and cq status shows
# the image version it booted; a job of a user the image does not know
# runs there as cq-slot1; a job runs on it; a key pressed on the guest's
# keyboard (QMP send-key, an AT keyboard on /dev/input/event0) suspends
# the job (the agent's input source), which resumes once the keyboard is
# idle again; the ACPI power button (QMP system_powerdown) shuts the
# machine down: the agent vacates the job, which is back in the queue,
# and says goodbye before the network goes down and the machine powers
# off.
#
# Between the boots a second version is built (it waits), promoted
# (boot 2 boots it) and a damaged one refused.
#
# Boot 2 (cq.agent=off, no DHCP name: named from its MAC), first with no
# scheduler behind 10.0.2.100:9618: it boots, and its agent dials again
# until the scheduler is there.  Then the machine is in cq status with
# the second version, every slot OWNER and the reason, and a job does
# not start there; Ctrl-Alt-Del (QMP send-key) reboots it, and its agent
# says goodbye before the network goes down.  Then a rollback.
#
# Every qemu runs under timeout(1) and is killed by its pid at the end.
CQ_TEST_TIMEOUT=${CQ_TEST_TIMEOUT_NETBOOT:-420}
. "$(dirname "$0")/../lib/lib.sh"

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
    skip "qemu-system-x86_64 is not installed (scripts/deps.sh: qemu-system-x86, ipxe-qemu)"
[ -f /usr/lib/ipxe/qemu/efi-virtio.rom ] || [ -f /usr/lib/ipxe/qemu/pxe-virtio.rom ] ||
    skip "qemu's iPXE ROMs are not installed (ipxe-qemu): no PXE boot"
command -v busybox >/dev/null 2>&1 && ! ldd "$(command -v busybox)" >/dev/null 2>&1 ||
    skip "busybox-static is not installed"
command -v cpio >/dev/null 2>&1 || skip "cpio is not installed"
if ldd "$STARTD_BIN" 2>/dev/null | grep -q libasan; then
	skip "ASan build: the image would carry the sanitizer's runtime into an emulated 512 MiB guest whose console no test reads for its reports; the plain build's run of this test covers the image, and the ASan suite covers the agent's code on this host"
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip "python3 is not installed"
RELAY=$CQ_SRCDIR/tests/lib/tcp-relay.py
QMP=$CQ_SRCDIR/tests/lib/qmp.py

# --- the image ------------------------------------------------------------------
log "building the image (kernel cached in ${CQ_IMAGE_CACHE:-/var/cache/cq/image})"
sh "$CQ_SRCDIR/image/build.sh" -b "$CQ_BUILDDIR" -o "$T/tftp" -v t-netboot \
    ${CQ_IMAGE_CACHE:+-c "$CQ_IMAGE_CACHE"} > "$T/build.log" 2>&1 ||
    fail "image/build.sh failed: $(tail -n 5 "$T/build.log")"
[ "$(readlink "$T/tftp/current")" = t-netboot ] ||
    fail "the first version built is not current: $(ls -l "$T/tftp")"
for f in vmlinuz initrd.gz overlay.tar.gz SHA256SUMS image-version; do
	[ -s "$T/tftp/t-netboot/$f" ] || fail "no $f in the version's directory"
done
zcat "$T/tftp/t-netboot/initrd.gz" | cpio -t --quiet > "$T/initrd.list" ||
    fail "initrd.gz is not a gzipped cpio archive"
for f in init usr/sbin/cq-startd usr/sbin/cq-jobinit etc/inittab \
    etc/cq/image-version lib64/ld-linux-x86-64.so.2; do
	grep -qx "$f" "$T/initrd.list" || fail "initrd.gz has no $f"
done
grep -q '/virtio_net\.ko$' "$T/initrd.list" || fail "initrd.gz has no virtio_net.ko"
grep -q '/evdev\.ko$' "$T/initrd.list" || fail "initrd.gz has no evdev.ko"
tar -tzf "$T/tftp/t-netboot/overlay.tar.gz" > "$T/overlay.list" ||
    fail "overlay.tar.gz is not a gzipped tar archive"
for f in usr/local/sbin/cq-startd usr/local/sbin/cq-jobinit \
    usr/local/sbin/cq-netboot-check etc/systemd/system/cq-startd.service \
    etc/systemd/system/cq-startd.service.d/netboot.conf etc/init.d/cq-startd \
    usr/lib/sysusers.d/cq.conf etc/cq/image-version; do
	grep -qx "\./$f" "$T/overlay.list" || fail "overlay.tar.gz has no $f"
done
for f in pxelinux.0 ldlinux.c32 dnsmasq-proxy.conf.example DHCP-OPTIONS.txt; do
	[ -s "$T/tftp/$f" ] || fail "no PXE asset $f beside the image"
done
for f in pxelinux.cfg/default boot.ipxe; do
	grep -q ' current/initrd.gz' "$T/tftp/$f" || fail "$f does not boot current/"
done
log "image: initrd.gz $(wc -c < "$T/tftp/t-netboot/initrd.gz") bytes, vmlinuz $(wc -c < "$T/tftp/t-netboot/vmlinuz") bytes"

SCHEDD_EXTRA="auto_approve = 127.0.0.1/32" start_schedd 60s
[ -n "$SCHEDD_FP" ] || fail "the scheduler has no fingerprint"
sport=${SCHEDD_ADDR##*:}

# boot N HOSTNAME WORDS: PXE-boot guest N (DHCP host name HOSTNAME, or
# none if empty) with WORDS on its kernel command line; its console,
# each line stamped with now_ms, goes to $T/guestN.log.  Sets QEMU_PID
# and BOOT_MS (its start).
boot() {
	local n=$1 host=$2 words=$3 i
	sh "$CQ_SRCDIR/image/pxe.sh" -o "$T/tftp" -s 10.0.2.100:9618 \
	    -f "$SCHEDD_FP" -a "console=ttyS0 loglevel=4 $words" \
	    >> "$T/build.log" 2>&1 || fail "image/pxe.sh failed"
	rm -f "$T/qemu$n.pid" "$T/qmp$n.sock"
	# The port the guest's connections go to, read at each one.
	[ -f "$T/port$n" ] || echo "$sport" > "$T/port$n"
	BOOT_MS=$(now_ms)
	(timeout -k 5 200 qemu-system-x86_64 -accel tcg -m 512 -smp 1 \
	    -nographic -no-reboot -boot n \
	    -netdev "user,id=n0,restrict=on,tftp=$T/tftp,bootfile=boot.ipxe${host:+,hostname=$host},guestfwd=tcp:10.0.2.100:9618-cmd:$PY $RELAY 127.0.0.1 @$T/port$n" \
	    -device virtio-net-pci,netdev=n0,mac=52:54:00:c9:00:0$n \
	    -qmp "unix:$T/qmp$n.sock,server=on,wait=off" \
	    -pidfile "$T/qemu$n.pid" < /dev/null 2>&1 |
	    while IFS= read -r line; do
		printf '%s %s\n' "$(now_ms)" "${line//$'\r'/}"
	    done > "$T/guest$n.log") &
	for ((i = 0; i < 100; i++)); do
		[ -s "$T/qemu$n.pid" ] && break
		sleep 0.1
	done
	QEMU_PID=$(cat "$T/qemu$n.pid" 2>/dev/null) ||
	    fail "qemu did not start: $(cat "$T/guest$n.log")"
	at_cleanup "kill -KILL $QEMU_PID 2>/dev/null"
	log "guest $n: qemu pid $QEMU_PID"
}
qmp() {
	"$PY" "$QMP" "$T/qmp$1.sock" "${@:2}"
}
guest_said() {	# N REGEX: guest N's console has a line matching REGEX
	grep -qE "$2" "$T/guest$1.log"
}
said_at() {	# N REGEX: the stamp of the first such line
	grep -E "$2" "$T/guest$1.log" | head -n 1 | cut -d' ' -f1
}
qemu_gone() {
	! kill -0 "$QEMU_PID" 2>/dev/null
}
job_state() {	# ID: its JobStatus as a letter
	cq q --json | jq -r --arg id "$1" \
	    '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st
}
job_is() {
	[ "$(job_state "$1")" = "$2" ]
}
slots_are() {	# MACHINE STATE
	cq status --json | jq -e --arg m "$1" --arg s "$2" \
	    '[.[] | select(.Machine == $m)] | length > 0 and all(.CqState == $s)'
}

# --- boot 1: registers, runs a job, suspends it for a key, leaves cleanly -------
boot 1 desk1 "cq.slots=1 cq.activity=input cq.idle_after=1s cq.idle_after_offhours=1s cq.resume_after=3s cq.max_vacate_time=5s"
wait_until 150 agent_connected desk1 ||
    fail "desk1 did not register within 150 s: $(tail -n 30 "$T/guest1.log")"
reg=$(now_ms)
log "desk1 registered $((reg - BOOT_MS)) ms after power-on; its agent started $((reg - $(said_at 1 'cq: starting the agent'))) ms before that"
guest_said 1 'cq: DHCP: 10\.0\.2\.15/24 on eth0, named desk1' ||
    fail "the guest did not take DHCP's address and name"
grep -q "auto" <(cq pool agents --json 2>/dev/null) ||
    fail "desk1's credential was not auto-approved: $(cq pool agents 2>&1)"
cq status --json | jq -e '[.[] | select(.Machine == "desk1")] | length == 1' >/dev/null ||
    fail "desk1 has not one slot (cq.slots=1): $(cq status --json)"
# The version the machine booted, from the image's /etc/cq/image-version.
[ "$(cq status --json | jq -r '.[] | select(.Machine == "desk1") | .CqImageVersion')" = t-netboot ] ||
    fail "desk1 does not show the image version it booted: $(cq status --json)"
COLUMNS=200 cq status | grep -qE '^slot1@desk1 .* t-netboot *$' ||
    fail "cq status does not show desk1's image: $(COLUMNS=200 cq status)"

# A job of a user the image does not know (daemon) runs there as the
# slot user rc.sysinit made (docs/jobs-users.md), and its output comes back.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 && id daemon >/dev/null 2>&1; then
	mkdir "$T/u"
	chown daemon "$T/u"
	printf '%s\n' 'executable = /bin/sh' "arguments = \"-c 'id -un'\"" \
	    'transfer_executable = false' 'output = id.out' 'queue' > "$T/u/id.sub"
	u=$(cd "$T/u" && setpriv --reuid=daemon --regid="$(id -g daemon)" --clear-groups \
	    "$CQ_BIN" submit --terse id.sub) || fail "submit as daemon failed"
	wait_until 60 queue_empty || fail "daemon's job $u.0 did not complete: $(cq q --json)"
	[ "$(cat "$T/u/id.out" 2>/dev/null)" = cq-slot1 ] ||
	    fail "daemon's job did not run as cq-slot1: '$(cat "$T/u/id.out" 2>/dev/null)' $(cq history --json "$u")"
	log "a job of daemon, unknown in the image, ran there as cq-slot1"
fi
j=$(cq submit --terse -- /bin/sleep 600) || fail "submit failed"
wait_until 60 job_is "$j.0" R || fail "job $j.0 not running on desk1: $(cq q --json)"
[ "$(cq q --json | jq -r '.[0].RemoteHost')" = slot1@desk1 ] ||
    fail "job $j.0 runs elsewhere: $(cq q --json)"
log "job $j.0 runs on desk1"

# The owner presses a key: suspended; idle 3 s: resumed.
sleep 2
r=$(qmp 1 send-key '{"keys": [{"type": "qcode", "data": "a"}]}') ||
    fail "QMP send-key: $r"
t0=$(now_ms)
wait_until 30 job_is "$j.0" S || fail "job not suspended after a key on the guest's keyboard: $(cq q --json)"
log "job suspended $(( $(now_ms) - t0 )) ms after QMP send-key (as seen by cq q)"
wait_until 60 job_is "$j.0" R || fail "job not resumed once the keyboard was idle: $(cq q --json)"
log "job resumed"

# The power button: the agent vacates and says goodbye, then the network
# goes down, then the machine powers off.
r=$(qmp 1 system_powerdown) || fail "QMP system_powerdown: $r"
wait_until 60 job_is "$j.0" I || fail "job $j.0 not back in the queue: $(cq q --json)"
wait_until 60 qemu_gone || fail "the guest did not power off within 60 s: $(tail -n 20 "$T/guest1.log")"
grep -q "agent desk1: says goodbye" "$T/schedd.log" ||
    fail "desk1 left without a goodbye: $(grep desk1 "$T/schedd.log" | tail -n 5)"
slots_are desk1 OFFLINE >/dev/null || fail "desk1 is not OFFLINE: $(cq status --json)"
guest_said 1 'power button: powering off' || fail "acpid did not run the power button's action"
guest_said 1 'leaving; 1 job\(s\) vacated' || fail "the agent did not vacate its job"
a=$(said_at 1 'cq: the agent has left')
b=$(said_at 1 'cq: network down')
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -le "$b" ] ||
    fail "the agent did not leave before the network went down"
mem=$(grep -o 'agent memory: .*' "$T/guest1.log" | head -n 1)
[ -n "$mem" ] || fail "no agent memory line on the console"
guest_said 1 'Permission denied' && fail "something was refused in the guest: $(grep 'Permission denied' "$T/guest1.log")"
log "desk1 left cleanly; $mem; after boot: $(grep -o 'cq: memory: .*' "$T/guest1.log")"
cq rm "$j" > /dev/null

# --- versions: a second build waits; promote, a refused one, rollback ---------------
make -s -C "$CQ_BUILDDIR" image IMAGE_OUT="$T/tftp" IMAGE_VERSION=t-netboot2 \
    > "$T/build2.log" 2>&1 || fail "make image failed: $(tail -n 5 "$T/build2.log")"
[ "$(readlink "$T/tftp/current")" = t-netboot ] ||
    fail "a second build became current by itself"
make -s -C "$CQ_BUILDDIR" image-promote IMAGE_OUT="$T/tftp" VERSION=t-netboot2 \
    > "$T/promote.log" 2>&1 || fail "make image-promote failed: $(cat "$T/promote.log")"
[ "$(readlink "$T/tftp/current")" = t-netboot2 ] &&
    [ "$(readlink "$T/tftp/previous")" = t-netboot ] ||
    fail "after the promote: current $(readlink "$T/tftp/current"), previous $(readlink "$T/tftp/previous")"
cp -R "$T/tftp/t-netboot2" "$T/tftp/damaged"
echo x >> "$T/tftp/damaged/initrd.gz"
make -s -C "$CQ_BUILDDIR" image-promote IMAGE_OUT="$T/tftp" VERSION=damaged \
    > "$T/promote.log" 2>&1 && fail "a version whose files fail SHA256SUMS was promoted"
grep -q "do not match SHA256SUMS" "$T/promote.log" || fail "the refusal does not say why: $(cat "$T/promote.log")"
[ "$(readlink "$T/tftp/current")" = t-netboot2 ] || fail "a refused promote changed current"
log "versions: t-netboot2 promoted, a damaged one refused"

# --- boot 2: cq.agent=off ---------------------------------------------------------
# No scheduler at first (its port leads nowhere): the machine boots, its
# agent runs and dials again; once the port leads to the scheduler, it
# registers.
echo 1 > "$T/port2"
# (A quoted value with a blank, as admins write owner hours, must reach
# the agent whole through iPXE and the kernel, or the agent refuses it.)
boot 2 "" 'cq.agent=off cq.owner_hours="Mon-Fri 08:00-18:00"'
dialed() {
	[ "$(grep -c 'cq-startd.*link: scheduler at 10\.0\.2\.100:9618 ' "$T/guest2.log")" -ge 2 ]
}
wait_until 150 dialed ||
    fail "the agent did not dial the absent scheduler twice: $(tail -n 30 "$T/guest2.log")"
guest_said 2 'cq: memory: ' || fail "the boot did not finish without a scheduler"
log "no scheduler: the guest booted, its agent dials again ($(grep -c 'cq-startd.*link: scheduler at 10\.0\.2\.100:9618 ' "$T/guest2.log") tries so far)"
echo "$sport" > "$T/port2"
wait_until 60 agent_connected cq-525400c90002 ||
    fail "cq-525400c90002 did not register within 150 s: $(tail -n 30 "$T/guest2.log")"
guest_said 2 'cq: image t-netboot2,' || fail "boot 2 did not boot the promoted version"
guest_said 2 'cq.agent=off: this machine reports itself' ||
    fail "the console does not say the machine opted out"
wait_until 10 slots_are cq-525400c90002 OWNER >/dev/null ||
    fail "cq.agent=off: slots not OWNER: $(cq status --json)"
st=$(cq status --json)
[ "$(jq -r '.[] | select(.Machine == "cq-525400c90002") | "\(.CqImageVersion): \(.CqOwnerReason)"' <<<"$st")" = \
    "t-netboot2: opted out on this machine (agent = off, kernel command line)" ] ||
    fail "the opted-out machine's version and reason: $st"
j=$(cq submit --terse -- /bin/sleep 600) || fail "submit failed"
sleep 3
job_is "$j.0" I || fail "a job started on an opted-out machine: $(cq q --json)"
log "cq.agent=off: registered, OWNER, no job"
# Ctrl-Alt-Del: init's ctrlaltdel entry reboots (qemu -no-reboot ends
# then), through the same shutdown hook.
r=$(qmp 2 send-key '{"keys": [{"type": "qcode", "data": "ctrl"}, {"type": "qcode", "data": "alt"}, {"type": "qcode", "data": "delete"}]}') ||
    fail "QMP send-key ctrl-alt-delete: $r"
wait_until 60 qemu_gone || fail "guest 2 did not reboot after Ctrl-Alt-Del: $(tail -n 20 "$T/guest2.log")"
grep -q "agent cq-525400c90002: says goodbye" "$T/schedd.log" ||
    fail "cq-525400c90002 left without a goodbye after Ctrl-Alt-Del"
a=$(said_at 2 'cq: the agent has left')
b=$(said_at 2 'cq: network down')
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -le "$b" ] ||
    fail "Ctrl-Alt-Del: the agent did not leave before the network went down"
log "Ctrl-Alt-Del: the agent said goodbye, then the network went down"

make -s -C "$CQ_BUILDDIR" image-rollback IMAGE_OUT="$T/tftp" > "$T/promote.log" 2>&1 ||
    fail "make image-rollback failed: $(cat "$T/promote.log")"
[ "$(readlink "$T/tftp/current")" = t-netboot ] &&
    [ "$(readlink "$T/tftp/previous")" = t-netboot2 ] ||
    fail "after the rollback: current $(readlink "$T/tftp/current"), previous $(readlink "$T/tftp/previous")"
[ "$(grep -c . "$T/tftp/promote.log")" -eq 3 ] ||
    fail "promote.log has not the 3 switches: $(cat "$T/tftp/promote.log")"
log "rolled back to t-netboot"
exit 0
