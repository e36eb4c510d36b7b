#!/bin/bash
# t-tls-insecure: plain TCP only when both sides say insecure = yes.  An
# agent with neither a fingerprint nor insecure = yes refuses to start and
# says how to get one; insecure on both sides works and the logs say
# "insecure" at start-up and at each registration; an insecure agent and
# a TLS scheduler (and the reverse) never talk: each side logs why, and no
# job runs.
. "$(dirname "$0")/../lib/lib.sh"

# 1. Neither a fingerprint nor insecure = yes: no start.
start_schedd 10s
[ ${#SCHEDD_FP} -eq 64 ] || fail "no fingerprint from the scheduler"
out=$(AGENT_FINGERPRINT= "$STARTD_BIN" -f -c /dev/null 2>&1); rc=$?
[ "$rc" -eq 2 ] || fail "an agent without a fingerprint started (exit $rc): $out"
case $out in
*"no scheduler fingerprint: run \`cq pool fingerprint\` on the scheduler"*) ;;
*) fail "no fingerprint message: $out" ;;
esac
[ "$(cq pool fingerprint)" = "$SCHEDD_FP" ] ||
    fail "cq pool fingerprint: $(cq pool fingerprint 2>&1)"
log "an agent without a fingerprint refuses to start"

# 2. An insecure agent and a TLS scheduler: refused, logged, nothing runs.
INSECURE=1 AGENT_NO_WAIT=1 start_agent plain 1
j=$(cq submit --terse -- /bin/echo plain) || fail "submit failed"
refused_twice() {
	[ "$(grep -c 'closed: TLS handshake failed' "$T/schedd.log")" -ge 2 ] &&
	[ "$(grep -c 'closed the link before answering our hello (insecure: plain TCP' \
	    "$T/agent-plain.log")" -ge 2 ]
}
wait_until 20 refused_twice ||
    fail "the plain agent and the TLS scheduler did not both log the refusal"
[ "$(cq status --json | jq length)" -eq 0 ] ||
    fail "the plain agent shows in the pool: $(cq status --json)"
[ "$(count_jobs '.JobStatus == 1')" -eq 1 ] ||
    fail "the job did not stay IDLE: $(cq q --json)"
stop_agent plain
log "an insecure agent is refused by a TLS scheduler"

# 3. Both insecure: plain TCP, and the logs say so.
stop_schedd
rm -f "$T/schedd.conf"
INSECURE=1 start_schedd 10s
[ -z "$SCHEDD_FP" ] || fail "an insecure scheduler left a fingerprint"
grep -q "listening on .* (insecure: plain TCP)" "$T/schedd.log" ||
    fail "the insecure scheduler does not say so at start-up"
out=$(cq pool fingerprint 2>&1) && fail "cq pool fingerprint: $out"
case $out in
*"insecure = yes"*) ;;
*) fail "cq pool fingerprint of an insecure scheduler: $out" ;;
esac
INSECURE=1 start_agent a1 1
cq wait -t 20 "$j" || fail "job $j did not run over plain TCP"
[ "$(cat "cq-$j.out")" = plain ] || fail "job $j output: $(cat "cq-$j.out")"
grep -q "agent a1: online with 1 slots (insecure: plain TCP)" "$T/schedd.log" ||
    fail "the scheduler did not log the insecure registration"
grep -q "registered with the scheduler .*(insecure: plain TCP)" "$T/agent-a1.log" ||
    fail "the agent did not log its insecure registration"
grep -q "over plain TCP (insecure" "$T/agent-a1.log" ||
    fail "the agent does not say so at start-up"
stop_agent a1
log "insecure on both sides: plain TCP, logged"

# 4. A TLS agent and an insecure scheduler: refused, logged, nothing runs.
AGENT_FINGERPRINT=$(printf '%064d' 7) AGENT_NO_WAIT=1 start_agent tls 1
j=$(cq submit --terse -- /bin/echo tls) || fail "submit failed"
refused_tls() {
	[ "$(grep -c 'closed: .*: a TLS handshake, but this link is plain TCP' "$T/schedd.log")" -ge 2 ] &&
	[ "$(grep -c 'closed the connection in the TLS handshake\|TLS handshake failed' \
	    "$T/agent-tls.log")" -ge 2 ]
}
wait_until 20 refused_tls ||
    fail "the TLS agent and the plain scheduler did not both log the refusal"
[ "$(cq status --json | jq -c '[.[] | select(.CqConnected)] | length')" -eq 0 ] ||
    fail "the TLS agent shows in the pool: $(cq status --json)"
[ "$(count_jobs '.JobStatus == 1')" -eq 1 ] ||
    fail "the job did not stay IDLE: $(cq q --json)"
log "a TLS agent is refused by an insecure scheduler"
exit 0
