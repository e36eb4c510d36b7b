#!/bin/bash
# t-q-ads: the condor_q habits.  `cq q -l ID`, `-json`, `-af` and `-format`
# show the job ad with HTCondor's attribute names, and every key that
# -json prints is a name -constraint takes (one vocabulary: a constraint
# `KEY =?= value` made from each of the ad's own pairs selects the job).
# -hold lists held jobs with reason and CODE/SUB, -run running ones with
# their hosts.  A held job's RUN_TIME is its cumulative run time (as
# condor_q shows it), so holding a job that ran does not zero it.
# `cq release` of a job that is not held says so and fails, changing
# nothing; of a held one it works.  `cq history` fits 80 columns.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 2
r=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
h=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
wait_until 10 test "$(cq q -af JobStatus "$r" "$h" | tr '\n' ' ')" = "2 2 " ||
    fail "jobs not running: $(cq q -nobatch)"

# -af: values, strings bare; an expression too; -format: printf-like.
[ "$(cq q -af ClusterId ProcId Owner "$r")" = "$r 0 $(id -un)" ] ||
    fail "-af: $(cq q -af ClusterId ProcId Owner "$r")"
[ "$(cq q -af 'RequestMemory * 2' "$r")" = "$(( $(cq q -af RequestMemory "$r") * 2 ))" ] ||
    fail "-af with an expression: $(cq q -af 'RequestMemory * 2' "$r")"
[ "$(cq q -format '%d.' ClusterId -format '%d\n' ProcId "$r")" = "$r.0" ] ||
    fail "-format: $(cq q -format '%d.' ClusterId -format '%d\n' ProcId "$r")"
[ "$(cq q -format '[%-6s]\n' Owner "$r")" = "[$(printf '%-6s' "$(id -un)")]" ] ||
    fail "-format width: $(cq q -format '[%-6s]\n' Owner "$r")"
cq q -format '%q' Owner "$r" 2>err && fail "-format %q was accepted"
grep -q "unknown conversion" err || fail "-format %q said: $(cat err)"
log "-af and -format: fine"

# -run: the running jobs and where (RemoteHost).
out=$(cq q -run)
echo "$out" | grep -q '^ID  *OWNER  *SUBMITTED  *RUN_TIME  *HOST(S)' || fail "-run header: $out"
echo "$out" | grep -Eq "^$r\\.0 .* slot[12]@a1\$" || fail "-run has no host for $r.0: $out"
[ "$(cq q -af RemoteHost "$r")" = "$(echo "$out" | awk -v id="$r.0" '$1 == id { print $NF }')" ] ||
    fail "-run host differs from RemoteHost"

# Let $h run a while, then hold it: RUN_TIME stays its run time.
ran() { [ "$(cq q -af RemoteWallClockTime "$h")" -ge 2 ]; }
wait_until 15 ran || fail "RemoteWallClockTime does not grow: $(cq q -l "$h")"
cq hold -reason "checking the hold view" "$h" >/dev/null || fail "hold failed"
wait_until 10 test "$(cq q -af JobStatus "$h")" = 5 || fail "$h not held"
[ "$(cq q -af RemoteWallClockTime "$h")" -ge 2 ] ||
    fail "a held job's RemoteWallClockTime is $(cq q -af RemoteWallClockTime "$h")"
rt=$(cq q -nobatch "$h" | awk -v id="$h.0" '$1 == id { print $5 }')
case $rt in
0+00:00:00|'') fail "a held job's RUN_TIME is '$rt': $(cq q -nobatch "$h")" ;;
esac
log "held RUN_TIME $rt (cumulative)"

# -hold: reason and HoldReasonCode/SubCode (1/0: by the user).
out=$(cq q -hold)
echo "$out" | grep -q '^ID  *OWNER  *HELD_SINCE  *CODE/SUB  *HOLD_REASON' || fail "-hold header: $out"
echo "$out" | grep -Eq "^$h\\.0 .* 1/0 +checking the hold view" || fail "-hold row: $out"

