#!/bin/sh
# run.sh CQ CORPUS_FILE: what `cq submit --dry-run` makes of one corpus
# file, as its golden (FILE.out) holds it.  The file is parsed from a
# fresh copy of its directory (so `queue ... from FILE` finds the files
# kept beside it and `matching` sees only them), with a fixed, small
# environment, and with `-a 'skip_filechecks = true'`: the corpus keeps
# submit files, not the programs and inputs they name, and
# skip_filechecks is condor_submit's own way past its existence checks.
# The copy's path is written @DIR@.  Standard output (the jobs, one JSON
# line each; of more than 10 jobs the first 5, a count and the last 2)
# comes first, then "exit N" and standard error.
set -u
cq=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/cq-corpus.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
base=$(basename "$src")
cp "$src" "$dir/$base"
# Files the submit file reads (queue ... from), kept as NAME.items/...
for f in "$src".files/*; do
	[ -e "$f" ] && cp -R "$f" "$dir/"
done
cd "$dir" || exit 1
env -i HOME=/home/user USER=user LOGNAME=user PATH=/usr/bin:/bin \
    LANG=C TZ=UTC "$cq" submit -a 'skip_filechecks = true' --dry-run \
    "$base" > out.txt 2> err.txt
rc=$?
{
	n=$(wc -l < out.txt)
	if [ "$n" -gt 10 ]; then
		head -n 5 out.txt
		echo "... ($n jobs in all)"
		tail -n 2 out.txt
	else
		cat out.txt
	fi
	echo "exit $rc"
	cat err.txt
} | sed "s|$dir|@DIR@|g"
