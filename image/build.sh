#!/bin/sh
# build.sh: build one version of the cq netboot image (docs/netboot.md).
#
#   image/build.sh -b BUILDDIR -o OUTDIR [-v VERSION] [-c CACHEDIR]
#       [-k KERNEL_PACKAGE] [-s SCHEDD] [-f FINGERPRINT] [-a WORDS]
#
# Makes OUTDIR/VERSION/ with
#   vmlinuz       Debian's kernel, from the package apt-get download fetches
#                 through this machine's own apt sources
#   initrd.gz     the self-contained flavour: busybox-static, the NIC,
#                 input and power-button modules, cq-startd and cq-jobinit
#                 with the libraries they load, users, an init that brings
#                 the network up by DHCP and runs the agent (image/rootfs)
#   overlay.tar.gz  the other flavour: the agent, its systemd unit, SysV
#                 script and shutdown hook, for an existing LTSP or Debian
#                 netboot root (image/overlay)
#   image-version, SHA256SUMS
# and (re)writes OUTDIR's PXE assets, which boot OUTDIR/current/: the
# pxelinux and iPXE configurations with the kernel command line (cq.schedd=
# SCHEDD, cq.fingerprint= FINGERPRINT, WORDS), the dnsmasq proxy-DHCP
# example and the notes for other DHCP servers.  The first version built
# becomes current; later ones wait for promote.sh.
#
# The kernel package and its unpacked tree are kept in CACHEDIR (default
# /var/cache/cq/image, else ~/.cache/cq-image for a user who cannot write
# there), so a second build does not fetch it again.  KERNEL_PACKAGE
# defaults to what linux-image-amd64 depends on.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
builddir=
out=
version=
cache=
kpkg=
schedd=
fingerprint=
append=

die() {
	echo "image: $*" >&2
	exit 1
}
say() {
	echo "image: $*"
}

while getopts b:o:v:c:k:s:f:a: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	o) out=$OPTARG ;;
	v) version=$OPTARG ;;
	c) cache=$OPTARG ;;
	k) kpkg=$OPTARG ;;
	s) schedd=$OPTARG ;;
	f) fingerprint=$OPTARG ;;
	a) append=$OPTARG ;;
	*) die "usage: build.sh -b BUILDDIR -o OUTDIR [-v VERSION] [-c CACHEDIR] [-k KERNEL_PACKAGE] [-s SCHEDD] [-f FINGERPRINT] [-a WORDS]" ;;
	esac
done
[ -n "$builddir" ] && [ -n "$out" ] || die "-b BUILDDIR and -o OUTDIR are needed"
[ -x "$builddir/cq-startd" ] && [ -x "$builddir/cq-jobinit" ] ||
	die "no cq-startd and cq-jobinit in $builddir: build them first (make)"
cqver=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$builddir/config.h" 2>/dev/null)
[ -n "$version" ] || version=${cqver:-cq}-$(date -u +%Y%m%d%H%M%S)
case $version in
*[!A-Za-z0-9._+-]*|.*|'') die "version '$version': only letters, digits and . _ + - (not first .)" ;;
esac
# The agent takes 1 to 64 characters (image_version_file, cq-startd(8)).
[ ${#version} -le 64 ] || die "version '$version': longer than 64 characters"
case $schedd in
*[!A-Za-z0-9.:_[\]-]*) die "schedd '$schedd': not HOST:PORT" ;;
esac
case $fingerprint in
*[!A-Fa-f0-9:]*) die "fingerprint '$fingerprint': not hex (cq pool fingerprint prints it)" ;;
esac
for t in busybox cpio gzip dpkg apt-get ldd sha256sum; do
	command -v "$t" >/dev/null 2>&1 || die "$t is needed (scripts/deps.sh installs it)"
done
busybox=$(command -v busybox)
# The image has no C library of its own for busybox: it must be static.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is linked dynamically: install busybox-static"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
dest=$out/$version
[ ! -e "$dest" ] || die "$dest exists: choose another VERSION (-v), or remove it"

# --- the kernel ---------------------------------------------------------------
if [ -z "$cache" ]; then
	cache=/var/cache/cq/image
	if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
		cache=${XDG_CACHE_HOME:-$HOME/.cache}/cq-image
	fi
