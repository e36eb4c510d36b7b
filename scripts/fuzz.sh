#!/bin/sh
# Build the libFuzzer targets in tests/fuzz/ with clang, ASan and UBSan,
# outside automake (plain `make` never needs clang), and run each for a
# bounded time: scripts/fuzz.sh [SECONDS [NAME...]] (default 60 seconds
# each, every target; CQ_FUZZ_SEED=N fixes the seed).  The targets: fuzz-submit (the submit language),
# fuzz-expr (expressions), fuzz-frame (frame headers against the message
# table), fuzz-msg (message payloads), fuzz-json (strict JSON and member
# checks), fuzz-agentmsg (the agents' reports as C structs),
# fuzz-agentad (the agent's ad and the start order as C structs), fuzz-cfg
# (configuration files), fuzz-cmdline (the kernel command line),
# fuzz-cred (credential texts and network blocks), fuzz-machinead (the
# agent's machine ad and machine_attributes), fuzz-presence (the agent's
# owner-presence file), fuzz-itemframe (the item frames of a late
# materialization);
# docs/fuzzing.md describes them and their last runs.  Each
# starts from tests/fuzz/corpus-NAME/ (a copy grows in the build
# directory), caps each input (-max_len, -timeout) and fails on any
# crash, leak, sanitizer report or slow input.  Prints "PASS: fuzz-NAME"
# or "FAIL: fuzz-NAME" per target for scripts/check.sh, after the run's
# figures (executions, coverage, corpus size).  The build
# directory is ${BUILD:-build}/fuzz; it needs a configured ${BUILD:-build}
# (for config.h), which this script makes if missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
secs=${1:-60}
[ $# -gt 0 ] && shift
all="fuzz-submit fuzz-expr fuzz-frame fuzz-msg fuzz-json fuzz-agentmsg
    fuzz-agentad fuzz-cfg fuzz-cred fuzz-cmdline fuzz-machinead
    fuzz-presence fuzz-itemframe"
targets=${*:-$all}
out=$build/fuzz
c=$top/common

failall() {
	for t in $targets; do
		echo "FAIL: $t"
	done
	exit 1
}
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is missing (scripts/deps.sh installs it)" >&2
	failall
fi
if [ ! -f "$build/config.h" ]; then
	BUILD=$build sh "$top/scripts/build.sh" >/dev/null || failall
fi

# fuzz NAME SOURCES...: build tests/fuzz/NAME.c with SOURCES, run it.
fuzz() {
	name=$1; shift
	dir=$out/$name
	mkdir -p "$dir/corpus"
	# shellcheck disable=SC2046
	if ! clang -g -O1 -std=c11 -Wall -Wextra -Wno-unused-parameter \
	    -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined \
	    -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
	    -I"$build" -I"$c" $(pkg-config --cflags json-c libbsd-overlay) \
	    -o "$dir/$name" "$top/tests/fuzz/$name.c" "$@" \
	    "$c/log.c" "$c/xmalloc.c" \
	    $(pkg-config --libs json-c libbsd-overlay) -lm \
	    2>"$dir/build.log"; then
		cat "$dir/build.log" >&2
		echo "FAIL: $name"
		return 1
	fi
	cp "$top/tests/fuzz/corpus-${name#fuzz-}"/* "$dir/corpus/" \
	    2>/dev/null
	# -max_len 4096 (more for files with longer lines): inputs are
	# small; -timeout 10: no input may take long; leaks are failures.
	if (cd "$dir" && "./$name" -max_total_time="$secs" \
	    -max_len="${maxlen:-4096}" \
	    -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
	    ${CQ_FUZZ_SEED:+-seed="$CQ_FUZZ_SEED"} \
	    -print_final_stats=1 corpus >"$dir/fuzz.log" 2>&1); then
		grep -E "stat::number_of_executed_units|stat::peak_rss" \
		    "$dir/fuzz.log"
		grep -E "^#[0-9]+[[:space:]]+DONE" "$dir/fuzz.log"
		echo "PASS: $name"
		return 0
	fi
	tail -60 "$dir/fuzz.log" >&2
	ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* 2>/dev/null >&2
	echo "FAIL: $name"
	return 1
}

rc=0
for t in $targets; do
	case $t in
	fuzz-submit)
		fuzz fuzz-submit "$c/submit.c" "$c/submit-macro.c" \
		    "$c/submit-kw.c" "$c/submit-args.c" "$c/submit-queue.c" \
		    "$c/submit-factory.c" \
		    "$c/submit-unsup.c" "$c/submit-func.c" \
		    "$c/jobdesc.c" "$c/jsonx.c" "$c/text.c" "$c/expr.c" \
		    "$c/expr-eval.c" "$c/expr-fn.c" "$c/expr-json.c" || rc=1 ;;
	fuzz-machinead)
		fuzz fuzz-machinead "$c/machinead.c" "$c/msg.c" "$c/jsonx.c" \
		    "$c/jobdesc.c" "$c/text.c" "$c/expr.c" "$c/expr-eval.c" \
		    "$c/expr-fn.c" "$c/expr-json.c" || rc=1 ;;
	fuzz-presence)
		# Past the largest file the agent writes (336 bins).
		maxlen=32768
		fuzz fuzz-presence "$c/presence.c" "$c/atomicfile.c" || rc=1
		maxlen= ;;
	fuzz-expr)
		fuzz fuzz-expr "$c/expr.c" "$c/expr-eval.c" "$c/expr-fn.c" \
		    "$c/expr-json.c" || rc=1 ;;
	fuzz-frame)
		fuzz fuzz-frame "$c/frame.c" "$c/msg.c" "$c/jsonx.c" || rc=1 ;;
	fuzz-itemframe)
		fuzz fuzz-itemframe "$c/itemframe.c" "$c/text.c" || rc=1 ;;
	fuzz-msg|fuzz-json)
		fuzz "$t" "$c/msg.c" "$c/jsonx.c" || rc=1 ;;
	fuzz-agentmsg)
		# Past an exited report's 8 KiB (the largest it takes).
		maxlen=9000
		fuzz fuzz-agentmsg "$c/agentmsg.c" "$c/msg.c" "$c/jsonx.c" \
		    "$c/text.c" "$c/slotstate.c" || rc=1
		maxlen= ;;
	fuzz-agentad)
		# Past an ad of a few slots and a start with its job ad.
		maxlen=16384
		fuzz fuzz-agentad "$c/agentmsg.c" "$c/agentmsg-ad.c" \
		    "$c/agentmsg-start.c" "$c/machinead.c" "$c/jobdesc.c" \
		    "$c/jobdesc-wire.c" "$c/jsonw.c" "$c/msg.c" "$c/jsonx.c" "$c/text.c" "$c/slotstate.c" \
		    "$c/expr.c" "$c/expr-eval.c" "$c/expr-fn.c" \
		    "$c/expr-json.c" || rc=1
		maxlen= ;;
	fuzz-cfg)
		# Past a 4096-byte line (the longest a file may have).
		maxlen=9000
		fuzz fuzz-cfg "$c/cfg.c" || rc=1
		maxlen= ;;
	fuzz-cmdline)
		fuzz fuzz-cmdline "$c/cfg.c" || rc=1 ;;
	fuzz-cred)
		# shellcheck disable=SC2046
		fuzz fuzz-cred "$c/cred.c" "$c/cidr.c" "$c/sha256-md.c" \
		    $(pkg-config --libs libmd) || rc=1 ;;
	*)
		echo "fuzz: no target $t (targets: $(echo $all))" >&2
		echo "FAIL: $t"
		rc=1 ;;
	esac
done
exit $rc
