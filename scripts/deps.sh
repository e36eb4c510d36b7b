#!/bin/sh
# Install the Debian 12 packages cq builds and tests with (docs/deps.md
# says why each is there).  Installs only what is missing; needs root.
set -eu
pkgs="build-essential autoconf automake libtool pkg-config
	libevent-dev libssl-dev libsqlite3-dev libjson-c-dev libssh2-1-dev
	libbsd-dev libmd-dev libcriterion-dev sqlite3 procps valgrind jq tzdata
	libx11-dev libxext-dev tmux xvfb xdotool x11-utils
	iproute2 iptables clang libclang-rt-14-dev python3 musl-tools
	openssh-client openssh-server
	qemu-system-x86 ipxe-qemu busybox-static cpio pxelinux syslinux-common"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# make image fetches Debian's kernel with apt-get download: apt's lists
# must know it (a machine whose lists were cleaned gets them anew).
if [ -z "$missing" ]; then
	apt-cache show linux-image-amd64 >/dev/null 2>&1 && exit 0
	[ "$(id -u)" = 0 ] || exit 0
	echo "deps: apt's package lists do not know linux-image-amd64: apt-get update"
	apt-get update -qq || exit 1
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root, or with sudo)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages must not start services (openssh-server would start an sshd on
# port 22): the tests start their own daemons on loopback.  policy-rc.d
# answering 101 is Debian's way to say so, for this install only.
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d &&
	    chmod 755 /usr/sbin/policy-rc.d && guard=/usr/sbin/policy-rc.d
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
	[ -z "$guard" ] || rm -f "$guard"
	exit 1
}
[ -z "$guard" ] || rm -f "$guard"
