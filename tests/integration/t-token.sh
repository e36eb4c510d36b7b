#!/bin/bash
# t-token: every agent proves itself.  An agent with a wrong pool token,
# a revoked one, an expired one, an unknown one, or none at all (it sends
# a credential request nobody approves) is refused with the reason in the
# scheduler's log and its own, and gets no job.  An agent with a valid
# token enrolls, receives its own credential (kept 0600 in its state_dir)
# and runs the job; restarted without any token it proves that credential.
# cq pool tokens / agents list it all without a secret; a user who is not
# an administrator may not.
. "$(dirname "$0")/../lib/lib.sh"

# Refused agents retry: no address blocking in this test (t-creds-throttle).
SCHEDD_EXTRA="auth_failures = 10000"
start_schedd 10s

tid() { echo "$1" | cut -d. -f2; }	# a token's id
good=$SCHEDD_POOL_TOKEN
case $good in cqt1.????????.*) ;; *) fail "cq pool token printed '$good'" ;; esac
revoked=$(cq pool token) || fail "cq pool token failed"
cq pool revoke "$(tid "$revoked")" >/dev/null || fail "cq pool revoke failed"
expired=$(cq pool token --lifetime 1s) || fail "cq pool token --lifetime 1s failed"
# The same id with another secret.
last=${good: -1}
if [ "$last" = 0 ]; then wrong=${good%?}1; else wrong=${good%?}0; fi
unknown=cqt1.00000000.$(printf '%064d' 0)
sleep 1.2	# the 1 s token is over

AGENT_NO_WAIT=1
AGENT_TOKEN=$wrong start_agent bad-wrong 1
AGENT_TOKEN=$revoked start_agent bad-revoked 1
AGENT_TOKEN=$expired start_agent bad-expired 1
AGENT_TOKEN=$unknown start_agent bad-unknown 1
AGENT_TOKEN= start_agent bad-none 1
AGENT_NO_WAIT=0

refused() {	# NAME REASON: the scheduler logged the refusal
	grep -q "agent $1 from 127.0.0.1: refused: $2" "$T/schedd.log"
}
for pair in "bad-wrong|wrong secret for pool token $(tid "$good")" \
    "bad-revoked|pool token $(tid "$revoked") is revoked" \
    "bad-expired|pool token $(tid "$expired") has expired" \
    "bad-unknown|unknown pool token 00000000"; do
	name=${pair%%|*} why=${pair#*|}
	wait_until 15 refused "$name" "$why" ||
	    fail "no refusal of $name: '$why' in the scheduler's log"
	wait_until 15 grep -q "scheduler says: $why" "$T/agent-$name.log" ||
	    fail "agent $name was not told: $why"
done
wait_until 15 grep -q "agent bad-none from 127.0.0.1: credential request [0-9]* pending approval" schedd.log ||
    fail "no pending request of bad-none"
grep -q "scheduler says: credential request [0-9]* pending approval" agent-bad-none.log ||
    fail "bad-none was not told its request is pending"
[ "$(stat -c %a "$(agent_state_dir agent-bad-none.d)"/request)" = 600 ] ||
    fail "the request key is not mode 600"
log "five agents refused with their reasons"

j=$(cq submit --terse -- /bin/echo hello) || fail "submit failed"
sleep 1
[ "$(cq status --json | jq length)" -eq 0 ] ||
    fail "a refused agent shows in the pool: $(cq status --json)"
[ "$(count_jobs '.JobStatus == 1')" -eq 1 ] || fail "the job did not stay IDLE: $(cq q --json)"

start_agent good 1
cq wait -t 20 "$j" || fail "job $j did not run on the agent with the token"
[ "$(cq history --json "$j" | jq -r '.[0].LastRemoteHost')" = "slot1@good" ] ||
    fail "job $j ran elsewhere: $(cq history --json "$j")"
[ "$(cat "cq-$j.out")" = hello ] || fail "job $j output: $(cat "cq-$j.out")"
[ "$(cq status --json | jq -c '[.[].Machine] | unique')" = '["good"]' ] ||
    fail "pool: $(cq status --json)"
cred=$(agent_state_dir agent-good.d)/credential
[ "$(stat -c %a "$cred")" = 600 ] || fail "$cred is mode $(stat -c %a "$cred")"
cid=$(cut -d. -f2 "$cred")
grep -q "agent good from 127.0.0.1: issued credential $cid (token $(tid "$good"))" schedd.log ||
    fail "no issue of credential $cid logged"

# A restart without the token: the stored credential is its proof.
stop_agent good
AGENT_TOKEN= start_agent good 1
grep -q "agent good from 127.0.0.1: proved credential $cid" schedd.log ||
    fail "the restarted agent did not prove credential $cid"
j2=$(cq submit --terse -- /bin/true) || fail "submit 2 failed"
cq wait -t 20 "$j2" || fail "job $j2 did not run after the restart"

# The lists: states, how each was issued, and never a secret.
toks=$(cq pool tokens --json) || fail "cq pool tokens failed"
st() { jq -r --arg i "$1" '.[] | select(.id == $i) | .state' <<<"$toks"; }
[ "$(st "$(tid "$good")")" = active ] || fail "good token: $(st "$(tid "$good")")"
[ "$(st "$(tid "$revoked")")" = revoked ] || fail "revoked token: $toks"
[ "$(st "$(tid "$expired")")" = expired ] || fail "expired token: $toks"
[ "$(jq -r --arg i "$(tid "$good")" '.[] | select(.id == $i) | .uses' <<<"$toks")" = 1 ] ||
    fail "good token uses: $toks"
ags=$(cq pool agents --json) || fail "cq pool agents failed"
[ "$(jq -r '.[] | select(.name == "good") | "\(.kind) \(.id) \(.state) \(.connected) \(.source)"' <<<"$ags")" = \
    "credential $cid active true 127.0.0.1" ] || fail "agents: $ags"
[ "$(jq -r '.[] | select(.name == "bad-none") | "\(.kind) \(.state)"' <<<"$ags")" = "request pending" ] ||
    fail "bad-none's request: $ags"
secret=${good##*.}
csecret=$(cut -d. -f3 "$cred")
for out in "$toks" "$ags" "$(cq pool tokens)" "$(cq pool agents)"; do
	case $out in *"$secret"*|*"$csecret"*) fail "a list shows a secret" ;; esac
done
grep -q "$secret\|$csecret" schedd.log && fail "the scheduler logged a secret"

# Only an administrator manages credentials.
if command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$T"
	for args in "token" "tokens" "agents" "revoke $cid"; do
		# shellcheck disable=SC2086
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$CQ_BIN" pool $args 2>&1) && fail "uid 65534: cq pool $args: $out"
		case $out in *"permission denied: only an administrator"*) ;;
		*) fail "uid 65534: cq pool $args: $out" ;; esac
	done
	agent_connected good >/dev/null || fail "a refused revoke disconnected good"
fi
exit 0
