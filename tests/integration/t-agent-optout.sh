#!/bin/bash
# t-agent-optout: a desktop opts out on its kernel command line
# (cq.agent=off, openMosix's MOSIX=N): it registers, its slots are OWNER
# with the reason in its ad (CqOwnerReason) and under `cq status`, no job
# is matched there (`cq why` says so) and a start order that comes anyway
# (from a scheduler that does not care: tests/lib/fake-schedd.py) is
# refused.  The settings a netbooted desktop takes from its kernel command
# line (cq.schedd, cq.fingerprint, cq.token, cq.slots, cq.owner_hours
# in quotes) all apply: its file names another scheduler, pins another
# certificate and has no token, so only the command line gets it in.
# The image version: one agent reads image_version_file and `cq status`
# shows it (IMAGE column, CqImageVersion); a bad file is warned about and
# gives no version.  A command line with bad words: the agent refuses to
# start and names every one (docs: cq-startd(8), "Kernel command line").
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
echo "2026.12.06-1" > "$T/version-a1"
AGENT_EXTRA="image_version_file = $T/version-a1" start_agent a1 1

cat > "$T/cmdline-off1" <<EOF
BOOT_IMAGE=/vmlinuz-6.1.0 initrd=initrd.img ip=dhcp quiet cq.schedd=$SCHEDD_ADDR cq.fingerprint=$SCHEDD_FP cq.token=$SCHEDD_POOL_TOKEN cq.agent=off cq.slots=2 cq.owner_hours="Mon-Fri 08:00-18:00"
EOF
zero=0000000000000000000000000000000000000000000000000000000000000000
SCHEDD_ADDR=127.0.0.1:1 AGENT_FINGERPRINT=$zero AGENT_TOKEN= \
    AGENT_EXTRA="kernel_cmdline = $T/cmdline-off1
image_version_file = $T/no-such-file" start_agent off1 1
log "off1 registered with what its kernel command line says"

st=$(cq status --json) || fail "cq status --json failed"
[ "$(jq '[.[] | select(.Machine == "off1")] | length' <<<"$st")" -eq 2 ] ||
    fail "cq.slots=2 did not give off1 two slots: $st"
[ "$(jq -r '[.[] | select(.Machine == "off1") | "\(.CqState) \(.State) \(.CqOwnerReason)"] | unique | .[]' <<<"$st")" = \
    "OWNER Owner opted out on this machine (agent = off, kernel command line)" ] ||
    fail "off1's slots are not Owner with the reason: $st"
[ "$(jq -r '[.[] | select(.Machine == "off1") | .CqImageVersion] | unique | .[]' <<<"$st")" = null ] ||
    fail "off1 has an image version without a file: $st"
[ "$(jq -r '.[] | select(.Machine == "a1") | "\(.CqImageVersion) \(.CqOwnerReason)"' <<<"$st")" = \
    "2026.12.06-1 null" ] || fail "a1's ad: $st"
CQ_KERNEL_CMDLINE=$T/cmdline-off1 "$STARTD_BIN" -n -c "$T/agent-off1.conf" \
    > off1.n 2>&1 || fail "cq-startd -n: $(cat off1.n)"
grep -qx "owner_hours = Mon-Fri 08:00-18:00" off1.n ||
    fail "cq.owner_hours in quotes did not apply: $(cat off1.n)"
grep -qx "token = (secret, not shown)" off1.n || fail "token: $(cat off1.n)"

COLUMNS=200 cq status > table || fail "cq status failed"
head -1 table | grep -q "IMAGE" || fail "no IMAGE column: $(cat table)"
grep -E "^slot1@a1 .* 2026\.12\.06-1 *$" table >/dev/null ||
    fail "a1's row does not show its image: $(cat table)"
grep -qx "  off1: opted out on this machine (agent = off, kernel command line)" table ||
    fail "cq status does not list off1's reason: $(cat table)"
log "cq status: off1 Owner with its reason, a1 with its image version"

# Matching never picks off1: a job only off1 fits waits, and says why;
# others run on a1.
cat > only.sub <<'EOF'
executable = /bin/true
requirements = Machine == "off1"
queue
EOF
only=$(cq submit --terse only.sub) || fail "submit failed"
any=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq wait -t 30 "$any" || fail "job $any did not run"
[ "$(cq history --json "$any" | jq -r '.[0].LastRemoteHost')" = slot1@a1 ] ||
    fail "job $any did not run on a1"