fi
mkdir -p "$cache" || die "cannot create the cache directory $cache"
if [ -z "$kpkg" ]; then
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$kpkg" ] || die "apt-cache knows no linux-image-amd64 (apt-get update?); name the kernel package with -k"
fi
kver=${kpkg#linux-image-}
kroot=$cache/$kpkg
# One fetch at a time per cache (two builds at once share it).
if command -v flock >/dev/null 2>&1; then
	exec 9> "$cache/.lock"
	flock 9
fi
if [ ! -f "$kroot/boot/vmlinuz-$kver" ] || [ ! -f "$kroot/.unpacked" ]; then
	say "fetching $kpkg with apt-get download (this machine's apt sources)"
	dl=$cache/download.$$
	rm -rf "$dl" "$kroot" "$kroot.new"
	mkdir -p "$dl"
	# apt drops to _apt for the download where it can.
	if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
		chown _apt "$dl" 2>/dev/null || :
	fi
	if ! (cd "$dl" && apt-get download "$kpkg") > "$cache/apt.log" 2>&1; then
		rm -rf "$dl"
		cat "$cache/apt.log" >&2
		die "apt-get download $kpkg failed (above): apt cannot fetch the kernel here; check this machine's apt sources (apt-get update), or name another kernel package (-k, IMAGE_KERNEL=)"
	fi
	deb=$(ls "$dl"/*.deb)
	dpkg -x "$deb" "$kroot.new" || die "dpkg -x $deb failed"
	# The package leaves modules.dep to its postinst's depmod.
	"$busybox" depmod -b "$kroot.new" "$kver" || die "busybox depmod failed"
	rm -rf "$dl"
	mv "$kroot.new" "$kroot"
	: > "$kroot/.unpacked"
fi
[ -f "$kroot/boot/vmlinuz-$kver" ] || die "no boot/vmlinuz-$kver in $kroot"
moddir=$kroot/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || die "no modules.dep in $moddir"

# --- the initramfs ------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/cq-image.XXXXXX")
trap 'rm -rf "$work" "$dest.tmp"' EXIT
trap 'exit 1' INT TERM HUP
r=$work/root
mkdir -p "$r"
for d in bin sbin usr/bin usr/sbin etc/cq dev proc sys run tmp root var/lib/cq \
    var/log lib/modules/$kver; do
	mkdir -p "$r/$d"
done
chmod 1777 "$r/tmp"
# state_dir, made here 0711: the agent makes it 0700 (drop.c), and then its
# network child (cq-agent) cannot reach state_dir/agent by path, where
# absence.c keeps the owner's presence history.
mkdir -p "$r/var/lib/cq/startd"
chmod 711 "$r/var/lib/cq/startd"
chmod 700 "$r/root"
cp "$busybox" "$r/bin/busybox"
# One link per applet, made here so that boot spends nothing on it.
for a in $("$busybox" --list-full); do
	[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
done
ln -s bin/busybox "$r/init"

# Modules: the NICs (virtio-net and its chain, Intel e1000/e1000e/igb,
# Realtek), evdev (input devices), the ACPI power button, the PS/2 mouse
# and USB keyboards and mice.  Their dependencies come with them; init
# loads what the hardware asks for (modalias) plus evdev.
mods=${CQ_IMAGE_MODULES:-"virtio_net virtio_pci e1000 e1000e igb r8169 realtek evdev button psmouse xhci_pci ehci_pci ohci_pci uhci_hcd usbhid hid_generic"}
want=
for m in $mods; do
	# A module's file may spell its name with - for _ (hid-generic.ko).
	re=$(echo "$m" | sed 's/[_-]/[_-]/g')
	p=$(sed -n "s,^\(\(.*/\)\?$re\.ko[^:]*\):.*,\1,p" "$moddir/modules.dep" | head -n 1)
	if [ -z "$p" ]; then
		# Built into this kernel, or not there at all.
		grep -q "/$m\.ko" "$moddir/modules.builtin" 2>/dev/null ||
			say "warning: module $m is not in $kpkg"
		continue
	fi
	want="$want $p"
done
# Add the dependencies until nothing new comes.
while :; do
	more=$want
	for p in $want; do
		more="$more $(grep "^$p:" "$moddir/modules.dep" | cut -d: -f2)"
	done
	more=$(echo $more | tr ' ' '\n' | sort -u | tr '\n' ' ')
	[ "$more" = "$want" ] && break
	want=$more
done
for p in $want; do
	mkdir -p "$r/lib/modules/$kver/$(dirname "$p")"
	case $p in
	*.ko) cp "$moddir/$p" "$r/lib/modules/$kver/$p" ;;
	*.ko.xz) xz -dc "$moddir/$p" > "$r/lib/modules/$kver/${p%.xz}" ;;
	*.ko.zst) zstd -qdc "$moddir/$p" > "$r/lib/modules/$kver/${p%.zst}" ;;
	*.ko.gz) gzip -dc "$moddir/$p" > "$r/lib/modules/$kver/${p%.gz}" ;;
	*) die "module $p: unknown compression" ;;
	esac
done
cp "$moddir/modules.builtin" "$r/lib/modules/$kver/" 2>/dev/null || :
"$busybox" depmod -b "$r" "$kver" || die "busybox depmod failed"

# The agent and its job init, stripped, beside each other (cq-startd
# finds cq-jobinit in its own directory), and what the dynamic loader
# loads for them.
for b in cq-startd cq-jobinit; do
	cp "$builddir/$b" "$r/usr/sbin/$b"
	strip "$r/usr/sbin/$b" 2>/dev/null || :
