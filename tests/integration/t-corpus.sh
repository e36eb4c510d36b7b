#!/bin/sh
# t-corpus: every real submit file of tests/corpus (MANIFEST.tsv names
# each one's repository, path and commit) gives exactly its golden
# (FILE.out): the jobs `cq submit --dry-run` makes of it, or its refusal.
# A refusal must name the HTCondor feature cq lacks ("... not support
# ..."), unless the manifest marks the file invalid (broken on purpose,
# refused by condor_submit too).  tests/corpus/run.sh runs one file
# (read it for how the files a submit file names are dealt with).
# CQ_CORPUS_UPDATE=1 rewrites the goldens instead: review the diff, a
# golden is a claim.  No daemon is needed.
set -u
src=${CQ_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${CQ_BUILDDIR:-$src}
dir=$src/tests/corpus
cq=$build/cq
[ -x "$cq" ] || { echo "t-corpus: no $cq"; exit 1; }
got=$(mktemp "${TMPDIR:-/tmp}/cq-corpus-got.XXXXXX") || exit 1
trap 'rm -f "$got"' EXIT

bad=0 n=0 expand=0 refused=0 invalid=0
srcs=$(awk -F'\t' '!/^#/ {print $2}' "$dir/MANIFEST.tsv" | sort -u | wc -l)
while IFS='	' read -r file repo path commit note; do
	case $file in '#'*|'') continue ;; esac
	n=$((n + 1))
	if [ ! -f "$dir/$file" ]; then
		echo "t-corpus: $file: in the manifest, not in the corpus"
		bad=$((bad + 1))
		continue
	fi
	sh "$dir/run.sh" "$cq" "$dir/$file" > "$got"
	if [ "${CQ_CORPUS_UPDATE:-0}" = 1 ]; then
		cp "$got" "$dir/$file.out"
	elif ! cmp -s "$got" "$dir/$file.out"; then
		echo "t-corpus: $file ($repo $path): not as its golden:"
		diff -u "$dir/$file.out" "$got" | head -20
		bad=$((bad + 1))
		continue
	fi
	if grep -qx 'exit 0' "$got"; then
		expand=$((expand + 1))
	elif grep -q 'not support' "$got"; then
		refused=$((refused + 1))
	else
		case $note in
		invalid*) invalid=$((invalid + 1)) ;;
		*)	echo "t-corpus: $file: refused without naming an" \
			    "HTCondor feature: $(tail -n 1 "$got")"
			bad=$((bad + 1)) ;;
		esac
	fi
done < "$dir/MANIFEST.tsv"
# Every golden belongs to a file of the manifest.
for g in "$dir"/*/*.out; do
	f=${g#"$dir"/}
	f=${f%.out}
	grep -q "^$f	" "$dir/MANIFEST.tsv" ||
	    { echo "t-corpus: $f.out: a golden of no manifest entry"; bad=$((bad + 1)); }
done
echo "t-corpus: $n files from $srcs sources: $expand expand, $refused" \
    "refused naming the feature, $invalid invalid (refused as by" \
    "condor_submit)"
[ "$n" -ge 100 ] || { echo "t-corpus: fewer than 100 files"; bad=$((bad + 1)); }
# README states the count; it must be this run's.
if [ "${CQ_CORPUS_UPDATE:-0}" != 1 ] && [ -f "$src/README.md" ]; then
	tr '\n' ' ' < "$src/README.md" | tr -s ' ' |
	    grep -q "$expand real submit files from $srcs sources expand" || {
		echo "t-corpus: README.md does not say \"$expand real submit" \
		    "files from $srcs sources expand\""
		bad=$((bad + 1))
	}
fi
[ "$bad" -eq 0 ] || { echo "t-corpus: FAILED ($bad)"; exit 1; }
exit 0