[ "$(cq q --json "$only.0" | jq -r ".[0].JobStatus")" = 1 ] || fail "job $only.0 is not idle: $(cq q --json)"
why=$(cq why --json "$only.0") || fail "cq why failed"
jq -e '.[0].reasons[] | select(.reason == "opted-out" and .slots == 2)' \
    <<<"$why" >/dev/null || fail "cq why does not say opted out: $why"
grep -q "job $only" "$T/agent-off1.log" && fail "off1 heard of job $only"
cq rm "$only" >/dev/null || fail "cq rm failed"

# An image version that is not one: warned about, no version.
printf 'two words\n' > "$T/version-a2"
AGENT_EXTRA="image_version_file = $T/version-a2" start_agent a2 1
grep -q "image_version_file $T/version-a2: not an image version" \
    "$T/agent-a2.log" || fail "no warning about a2's bad version file"
[ "$(cq status --json | jq -r '.[] | select(.Machine == "a2") | .CqImageVersion')" = null ] ||
    fail "a2 shows a version: $(cq status --json)"

# A start order that comes anyway is refused, with the reason.
python3 "$CQ_SRCDIR/tests/lib/fake-schedd.py" --port-file "$T/fake.port" \
    --job 77.0 --wait 60 > fake.out 2> fake.err &
fake=$!
wait_until 10 test -s "$T/fake.port" || fail "the fake scheduler did not start"
INSECURE=1 AGENT_NO_WAIT=1 SCHEDD_ADDR=127.0.0.1:$(cat "$T/fake.port") \
    AGENT_TOKEN= AGENT_EXTRA="agent = off" start_agent off2 1
wait "$fake" || fail "the fake scheduler heard nothing of its order: $(cat fake.out fake.err)"
[ "$(sed -n 's/^ad //p' fake.out | jq -r .CqOwnerReason)" = \
    "opted out on this machine (agent = off, $T/agent-off2.conf:$(grep -n "^agent = off" "$T/agent-off2.conf" | cut -d: -f1))" ] ||
    fail "off2's ad on the wire has no reason: $(cat fake.out)"
ans=$(grep -v '^ad ' fake.out)
line=$(grep -n "^agent = off" "$T/agent-off2.conf" | cut -d: -f1)
[ "$(jq -r '"\(.evicted) \(.error)"' <<<"$ans")" = \
    "true refused: opted out on this machine (agent = off, $T/agent-off2.conf:$line)" ] ||
    fail "the start order was not refused as opted out: $ans"
grep -q "job 77.0 run 1: refused: opted out" "$T/agent-off2.log" ||
    fail "off2 did not log the refusal"
stop_agent off2
log "a start order that came anyway was refused"

# Bad words on the kernel command line: every one named, the secret
# never repeated, and the agent does not start.
cat > "$T/cmdline-bad" <<EOF
quiet cq.slots=many cq.agnet=off cq.agent=maybe cq.schedd=nohost cq.token=cqt1.s3cr3t cq.owner_hours="Mon-Fry 08:00" cq.idle_after
EOF
CQ_KERNEL_CMDLINE=$T/cmdline-bad "$STARTD_BIN" -f -c "$T/agent-a1.conf" \
    > bad.out 2>&1 && fail "the agent started with a bad command line"
for want in \
    "kernel command line: cq.slots=many: expected a whole number from 0 to 1024" \
    "kernel command line: cq.agnet: unknown setting; did you mean cq.agent?" \
    "kernel command line: cq.agent=maybe: expected on or off" \
    "kernel command line: cq.schedd=nohost: expected host:port" \
    "kernel command line: cq.idle_after: no value (write cq.idle_after=VALUE)" \
    "kernel command line: token: not a pool token" \
    "kernel command line: owner_hours: unknown day 'Fry'"; do
	grep -qF "cq-startd: $want" bad.out || fail "not said: '$want': $(cat bad.out)"
done
grep -q s3cr3t bad.out && fail "the token's text was printed: $(cat bad.out)"
log "every bad word of the command line named"
