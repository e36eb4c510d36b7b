#!/bin/sh
# Build and run the whole test suite: unit tests, integration tests
# against real daemons, hostile input, banned functions.  With
# CQ_ASAN=1 the suite runs a second time under ASan + UBSan, and the
# fuzzers (every parser of outside bytes, credential texts included:
# docs/fuzzing.md) run for
# CQ_FUZZ_SECONDS each (default 60).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/deps.sh" || exit 1
rc=0
run_suite() {
	build=$1; shift
	BUILD=$build sh "$top/scripts/build.sh" "$@" || return 1
	(cd "$build" && make -j1 check >"$build/check.out" 2>&1)
	r=$?
	grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$build/check.out"
	if [ $r -ne 0 ]; then
		echo "--- failures ($build/test-suite.log):"
		sed -n '/^FAIL:\|^ERROR:/,/^\(PASS\|SKIP\):/p' \
		    "$build/test-suite.log" 2>/dev/null | tail -150
	fi
	return $r
}
# skip_reasons BUILD: each skipped test of BUILD's run and the reason it
# printed (lib.sh's skip: "NAME: SKIP: why"), so a newcomer sees what was
# not tried.
skip_reasons() {
	grep -E '^SKIP:' "$1/check.out" 2>/dev/null | while read -r _ t; do
		r=$(grep -h ': SKIP: ' "$1/$t.log" 2>/dev/null | tail -1 |
		    sed 's/^[^:]*: SKIP: //')
		echo "  $(basename "$1"): $t: ${r:-(no reason printed)}"
	done
}
totals() {
	for f in "$@"; do cat "$f" 2>/dev/null; done | awk '
	/^PASS:/ { p++ } /^FAIL:|^ERROR:|^XPASS:/ { f++ } /^SKIP:/ { s++ }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
}
run_suite "$top/build" || rc=1
outs="$top/build/check.out"
if [ "${CQ_ASAN:-0}" = 1 ]; then
	run_suite "$top/build-asan" --enable-asan || rc=1
	outs="$outs $top/build-asan/check.out"
	# The fuzzers, bounded (CQ_FUZZ_SECONDS each, default 60).
	BUILD=$top/build-asan sh "$top/scripts/fuzz.sh" \
	    "${CQ_FUZZ_SECONDS:-60}" >"$top/build-asan/fuzz.out" 2>&1 || rc=1
	grep -E '^(PASS|FAIL):' "$top/build-asan/fuzz.out"
	outs="$outs $top/build-asan/fuzz.out"
fi
# shellcheck disable=SC2086
totals $outs
skipped=$(for f in $outs; do
	case $f in */check.out) skip_reasons "$(dirname "$f")" ;; esac
done)
if [ -n "$skipped" ]; then
	echo "skipped, and why:"
	echo "$skipped"
fi
exit $rc