# -l: "Name = value" lines, strings quoted.
cq q -l "$h" > long || fail "cq q -l failed"
grep -qx "ClusterId = $h" long && grep -qx "JobStatus = 5" long &&
    grep -qx "Owner = \"$(id -un)\"" long &&
    grep -qx 'HoldReason = "checking the hold view (by user '"$(id -un)"')"' long &&
    grep -qx 'HoldReasonCode = 1' long || fail "cq q -l: $(cat long)"
[ "$(cq q -long "$h" | grep -c ' = ')" -eq "$(cq q -json "$h" | jq '.[0] | length')" ] ||
    fail "-long and -json differ in their attributes"

# -json keys are constraint names: each pair of the held job's ad, as a
# constraint, selects it (and only it, with its ClusterId).
cq q -json "$h" | jq -e '.[0] | has("ClusterId") and has("ProcId") and has("JobStatus") and has("Owner")' \
    >/dev/null || fail "-json keys: $(cq q -json "$h")"
n=0
while IFS=$'\t' read -r k v; do
	# (== too: jq writes a real such as CommittedTime's 0.0 as 0.)
	got=$(cq q -af ClusterId -constraint "ClusterId == $h && ($k =?= $v || $k == $v)")
	[ "$got" = "$h" ] || fail "-constraint '$k =?= $v' selects '$got', not $h"
	n=$((n + 1))
done < <(cq q -json "$h" | jq -r '.[0] | to_entries[] | select(.value | type != "object" and type != "array") | [.key, (.value | tojson)] | @tsv')
[ "$n" -ge 15 ] || fail "only $n attributes in the ad"
log "-l, -json and -constraint share $n attribute names"

# release: of a running job refused (exit 1, says so), nothing changed.
if cq release "$r" > out 2> err; then fail "releasing a running job succeeded: $(cat out)"; fi
grep -q "not held" err || fail "release of a running job said: $(cat err)"
[ "$(cq q -af JobStatus "$r" "$h" | tr '\n' ' ')" = "2 5 " ] || fail "a refused release changed jobs"
if cq release "$r" "$h" 2> err; then fail "releasing a running and a held job succeeded"; fi
[ "$(cq q -af JobStatus "$h")" = 5 ] || fail "a refused release released $h"
out=$(cq release "$h") || fail "release of a held job failed"
[ "$out" = "1 job(s) released." ] || fail "release said: $out"
if cq release -a 2> err; then fail "release -a with nothing held succeeded"; fi
grep -q "no held job" err || fail "release -a said: $(cat err)"
log "release of a job that is not held fails"

# Unknown options: one line naming it, the nearest one and --help.
if cq q -josn 2> err; then fail "cq q -josn succeeded"; fi
[ "$(wc -l < err)" -eq 1 ] && grep -q 'unknown option -josn (did you mean -json?); see cq q --help' err ||
    fail "cq q -josn said: $(cat err)"

# cq history fits 80 columns, and keeps the id, status and command.
cq rm "$r" "$h" >/dev/null || fail "rm failed"
wait_queue_empty 15 || fail "jobs not gone"
COLUMNS=80 cq history > hist || fail "cq history failed"
awk 'length($0) > 80 { exit 1 }' hist || fail "cq history is wider than 80: $(cat hist)"
head -1 hist | grep -Eq '^ID +OWNER +SUBMITTED +RUN_TIME +ST +EXIT +FINISHED +(MACHINE +)?CMD$' ||
    fail "history header at 80 columns: $(head -1 hist)"
grep -q "^$r\\.0 .*/bin/sleep" hist || fail "history row cut: $(cat hist)"
[ "$(cq history -af ClusterId JobStatus "$r")" = "$r 3" ] ||
    fail "history -af: $(cq history -af ClusterId JobStatus "$r")"
COLUMNS=80 cq history -wide | head -1 | grep -q GOODPUT || fail "history -wide leaves columns out"
exit 0
