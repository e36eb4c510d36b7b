#!/bin/sh
# promote.sh: switch which version of the image the desktops boot.
#   image/promote.sh -o OUTDIR promote VERSION   current -> VERSION
#   image/promote.sh -o OUTDIR rollback          current <-> previous
#   image/promote.sh -o OUTDIR list              the versions, * current
# current and previous are symlinks in OUTDIR; each switch makes the new
# link beside the old and renames it over it (rename(2)), so a machine
# booting meanwhile gets either version whole, never a mix of two nor a
# missing file.  Each switch is logged in OUTDIR/promote.log.
set -eu
out=
while getopts o: opt; do
	case $opt in
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
die() {
	echo "image: $*" >&2
	exit 1
}
[ -n "$out" ] && [ -d "$out" ] || die "no image directory '$out' (make image first)"

# link NAME TARGET: NAME -> TARGET, atomically.
link() {
	ln -s "$2" "$out/.$1.new.$$"
	mv -T -f "$out/.$1.new.$$" "$out/$1" ||
	    { rm -f "$out/.$1.new.$$"; die "cannot switch $out/$1"; }
}
check() {
	case $1 in
	''|*/*|.*) die "'$1' is not a version" ;;
	esac
	[ -d "$out/$1" ] || die "no version $1 in $out (make image-list)"
	for f in vmlinuz initrd.gz SHA256SUMS; do
		[ -f "$out/$1/$f" ] || die "$out/$1 has no $f: not a finished build"
	done
	(cd "$out/$1" && sha256sum -c --quiet SHA256SUMS) ||
	    die "$out/$1: its files do not match SHA256SUMS"
}
logit() {
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >> "$out/promote.log"
	echo "image: $*"
}

case ${1:-} in
promote)
	[ $# -eq 2 ] || die "usage: promote.sh -o OUTDIR promote VERSION"
	check "$2"
	cur=$(readlink "$out/current" 2>/dev/null) || cur=
	if [ "$cur" = "$2" ]; then
		echo "image: $2 is current already"
		exit 0
	fi
	[ -n "$cur" ] && link previous "$cur"
	link current "$2"
	logit "promote: current ${cur:-(none)} -> $2"
	;;
rollback)
	cur=$(readlink "$out/current" 2>/dev/null) || die "no current version in $out"
	prev=$(readlink "$out/previous" 2>/dev/null) || die "no previous version in $out to roll back to"
	check "$prev"
	link current "$prev"
	link previous "$cur"
	logit "rollback: current $cur -> $prev"
	;;
list)
	cur=$(readlink "$out/current" 2>/dev/null) || cur=
	prev=$(readlink "$out/previous" 2>/dev/null) || prev=
	for d in "$out"/*/image-version; do
		[ -f "$d" ] || continue
		v=$(basename "$(dirname "$d")")
		[ -L "$out/$v" ] && continue
		m=" "
		[ "$v" = "$cur" ] && m="*"
		[ "$v" = "$prev" ] && m="-"
		echo "$m $v"
	done
	;;
*)
	die "usage: promote.sh -o OUTDIR promote VERSION | rollback | list"
	;;
esac
