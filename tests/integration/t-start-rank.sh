#!/bin/bash
# t-start-rank: the machine's side.  An agent whose start expression
# refuses this user's jobs gets none of them (cq why names the machine and
# the clause), while another agent runs them; a job's rank chooses among
# the slots that match (rank = Memory takes the big machine, -Memory the
# small one); and a start that does not parse, or a site attribute that
# shadows one of cq's, stops the agent at start-up with the key.
. "$(dirname "$0")/../lib/lib.sh"

me=$(id -un)
start_schedd 10s
AGENT_EXTRA="start = KeyboardIdle >= 0 && TARGET.Owner != \"$me\"
rank = TARGET.JobPrio" start_agent picky 1

sub() {	# NAME LINES...: submit one job with those lines, print its id
	local name=$1
	shift
	printf 'executable = /bin/true\n%s\nqueue\n' "$@" > "$name.sub"
	cq submit --terse "$name.sub" || fail "submit $name failed"
}
# The agent's heartbeat gives KeyboardIdle; before it, start is undefined.
sleep 1
refused=$(sub refused "")
sleep 1
[ "$(count_jobs ".ClusterId == $refused and .JobStatus == 1")" -eq 1 ] ||
    fail "the picky machine ran $me's job: $(cq q -a --json)"
out=$(cq why "$refused")
grep -qF "1 slot: the start policy of picky rejects it: TARGET.Owner != \"$me\"" <<<"$out" ||
    fail "cq why does not name the start clause: $out"
grep -q "0 rejected by the job's requirements, 1 by the machines' start" <<<"$out" ||
    fail "cq why does not count the start's rejections: $out"
log "a machine's start refuses $me's jobs, and cq why says so"

start_agent small 1		# 256 MiB
cat > "$T/agent-big.conf" <<CONF
schedd = $SCHEDD_ADDR
name = big
slots = 1
memory = 1024
activity =
local_socket = $T/agent-big.sock
$(agent_tls_conf)
token = $SCHEDD_POOL_TOKEN
state_dir = $T/agent-big.state
CONF
"$STARTD_BIN" -f -c "$T/agent-big.conf" >> "$T/agent-big.log" 2>&1 &
AGENT_PID[big]=$!
disown "${AGENT_PID[big]}"
wait_until 10 agent_connected big || fail "agent big did not register"

in_history() {	# ID: the job has finished
	[ "$(cq history --json "$1" | jq length)" -eq 1 ]
}
machine() {
	cq history --json "$1" | jq -r '.[0].LastRemoteHost'
}
wait_until 20 in_history "$refused" || fail "$refused did not run elsewhere"
[ "$(machine "$refused")" != "slot1@picky" ] || fail "$refused ran on picky"
for i in 1 2 3; do
	hi=$(sub "hi$i" "rank = Memory")
	wait_until 20 in_history "$hi" || fail "$hi did not run"
	[ "$(machine "$hi")" = "slot1@big" ] ||
	    fail "rank = Memory chose $(machine "$hi")"
	lo=$(sub "lo$i" "rank = -Memory")
	wait_until 20 in_history "$lo" || fail "$lo did not run"
	[ "$(machine "$lo")" = "slot1@small" ] ||
	    fail "rank = -Memory chose $(machine "$lo")"
done
log "rank chooses the slot: Memory -> big, -Memory -> small"

# An agent whose start does not parse does not start, and says why.
cp "$T/agent-big.conf" "$T/agent-bad.conf"
echo 'start = KeyboardIdle >' >> "$T/agent-bad.conf"
if out=$("$STARTD_BIN" -n -c "$T/agent-bad.conf" 2>&1); then
	fail "an agent with a broken start expression started: $out"
fi
grep -q "agent-bad.conf:[0-9]*: start: does not parse: column" <<<"$out" ||
    fail "the refusal does not name the key: $out"
cp "$T/agent-big.conf" "$T/agent-bad.conf"
echo 'machine_attributes = Cpus = 99' >> "$T/agent-bad.conf"
if out=$("$STARTD_BIN" -n -c "$T/agent-bad.conf" 2>&1); then
	fail "machine_attributes shadowing Cpus was accepted"
fi
grep -q "machine_attributes: Cpus is cq's own attribute" <<<"$out" ||
    fail "machine_attributes refusal: $out"
log "a broken start or machine_attributes stops the agent with the key"

# The machine's ad, as cq status shows it, carries start, rank and the
# platform with HTCondor's names.
ad=$(cq status --json | jq -c '.[] | select(.Machine == "picky")')
[ "$(jq -r .Start <<<"$ad")" = "KeyboardIdle >= 0 && TARGET.Owner != \"$me\"" ] ||
    fail "the ad has no Start: $ad"
[ "$(jq -r .Rank <<<"$ad")" = "TARGET.JobPrio" ] || fail "the ad has no Rank: $ad"
[ "$(jq -r .OpSys <<<"$ad")" = LINUX ] || fail "the ad has no OpSys: $ad"
[ "$(jq -r .State <<<"$ad")" = Unclaimed ] || fail "the ad's State: $ad"
jq -e '.Arch and .Cpus and .Memory and .Disk and .TotalCpus and .TotalMemory and (.HasCRIU != null) and .Name == "slot1@picky"' <<<"$ad" >/dev/null ||
    fail "the ad lacks HTCondor's names: $ad"
log "cq status shows the machine ad with start and rank"

# A start over time alone (KeyboardIdle) becomes true with no event: the
# scheduler matches again while jobs wait and such a slot is free.
AGENT_EXTRA="start = KeyboardIdle > 6" start_agent patient 1
t0=$(now_ms)
late=$(sub late 'requirements = Machine == "patient"')
sleep 1
out=$(cq why "$late")
grep -qF "1 slot: the start policy of patient rejects it: KeyboardIdle > 6" <<<"$out" ||
    fail "cq why before KeyboardIdle > 6: $out"
wait_until 20 in_history "$late" || fail "the job never started on patient: $(cq why "$late")"
[ "$(machine "$late")" = "slot1@patient" ] || fail "$late ran on $(machine "$late")"
log "a start over KeyboardIdle lets the job in once true ($(( $(now_ms) - t0 )) ms)"
