#!/bin/sh
# CRIU migration of a 512 MiB process, the way the agent does it
# (startd/criu.c through tests/lib/criurun): a counter holding 512 MiB of
# checksummed memory, started as the init of a pid namespace in cgroups
# of its own, is dumped (criu kills it), its image copied to another
# directory (what a transfer to another agent has to move) and the
# original deleted, then restored from the copy; the counter checks its
# memory and must finish with exactly 1..N.  Once with the images on
# disk ($TMPDIR, default /tmp) and once on tmpfs (/dev/shm).  Prints the
# RSS, image size, dump, copy and restore times, and for reference `cp`
# + `sha256sum` of a file of the image's size on the same filesystem.
# Usage: bench/criu-512.sh [BUILD_DIR]   (root; CRIU=path, default the
# copy of scripts/criu-fetch.sh; MB=512)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
criu=${CRIU:-/var/cache/cq/criu/criu}
mb=${MB:-512}
if [ "$(id -u)" != 0 ]; then
	echo "# criu-512: needs root (CRIU dumps another process)"; exit 0
fi
if ! [ -x "$criu" ] || ! "$criu" check >/dev/null 2>&1; then
	echo "# criu-512: no working criu at $criu (scripts/criu-fetch.sh)"; exit 0
fi
make -C "$build" tests/lib/criurun tests/lib/counter >/dev/null
echo "# $(uname -n) cores=$(nproc) $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$criu" --version | head -1), kernel $(uname -r), ${mb} MiB"
for base in "${TMPDIR:-/tmp}" /dev/shm; do
	work=$(mktemp -d "$base/cq-criu512.XXXXXX")
	if ! "$build/tests/lib/criurun" -H 1 -m "$mb" -s 50 "$criu" \
	    "$build/tests/lib/counter" "$work" 60 > "$work.log" 2>&1; then
		echo "# criu-512 on $base failed:"; tail -5 "$work.log"
		rm -rf "$work" "$work.log"; continue
	fi
	if ! seq 60 | cmp -s - "$work/out"; then
		echo "# criu-512 on $base: the output is not 1..60"
	fi
	img=$(du -sm "$work/copy.1" | cut -f1)
	hop=$(grep '^hop 1:' "$work.log")
	rss=$(echo "$hop" | sed 's/.*rss \([0-9]*\) MiB.*/\1/')
	d=$(echo "$hop" | sed 's/.*dump \([0-9]*\) ms.*/\1/')
	c=$(echo "$hop" | sed 's/.*copy \([0-9]*\) ms.*/\1/')
	r=$(echo "$hop" | sed 's/.*restore \([0-9]*\) ms.*/\1/')
	# Reference: cp + sha256sum of the biggest image file.
	big=$(ls -S "$work/copy.1" | head -1)
	t0=$(date +%s%N)
	cp "$work/copy.1/$big" "$work/ref"
	sha256sum "$work/ref" >/dev/null
	ref=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "criu_512 on=$base rss_mb=$rss image_mb=$img dump_ms=$d copy_ms=$c restore_ms=$r total_ms=$((d + c + r)) cp_sha256_ms=$ref"
	rm -rf "$work" "$work.log"
done
