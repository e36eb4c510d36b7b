#!/bin/sh
# criu-fetch.sh: put a working CRIU at $CQ_CRIU_DIR/criu (default
# /var/cache/cq/criu/criu), for the agent's criu_path and the CRIU tests.
#
# Debian 12's criu 3.17 cannot run on kernels >= 6.13 (it does not know
# their vDSO layout: "Unexpected rt vDSO area bounds"), and Debian 13's
# criu 4.1 needs Debian 13's libc.  So, unless the system's criu passes
# `criu check`, this fetches Debian 13's criu and the libraries it needs
# with apt-get download under a private apt configuration (own sources
# list, lists and cache: the system's apt state is not touched), unpacks
# them into a private root with dpkg -x (nothing is installed), and
# writes a wrapper that runs criu through that root's own ld.so.
#
# Idempotent: a wrapper that already answers --version is kept.  Quiet:
# apt's output goes to $DIR.log.  Exits 0 with a message when it cannot
# (no network, not amd64, no apt), so CI carries on and the CRIU tests
# skip with their reason.  Needs write access to $CQ_CRIU_DIR's parent.
set -u
dir=${CQ_CRIU_DIR:-/var/cache/cq/criu}
suite=${CQ_CRIU_SUITE:-trixie}
log=$dir.log

say() {
	echo "criu-fetch: $*"
}
give_up() {
	say "$* (no CRIU; see $log)"
	rm -rf "$dir.new"
	exit 0
}

# Already there?
if [ -x "$dir/criu" ] && "$dir/criu" --version >/dev/null 2>&1; then
	exit 0
fi
mkdir -p "$(dirname "$dir")" 2>/dev/null ||
	give_up "cannot create $(dirname "$dir")"
: > "$log" 2>/dev/null || { log=/dev/null; }

# A system criu that works needs no private copy.
if command -v criu >/dev/null 2>&1 && criu check >>"$log" 2>&1; then
	rm -rf "$dir.new"
	mkdir -p "$dir.new" || give_up "cannot create $dir.new"
	printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v criu)" \
	    > "$dir.new/criu"
	chmod 755 "$dir.new/criu"
	rm -rf "$dir" && mv "$dir.new" "$dir" || give_up "cannot install $dir"
	say "using the system's criu ($dir/criu)"
	exit 0
fi

[ "$(uname -m)" = x86_64 ] || give_up "only x86_64 is handled, this is $(uname -m)"
command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 ||
	give_up "no apt-get/dpkg"

# The Debian mirror this machine's apt uses (deb822 or one-line format).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n' |
	grep -v -e security -e '^$' | grep debian | head -1)
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list 2>/dev/null |
	awk '$1 == "deb" && $2 !~ /security/ && $2 ~ /debian/ { print $2; exit }')
[ -n "$mirror" ] || give_up "no Debian mirror in this machine's apt sources"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

rm -rf "$dir.new"
apt=$dir.new/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir.new/debs" \
	"$dir.new/root" || give_up "cannot create $dir.new"
if [ -f "$keyring" ]; then
	echo "deb [signed-by=$keyring] $mirror $suite main" > "$apt/sources.list"
else
	echo "deb $mirror $suite main" > "$apt/sources.list"
fi
set -- -o "Dir::Etc::SourceList=$apt/sources.list" \
	-o Dir::Etc::SourceParts=- \
	-o "Dir::State::Lists=$apt/lists" \
	-o "Dir::Cache=$apt/cache" \
	-o "Dir::State::Status=$apt/status" \
	-o APT::Get::List-Cleanup=0 \
	-o Acquire::Retries=2 -o Acquire::http::Timeout=20
: > "$apt/status"
say "fetching CRIU from $mirror $suite into $dir"
apt-get "$@" -q update >>"$log" 2>&1 || give_up "apt-get update of $suite failed"

# criu and its shared-library closure in that suite (libc included: the
# binary needs a newer one than the system's).
pkgs="criu libcompel1 libc6 libgcc-s1 libgnutls30t64 libnettle8t64
	libhogweed6t64 libgmp10 libidn2-0 libunistring5 libtasn1-6 libp11-kit0
	libffi8 libnftables1 libnftnl11 libmnl0 libjansson4 libxtables12
	libnl-3-200 libprotobuf-c1 libuuid1 libbsd0 libmd0 libnet1 libedit2
	libtinfo6 libzstd1 liblz4-1 libselinux1 libpcre2-8-0"
# shellcheck disable=SC2086
(cd "$dir.new/debs" && apt-get "$@" -q download $pkgs) >>"$log" 2>&1 ||
	give_up "apt-get download failed"
for d in "$dir.new/debs"/*.deb; do
	dpkg -x "$d" "$dir.new/root" >>"$log" 2>&1 || give_up "dpkg -x $d failed"
done

R=$dir/root
libs=$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu
cat > "$dir.new/criu" <<EOF
#!/bin/sh
# Debian $suite's criu from a private root (scripts/criu-fetch.sh).
exec $R/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $libs $R/usr/sbin/criu "\$@"
EOF
chmod 755 "$dir.new/criu"
rm -rf "$dir.new/apt" "$dir.new/debs"
rm -rf "$dir" && mv "$dir.new" "$dir" || give_up "cannot install $dir"

# Every library found?  (ld.so --list resolves without running criu.)
missing=$("$R/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
	--library-path "$libs" --list "$R/usr/sbin/criu" 2>&1 | grep 'not found')
[ -z "$missing" ] || say "libraries missing: $missing"
if ! "$dir/criu" --version >>"$log" 2>&1; then
	rm -rf "$dir"
	give_up "the fetched criu does not run"
fi
if [ "$(id -u)" = 0 ] && ! "$dir/criu" check >>"$log" 2>&1; then
	say "$("$dir/criu" --version | head -1) installed, but criu check fails here"
	exit 0
fi
say "$("$dir/criu" --version | head -1) in $dir/criu"
exit 0
