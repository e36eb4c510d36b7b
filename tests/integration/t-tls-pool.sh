#!/bin/bash
# t-tls-pool: `cq pool up` sets TLS up by itself: the agents' startd.conf
# pins the fingerprint the scheduler made (the one `cq pool fingerprint`
# prints and STATE_DIR/fingerprint holds), the agent says it is pinned,
# and a job runs.
. "$(dirname "$0")/../lib/lib.sh"

export CQ_HOME=$T/home
at_cleanup "\"$CQ_BIN\" pool down >/dev/null 2>&1"
cq pool up > pool-up.out 2>&1 || fail "cq pool up: $(cat pool-up.out)"
fp=$(cq pool fingerprint) || fail "cq pool fingerprint failed"
[[ $fp =~ ^[0-9a-f]{64}$ ]] || fail "cq pool fingerprint printed '$fp'"
[ "$fp" = "$(cat "$CQ_HOME/schedd/fingerprint")" ] ||
    fail "cq pool fingerprint $fp is not STATE_DIR/fingerprint"
grep -qx "fingerprint = $fp" "$CQ_HOME/startd.conf" ||
    fail "startd.conf does not pin $fp: $(cat "$CQ_HOME/startd.conf")"
grep -q "insecure" "$CQ_HOME/startd.conf" &&
    fail "startd.conf is insecure: $(cat "$CQ_HOME/startd.conf")"
grep -q "over TLS, certificate pinned SHA256 $fp" "$CQ_HOME"/log/startd-1.log ||
    fail "the agent does not say it is pinned"
j=$(cq submit --terse -- /bin/echo pinned) || fail "submit failed"
cq wait -t 20 "$j" || fail "job $j did not run"
[ "$(cat "cq-$j.out")" = pinned ] || fail "job $j output: $(cat "cq-$j.out")"
cq pool down >/dev/null || fail "cq pool down failed"
exit 0
