#!/bin/sh
# pxe.sh: write the PXE assets of an image output directory (build.sh
# calls it after each build; docs/netboot.md):
#   pxelinux.0, ldlinux.c32  BIOS PXE loader (from pxelinux, syslinux-common)
#   pxelinux.cfg/default     boots current/vmlinuz with current/initrd.gz
#   boot.ipxe                the same for iPXE (its own ROM, or chained)
#   dnsmasq-proxy.conf.example  proxy DHCP beside the site's DHCP server
#   DHCP-OPTIONS.txt         the options for any other DHCP server
#   cmdline                  the kernel command line the two configs carry
# Every file is written beside its old self and renamed over it, so a
# machine booting meanwhile reads the old one or the new one.
#
#   image/pxe.sh -o OUTDIR [-s SCHEDD] [-f FINGERPRINT] [-a WORDS]
set -eu
out=
schedd=
fingerprint=
append=
while getopts o:s:f:a: opt; do
	case $opt in
	o) out=$OPTARG ;;
	s) schedd=$OPTARG ;;
	f) fingerprint=$OPTARG ;;
	a) append=$OPTARG ;;
	*) echo "usage: pxe.sh -o OUTDIR [-s SCHEDD] [-f FINGERPRINT] [-a WORDS]" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] && [ -d "$out" ] || { echo "pxe: no output directory '$out'" >&2; exit 1; }

cmdline="${schedd:+cq.schedd=$schedd }${fingerprint:+cq.fingerprint=$fingerprint }$append"
cmdline=$(printf '%s' "$cmdline" | tr -s ' ' | sed 's/ $//')
if [ -z "$schedd" ]; then
	echo "image: warning: no scheduler given (IMAGE_SCHEDD=HOST:PORT): machines boot, say so on their console and run no agent until cq.schedd= is on their kernel command line ($out/cmdline)" >&2
fi
if [ -z "$fingerprint" ]; then
	echo "image: warning: no scheduler fingerprint given (IMAGE_FINGERPRINT=, from cq pool fingerprint): the agents refuse to start without one" >&2
fi

# put FILE: stdin becomes FILE, by rename.
put() {
	cat > "$1.new.$$"
	mv -f "$1.new.$$" "$1"
}

mkdir -p "$out/pxelinux.cfg"
echo "$cmdline" | put "$out/cmdline"
if [ -f /usr/lib/PXELINUX/pxelinux.0 ] &&
    [ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ]; then
	put "$out/pxelinux.0" < /usr/lib/PXELINUX/pxelinux.0
	put "$out/ldlinux.c32" < /usr/lib/syslinux/modules/bios/ldlinux.c32
else
	echo "image: warning: no /usr/lib/PXELINUX/pxelinux.0 (packages pxelinux, syslinux-common): only boot.ipxe can boot this directory" >&2
fi

put "$out/pxelinux.cfg/default" <<CQEOF
# cq netboot image (written by image/pxe.sh).  current/ is the version
# machines boot; make image-promote VERSION=... and make image-rollback
# switch it.  A machine of its own: pxelinux.cfg/01-<mac, dashes>.
DEFAULT cq
PROMPT 0
TIMEOUT 0
LABEL cq
  KERNEL current/vmlinuz
  INITRD current/initrd.gz
  APPEND $cmdline
CQEOF

put "$out/boot.ipxe" <<CQEOF
#!ipxe
# cq netboot image (written by image/pxe.sh); boots current/.
kernel current/vmlinuz initrd=initrd.gz $cmdline
initrd current/initrd.gz
boot
CQEOF

put "$out/dnsmasq-proxy.conf.example" <<CQEOF
# dnsmasq as a proxy DHCP server beside the site's own DHCP server, which
# keeps handing out the addresses: dnsmasq only adds the boot file for
# PXE clients, and serves it by TFTP.  Copy to /etc/dnsmasq.d/cq-netboot.conf,
# set the desktops' network below, and restart dnsmasq.
# No DNS from this dnsmasq:
port=0
# The desktops' network (its address), proxy mode:
dhcp-range=192.168.1.0,proxy
# BIOS PXE ROMs load pxelinux.0 (dnsmasq adds the .0):
pxe-service=x86PC,"cq netboot",pxelinux
# Log what is asked for:
log-dhcp
enable-tftp
tftp-root=$out
CQEOF

put "$out/DHCP-OPTIONS.txt" <<CQEOF
cq netboot image: what a DHCP server must tell the desktops

  next-server (siaddr; option 66, TFTP server name)
      the address of the server that serves $out by TFTP
  filename (option 67, boot file name)
      pxelinux.0   for BIOS PXE ROMs (the usual case)
      boot.ipxe    for clients that are iPXE already (user class "iPXE",
                   option 77): match on it, or they load pxelinux.0 again
  root-path (option 17)
      not used by the self-contained image (initrd.gz carries the whole
      system).  For the overlay flavour on an LTSP or NFS root it names
      that root as SERVER:/PATH: give the path exactly as the NFS server
      exports it, with no trailing slash (docs/netboot.md says why).

ISC dhcpd (dhcpd.conf):
  next-server 192.168.1.10;
  if exists user-class and option user-class = "iPXE" {
          filename "boot.ipxe";
  } else {
          filename "pxelinux.0";
  }

dnsmasq without a DHCP server of its own: dnsmasq-proxy.conf.example.

Kernel command line (both configs carry it): $cmdline
CQEOF
echo "image: PXE assets in $out (kernel command line: $cmdline)"
