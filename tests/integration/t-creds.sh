#!/bin/bash
# t-creds: a machine name belongs to the credential that first took it.
# A second agent with another valid pool token that claims a registered
# agent's name is refused ("name X belongs to another agent"), and the
# real agent keeps its job: still RUNNING there, completed once.  Revoking
# the real agent's credential disconnects it at once and its reconnects
# are refused; `cq pool forget` frees the name, and a new agent with a
# token enrolls under it.
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_EXTRA="auth_failures = 10000"
start_schedd 10s
start_agent real 1
cid=$(cut -d. -f2 "$(agent_state_dir "${AGENT_DIR[real]}")/credential") ||
    fail "agent real holds no credential"

j=$(cq submit --terse -- /bin/sh -c 'sleep 8; echo done') || fail "submit failed"
running_on_real() {
	[ "$(cq q --json "$j" | jq -r '.[0] | "\(.JobStatus) \(.RemoteHost) \(.JobRunCount)"')" = \
	    "2 slot1@real 1" ]
}
wait_until 10 running_on_real || fail "job $j is not running on real: $(cq q --json "$j")"

# The impostor: its own directories, another valid token, the same name.
imp_token=$(cq pool token) || fail "cq pool token failed"
mkdir -p "$T/imp.d/state"
cat > "$T/agent-imp.conf" <<CONF
schedd = $SCHEDD_ADDR
name = real
slots = 4
memory = 1024
activity =
local_socket = $T/imp.sock
token = $imp_token
state_dir = $T/imp.d/state
sandbox_dir = $T/sandbox-imp
$(agent_tls_conf)
CONF
"$STARTD_BIN" -f -c "$T/agent-imp.conf" >> "$T/agent-imp.log" 2>&1 &
AGENT_PID[imp]=$!
disown "${AGENT_PID[imp]}"
wait_until 15 grep -q "agent real from 127.0.0.1: refused: name real belongs to another agent (credential $cid" schedd.log ||
    fail "the impostor was not refused"
wait_until 15 grep -q "scheduler says: name real belongs to another agent" agent-imp.log ||
    fail "the impostor was not told why"
[ -e "$(agent_state_dir "$T/imp.d")/credential" ] && fail "the impostor got a credential"
running_on_real || fail "the job left the real agent: $(cq q --json "$j")"
agent_connected real >/dev/null || fail "the real agent lost its link"
[ "$(cq status --json | jq '[.[] | select(.Machine == "real")] | length')" -eq 1 ] ||
    fail "the impostor's slots show: $(cq status --json)"
grep -q "replaced by a new connection" schedd.log && fail "a link was replaced"
cq wait -t 30 "$j" || fail "job $j did not complete"
h=$(cq history --json "$j")
[ "$(jq -r '.[0] | "\(.LastRemoteHost) \(.JobRunCount) \(.NumJobStarts) \(.ExitCode)"' <<<"$h")" = \
    "slot1@real 1 1 0" ] || fail "job $j: $h"
[ "$(cat "cq-$j.out")" = done ] || fail "job $j output: $(cat "cq-$j.out")"
stop_agent imp
log "the impostor was refused, the job completed once on real"

# Revoke the real agent's credential: it is disconnected at once.
cq pool revoke "$cid" >/dev/null || fail "cq pool revoke $cid failed"
wait_until 10 grep -q "agent real (.*): closed: its credential was revoked" schedd.log ||
    fail "the revoked agent was not disconnected"
wait_until 20 grep -q "agent real from 127.0.0.1: refused: credential $cid is revoked" schedd.log ||
    fail "the revoked agent's reconnect was not refused"
agent_connected real >/dev/null && fail "the revoked agent is connected"
[ "$(cq pool agents --json | jq -r --arg i "$cid" '.[] | select(.id == $i) | .state')" = revoked ] ||
    fail "cq pool agents: $(cq pool agents --json)"
stop_agent real

# Forget the name: a new agent (fresh state) enrolls as real.
cq pool forget real >/dev/null || fail "cq pool forget real failed"
[ "$(cq pool agents --json | jq -r '[.[] | select(.name == "real")] | length')" -eq 0 ] ||
    fail "the name is not free: $(cq pool agents --json)"
rm -rf "${AGENT_DIR[real]}/state"
start_agent real 1
cid2=$(cut -d. -f2 "$(agent_state_dir "${AGENT_DIR[real]}")/credential")
[ -n "$cid2" ] && [ "$cid2" != "$cid" ] || fail "no new credential for real"
j2=$(cq submit --terse -- /bin/true) || fail "submit 2 failed"
cq wait -t 20 "$j2" || fail "job $j2 did not run on the re-enrolled agent"
exit 0
