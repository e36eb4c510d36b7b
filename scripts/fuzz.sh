#!/bin/sh
# Build the submit-language fuzzer (tests/fuzz/fuzz-submit.c) with clang's
# libFuzzer, ASan and UBSan, outside automake (plain `make` never needs
# clang), and run it for a bounded time: scripts/fuzz.sh [SECONDS]
# (default 60).  Starts from tests/fuzz/corpus-submit/ (a copy grows in
# the build directory), caps each input (-max_len, -timeout) and fails on
# any crash, leak, sanitizer report or slow input.  Prints
# "PASS: fuzz-submit" or "FAIL: fuzz-submit" for scripts/check.sh.
# The build directory is ${BUILD:-build}/fuzz; it needs a configured
# ${BUILD:-build} (for config.h), which this script makes if missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
secs=${1:-60}
out=$build/fuzz
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is missing (scripts/deps.sh installs it)" >&2
	echo "FAIL: fuzz-submit"
	exit 1
fi
if [ ! -f "$build/config.h" ]; then
	BUILD=$build sh "$top/scripts/build.sh" >/dev/null || {
		echo "FAIL: fuzz-submit"; exit 1; }
fi
mkdir -p "$out/corpus"
# shellcheck disable=SC2046
if ! clang -g -O1 -std=c11 -Wall -Wextra -Wno-unused-parameter \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
    -I"$build" -I"$top/common" $(pkg-config --cflags json-c libbsd-overlay) \
    -o "$out/fuzz-submit" "$top/tests/fuzz/fuzz-submit.c" \
    "$top/common/submit.c" "$top/common/submit-macro.c" \
    "$top/common/submit-kw.c" "$top/common/submit-args.c" \
    "$top/common/submit-queue.c" \
    "$top/common/jobdesc.c" "$top/common/jsonx.c" "$top/common/text.c" \
    "$top/common/log.c" "$top/common/xmalloc.c" \
    $(pkg-config --libs json-c libbsd-overlay) 2>"$out/build.log"; then
	cat "$out/build.log" >&2
	echo "FAIL: fuzz-submit"
	exit 1
fi
cp "$top"/tests/fuzz/corpus-submit/* "$out/corpus/" 2>/dev/null
cd "$out" || exit 1
# -max_len 4096: submit files are small; -timeout 10: no input may take
# long (the jobs cap keeps each one cheap); leaks are failures.
if ./fuzz-submit -max_total_time="$secs" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1 \
    corpus >"$out/fuzz.log" 2>&1; then
	grep -E "stat::number_of_executed_units|stat::peak_rss" "$out/fuzz.log"
	echo "PASS: fuzz-submit"
	exit 0
fi
tail -60 "$out/fuzz.log" >&2
ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* 2>/dev/null >&2
echo "FAIL: fuzz-submit"
exit 1