done
if ldd "$builddir/cq-startd" | grep -q 'libasan\|libubsan'; then
	say "warning: $builddir/cq-startd is built with sanitizers: the image carries their runtime and takes far more memory"
fi
ldd "$builddir/cq-startd" | awk '
	$2 == "=>" && $3 ~ /^\// { print $3 }
	$1 ~ /^\// { print $1 }' | while read -r lib; do
	mkdir -p "$r$(dirname "$lib")"
	cp -L "$lib" "$r$lib"
done
[ -e "$r/lib64/ld-linux-x86-64.so.2" ] ||
	die "no dynamic loader copied for cq-startd (ldd said: $(ldd "$builddir/cq-startd" | tr '\n' ' '))"

# The image's own files: init's table, the rc scripts, the agent's base
# configuration, users, the power button's action.
(cd "$here/rootfs" && find . -type f) | while read -r f; do
	mkdir -p "$r/$(dirname "$f")"
	cp "$here/rootfs/$f" "$r/$f"
done
chmod 755 "$r/etc/cq/rc.sysinit" "$r/etc/cq/rc.shutdown" "$r/etc/cq/agent" \
    "$r/etc/cq/udhcpc.script" "$r/etc/cq/uevent" "$r/etc/acpi/power"
echo "$version" > "$r/etc/cq/image-version"
cat > "$r/etc/cq/image-info" <<EOF
version=$version
kernel=$kver
kernel_package=$kpkg
cq=$cqver
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF

(cd "$r" && find . | sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$work/initrd.gz"

# --- the overlay flavour ------------------------------------------------------
o=$work/overlay
mkdir -p "$o/usr/local/sbin" "$o/etc/cq" "$o/etc/systemd/system" \
    "$o/etc/init.d" "$o/usr/lib/sysusers.d" "$o/usr/local/share/doc/cq-netboot"
cp "$r/usr/sbin/cq-startd" "$r/usr/sbin/cq-jobinit" "$o/usr/local/sbin/"
cp -R "$here/overlay/." "$o/"
sed 's,/usr/local/bin/cq-startd,/usr/local/sbin/cq-startd,' \
    "$here/systemd/cq-startd.service" > "$o/etc/systemd/system/cq-startd.service"
sed 's,^DAEMON=.*,DAEMON=/usr/local/sbin/cq-startd,' \
    "$here/init.d/cq-startd" > "$o/etc/init.d/cq-startd"
chmod 755 "$o/etc/init.d/cq-startd" "$o/usr/local/sbin/cq-netboot-check"
{
	echo "# cq-agent (the agent's network child) and the slot users (docs/jobs-users.md)"
	echo 'u cq-agent - "cq agent" /nonexistent /usr/sbin/nologin'
	i=1
	while [ $i -le 64 ]; do
		echo "u cq-slot$i - \"cq slot $i\" /nonexistent /usr/sbin/nologin"
		i=$((i + 1))
	done
} > "$o/usr/lib/sysusers.d/cq.conf"
echo "$version" > "$o/etc/cq/image-version"
# The Debian packages whose libraries the agent loads: the root needs them.
{
	echo "# Debian packages the root must have for cq-startd (its shared libraries)"
	ldd "$builddir/cq-startd" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
	    while read -r lib; do
		dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || echo "(unknown): $lib"
	done | cut -d: -f1 | sort -u
} > "$o/usr/local/share/doc/cq-netboot/packages"
(cd "$o" && tar -cf - --owner=0 --group=0 --numeric-owner .) | gzip -9 > "$work/overlay.tar.gz"

# --- the version's directory, then the PXE assets -----------------------------
mkdir -p "$dest.tmp"
cp "$kroot/boot/vmlinuz-$kver" "$dest.tmp/vmlinuz"
mv "$work/initrd.gz" "$work/overlay.tar.gz" "$dest.tmp/"
cp "$r/etc/cq/image-version" "$r/etc/cq/image-info" "$dest.tmp/"
(cd "$dest.tmp" && sha256sum vmlinuz initrd.gz overlay.tar.gz > SHA256SUMS)
mv "$dest.tmp" "$dest"
say "built $dest: vmlinuz $(wc -c < "$dest/vmlinuz") bytes, initrd.gz $(wc -c < "$dest/initrd.gz") bytes, overlay.tar.gz $(wc -c < "$dest/overlay.tar.gz") bytes"

sh "$here/pxe.sh" -o "$out" -s "$schedd" -f "$fingerprint" -a "$append"
if [ ! -e "$out/current" ]; then
	sh "$here/promote.sh" -o "$out" promote "$version"
else
	say "current is still $(readlink "$out/current"); boot this one with: make image-promote VERSION=$version"
fi
