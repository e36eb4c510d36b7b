#!/bin/bash
# t-status-fields: `cq status` asks the scheduler for the table's fields
# only (query "machines" with "fields": each row an array of those
# values, written as text), and prints what the full rows (objects with
# the slot ads, which -constraint asks for) print: the same table, for a
# real agent running a job and an agent that is Owner for good with its
# reason and image version.  The arrays hold the values of the objects'
# members of those names; an unknown field, or "ad", is refused.
. "$(dirname "$0")/../lib/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed for the raw queries"

start_schedd 30s
start_agent a1 2
python3 "$CQ_SRCDIR/tests/lib/rogue-agent.py" --tls --token "$SCHEDD_POOL_TOKEN" \
    --addr "$SCHEDD_ADDR" --name plain1 --slots 3 --act machine --linger 60 \
    --machine '{"Arch":"X86_64","OpSys":"LINUX","CqOwnerReason":"opted out \"here\"","CqImageVersion":"2026.12.06-1"}' \
    > plain1.out 2>&1 &
at_cleanup kill $!
wait_until 20 agent_connected plain1 || fail "plain1 did not register: $(cat plain1.out)"
id=$(cq submit --terse -- /bin/sleep 60) || fail "cq submit failed"
running() { cq status a1 | grep -q "CLAIMED .* $id\.0 "; }
wait_until 20 running || fail "job $id is not running: $(cq q -nobatch)"

# The table: from the fields, and from the full rows (-constraint true).
# Ages in seconds may tick between the two: a few tries.
same=0
for try in 1 2 3 4 5; do
	cq status > fields.out || fail "cq status failed"
	cq status -constraint true > full.out || fail "cq status -constraint failed"
	if cmp -s fields.out full.out; then
		same=1
		break
	fi
done
[ "$same" = 1 ] || fail "the tables differ: $(diff fields.out full.out)"
grep -q "^slot[12]@a1 .*CLAIMED.* $id\.0 " fields.out ||
    fail "no row of a1 with job $id: $(cat fields.out)"
grep -q '^  plain1: opted out "here"$' fields.out ||
    fail "no reason line for plain1: $(cat fields.out)"
grep -q "2026.12.06-1" fields.out || fail "no IMAGE column: $(cat fields.out)"
grep -q "^Total for pool: 5 slots; 4 unclaimed, 1 claimed, 0 owner" fields.out ||
    fail "the totals are wrong: $(cat fields.out)"
# The names select as before.
cq status plain1 slot2@a1 > names.out || fail "cq status NAMES failed"
cq status -constraint true plain1 slot2@a1 > names-full.out ||
    fail "cq status -constraint NAMES failed"
[ "$(grep -c '@' names.out)" = 4 ] || fail "not 4 slots named: $(cat names.out)"
cmp -s names.out names-full.out || {
	sleep 1
	cq status plain1 slot2@a1 > names.out
	cq status -constraint true plain1 slot2@a1 > names-full.out
	cmp -s names.out names-full.out ||
	    fail "the named tables differ: $(diff names.out names-full.out)"
}
log "cq status from the fields prints what the full rows print"

# The raw rows: arrays of the members of the objects, in the order asked
# (the members that do not age with time).
f='["name","machine","slot","state","connected","cpus","memory_mb","job","activity","criu","load","image_version","owner_reason"]'
q() { python3 "$CQ_SRCDIR/tests/lib/cqclient.py" "$CQ_SOCKET" query "$1"; }
q "{\"what\":\"machines\",\"fields\":$f}" > arrays.json || fail "the fields query failed"
q '{"what":"machines"}' > objects.json || fail "the machines query failed"
jq -c '.rows' arrays.json > a.txt
jq -c --argjson f "$f" '[.rows[] | [.[$f[]]]]' objects.json > o.txt
cmp -s a.txt o.txt || fail "arrays and objects differ: $(cat a.txt) vs $(cat o.txt)"
[ "$(jq '.rows | length' arrays.json)" = 5 ] || fail "not 5 rows: $(cat arrays.json)"
jq -e '.rows[] | select(.[0] == "slot1@plain1") | .[12] == "opted out \"here\""' \
    arrays.json > /dev/null || fail "plain1's reason is not as sent: $(cat arrays.json)"
# The ages: numbers or null, as in the objects.
q '{"what":"machines","fields":["contact_age_ms","owner_idle_ms","owner_seen_ms"]}' \
    > ages.json || fail "the ages query failed"
jq -e '[.rows[][0] | numbers] | length == 5' ages.json > /dev/null ||
    fail "contact_age_ms is not a number in every row: $(cat ages.json)"
for bad in '["ad"]' '["name","nosuch"]' '[]'; do
	out=$(q "{\"what\":\"machines\",\"fields\":$bad}" 2>&1) &&
	    fail "fields $bad accepted: $out"
	grep -q "field" <<<"$out" || fail "fields $bad: no word of the fields: $out"
done
log "the rows are the objects' members in the order asked; bad fields are refused"
cq rm "$id" > /dev/null || fail "cq rm failed"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died"
log "ok"
