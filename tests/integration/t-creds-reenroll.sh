#!/bin/bash
# t-creds-reenroll: a netbooted desktop has no disk: every boot it comes
# back with a fresh state directory, no secret, under its old name, and
# asks for a credential again.  The scheduler's configured auto_approve
# block (during auto_approve_window) grants its first request; while that
# agent is connected, a second agent of the same name with a fresh state
# directory is refused (the name is not taken from a connected agent,
# whose job runs on and completes once, and the refusal is not a failed
# proof); once the first agent has left, the same name asking again is
# granted: the old credential is deleted, logged, and the new one is the
# only one of that name (docs/credentials.md, "Machine names").
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_EXTRA="auto_approve = 127.0.0.0/8"
start_schedd 10s
AGENT_TOKEN= start_agent desk1 1
grep -q "agent desk1 from 127.0.0.1: issued credential [0-9a-f]* (auto 127.0.0.0/8)" \
    "$T/schedd.log" || fail "desk1 was not enrolled by the auto_approve block"
old=$(cut -d. -f2 "$(agent_state_dir "$T/agent-desk1.d")"/credential)
[ -n "$old" ] || fail "desk1 kept no credential"
log "boot 1: desk1 enrolled by auto-approval, credential $old"

j=$(cq submit --terse -- /bin/sleep 3) || fail "submit failed"
wait_until 20 eval '[ "$(cq q --json "$j" | jq -r ".[0].JobStatus")" = 2 ]' ||
    fail "job $j did not start on desk1"

# The same name from a fresh state directory while desk1 is connected.
mkdir -p "$T/imp/state"
[ "$(id -u)" -eq 0 ] && chmod 711 "$T/imp"
sed -e "s|$T/agent-desk1.d/state|$T/imp/state|" \
    -e "s|$T/agent-desk1.sock|$T/imp.sock|" \
    -e "s|$T/sandbox-desk1|$T/sandbox-imp|" "$T/agent-desk1.conf" > "$T/imp.conf"
(cd "$T/imp" && exec "$STARTD_BIN" -f -c "$T/imp.conf") >> "$T/imp.log" 2>&1 &
imp=$!
at_cleanup kill "$imp"
wait_until 30 grep -q "agent desk1 from 127.0.0.1: refused: name desk1 belongs to credential $old (auto 127.0.0.0/8), whose agent is connected now" \
    "$T/schedd.log" || fail "a second desk1 was not refused while desk1 is connected"
kill "$imp"
wait "$imp" 2>/dev/null
grep -q "refused: name desk1 .*failure [0-9]* from" "$T/schedd.log" &&
    fail "the refusal counted as a failed proof"
agent_connected desk1 >/dev/null || fail "desk1 lost its link to the impostor"
cq wait -t 30 "$j" || fail "job $j did not complete"
[ "$(cq history --json "$j" | jq -r '"\(.[0].JobRunCount) \(.[0].ExitCode) \(.[0].LastRemoteHost)"')" = \
    "1 0 slot1@desk1" ] || fail "job $j: $(cq history --json "$j")"
[ "$(cq pool agents --json | jq -r --arg i "$old" '.[] | select(.id == $i) | .state')" = active ] ||
    fail "desk1's credential is not active: $(cq pool agents --json)"
log "a second desk1 was refused while desk1 was connected; its job completed once"

# The reboot: desk1 leaves, its RAM disk with it, and boots again.
stop_agent desk1
rm -rf "$T/agent-desk1.d/state"
AGENT_TOKEN= start_agent desk1 1
grep -q "agent desk1 from 127.0.0.1: credential $old (auto 127.0.0.0/8, not connected) replaced by auto-approval" \
    "$T/schedd.log" || fail "the old credential's replacement was not logged"
new=$(cut -d. -f2 "$(agent_state_dir "$T/agent-desk1.d")"/credential)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "desk1 has credential '$new' (old $old)"
[ "$(cq pool agents --json | jq -r '[.[] | select(.kind == "credential" and .name == "desk1") | "\(.id) \(.how)"] | join(",")')" = \
    "$new auto 127.0.0.0/8" ] || fail "desk1's credentials: $(cq pool agents --json)"
j2=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq wait -t 30 "$j2" || fail "job $j2 did not run after the re-enrollment"
[ "$(cq history --json "$j2" | jq -r '.[0].LastRemoteHost')" = slot1@desk1 ] ||
    fail "job $j2 ran elsewhere"
log "boot 2: desk1 re-enrolled under its name, credential $new replaced $old"
