#!/bin/bash
# t-json: one vocabulary.  `--json` prints what `-json` prints for cq q,
# cq history and cq status: the ads, HTCondor's attribute names, nothing
# lowercase.  What cq's own rows used to carry is there: the job's
# CommittedTime and CqBadputTime, an ended job's RemoteUserCpu,
# RemoteSysCpu and ResidentSetSize; the slot's JobId, LastHeardFrom,
# CqState, CqActivity and CqConnected, which -constraint sees too.
# `-batch -json` prints the batch rows with CamelCase names; -hold and
# -run keep their selection; two output forms together are refused.
. "$(dirname "$0")/../lib/lib.sh"

# upper KEYS_JSON: no key of any object starts lowercase.
upper() {
	jq -e '[.[] | keys[] | select(test("^[a-z]"))] | length == 0' >/dev/null
}

start_schedd 10s
start_agent a1 2
d=$(cq submit --terse -- /bin/sh -c 'exit 3') || fail "submit failed"
cq wait -t 20 "$d" >/dev/null
h=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
r=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
wait_until 10 test "$(count_jobs '.JobStatus == 2')" -eq 2 ||
    fail "jobs not running: $(cq q -nobatch)"
cq hold "$h" >/dev/null || fail "hold failed"
wait_until 10 test "$(count_jobs '.JobStatus == 5')" -eq 1 || fail "not held"

# q: the same bytes for a job that does not change (held).
[ "$(cq q --json "$h")" = "$(cq q -json "$h")" ] ||
    fail "q --json and -json differ: $(cq q --json "$h")"
cq q --json | upper || fail "q --json has lowercase keys: $(cq q --json)"
cq q --json "$h" | jq -e '.[0] | .ClusterId == '"$h"' and .ProcId == 0 and
    .JobStatus == 5 and .JobRunCount == 1 and has("CommittedTime") and
    has("CqBadputTime") and has("LastRemoteHost")' >/dev/null ||
    fail "held job's ad: $(cq q --json "$h")"
[ "$(cq q --json "$r" | jq -r '.[0].RemoteHost')" != null ] ||
    fail "running job without RemoteHost: $(cq q --json "$r")"
[ "$(cq q -hold --json | jq -c '[.[].ClusterId]')" = "[$h]" ] ||
    fail "-hold --json: $(cq q -hold --json)"
[ "$(cq q -run -json | jq -c '[.[].ClusterId]')" = "[$r]" ] ||
    fail "-run -json: $(cq q -run -json)"

# history: the same, with what the old rows carried.
[ "$(cq history --json "$d")" = "$(cq history -json "$d")" ] ||
    fail "history --json and -json differ"
cq history --json "$d" | upper || fail "history: lowercase keys"
cq history --json "$d" | jq -e '.[0] | .JobStatus == 4 and .ExitCode == 3 and
    .ExitBySignal == false and (.RemoteUserCpu | type) == "number" and
    (.RemoteSysCpu | type) == "number" and .ResidentSetSize > 0 and
    (.CommittedTime | type) == "number" and .CqBadputTime == 0 and
    (.LastRemoteHost | test("@a1$"))' >/dev/null ||
    fail "history ad: $(cq history --json "$d")"

# status: the slot ads with cq's extras, which a constraint sees.
[ "$(cq status --json | jq -c '[.[] | keys]')" = "$(cq status -json | jq -c '[.[] | keys]')" ] ||
    fail "status --json and -json differ"
cq status --json | upper || fail "status: lowercase keys"
cq status --json | jq -e 'length == 2 and all(.CqConnected and
    (.LastHeardFrom | type) == "number") and
    ([.[] | select(.CqState == "CLAIMED" and .CqActivity == "Busy") | .JobId] == ["'"$r.0"'"])' \
    >/dev/null || fail "status ads: $(cq status --json)"
[ "$(cq status -af JobId -constraint "CqState == \"CLAIMED\" && JobId == \"$r.0\"")" = "$r.0" ] ||
    fail "-constraint over cq's slot attributes: $(cq status -json)"

# -batch -json: the batch rows, CamelCase.
cq q -batch --json | upper || fail "-batch --json: lowercase keys"
[ "$(cq q -batch --json | jq -c '[.[] | select(.ClusterId == '"$h"') | .Held, .Total, .JobIds]')" = "[1,1,\"$h.0\"]" ] ||
    fail "-batch --json: $(cq q -batch --json)"

# Two output forms: refused, as usage.
cq q -l --json >/dev/null 2>err
[ $? -eq 2 ] && grep -q "choose one of" err || fail "q -l --json: $(cat err)"
cq status --json -af Name >/dev/null 2>err
[ $? -eq 2 ] && grep -q "choose one of" err || fail "status --json -af: $(cat err)"
log "--json is -json: the ads, one vocabulary"
exit 0
