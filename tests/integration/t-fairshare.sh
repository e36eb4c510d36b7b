#!/bin/bash
# t-fairshare: between submitters the pool goes by fair share, not by
# submission order.  On a busy one-slot pool, group a (which has used the
# slot) queues two jobs, then group b one: when the slot frees, b's job
# runs before a's, and cq userprio shows a's effective priority above
# b's, and cq why gives a's job its place in line.  Raising b's priority
# factor far above a's turns the order round, and a nice_user job waits
# behind anybody's.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 1

sub() {	# GROUP: a short job charged to GROUP
	printf 'executable = /bin/true\naccounting_group = %s\nqueue\n' "$1" > "$1.sub"
	cq submit --terse "$1.sub" || fail "submit for $1 failed"
}
cat > block.sub <<EOF
executable = /bin/sh
arguments = "-c 'while [ ! -e $T/go ]; do sleep 0.1; done'"
accounting_group = a
queue
EOF
blk=$(cq submit --terse block.sub) || fail "submit of the blocker failed"
run() { [ "$(cq q --json | jq -r --arg c "$1" '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus')" = 2 ]; }
wait_until 10 run "$blk" || fail "the blocker did not start"
sleep 1		# a's usage grows above the floor
a1=$(sub a)
a2=$(sub a)
b1=$(sub b)
eup() { cq userprio --json | jq --arg n "$1" '.[] | select(.name == $n) | .effective_priority'; }
awk -v a="$(eup a.root)" -v b="$(eup b.root)" 'BEGIN { exit !(a > b) }' ||
    fail "a's effective priority is not above b's: $(cq userprio --json)"
why=$(cq why "$a2") || fail "cq why failed"
case $why in *"fair share: its submitter a.root"*"comes 2nd of 2"*"with 1 of its own jobs before this one"*) ;;
*) fail "cq why does not give a's place: $why" ;; esac
touch go
done_job() { [ "$(cq history --json "$1" | jq length)" -eq 1 ]; }
for c in "$a1" "$a2" "$b1"; do
	wait_until 20 done_job "$c" || fail "job $c did not run: $(cq q --json)"
done
h() { cq history --json "$1" | jq -r ".[0].$2"; }
[ "$(h "$b1" CompletionDate)" -le "$(h "$a1" JobStartDate)" ] ||
    fail "b's later job did not run before a's: b $(h "$b1" JobStartDate), a $(h "$a1" JobStartDate)"
log "b's job ran before a's earlier ones"

# A factor of 10^6 for b: now a goes first though b is idle too.
cq userprio -setfactor b.root 1000000 >/dev/null || fail "setfactor failed"
rm -f go
blk=$(cq submit --terse block.sub) || fail "submit of the blocker failed"
wait_until 10 run "$blk" || fail "the second blocker did not start"
b2=$(sub b)
a3=$(sub a)
touch go
for c in "$b2" "$a3"; do
	wait_until 20 done_job "$c" || fail "job $c did not run: $(cq q --json)"
done
[ "$(h "$a3" CompletionDate)" -le "$(h "$b2" JobStartDate)" ] ||
    fail "with b's factor raised, a did not go first"
log "a raised factor sends b behind"

# nice_user: charged to nice-user.OWNER with a factor of 1e10, it waits
# behind a later job of anybody else.
rm -f go
blk=$(cq submit --terse block.sub) || fail "submit of the third blocker failed"
wait_until 10 run "$blk" || fail "the third blocker did not start"
printf 'executable = /bin/true\nnice_user = true\nqueue\n' > nice.sub
nice=$(cq submit --terse nice.sub) || fail "nice_user submit failed"
plain=$(cq submit --terse -- /bin/true) || fail "plain submit failed"
cq userprio --json | jq -e '.[] | select(.name == "nice-user.root") | .factor == 10000000000' >/dev/null ||
    fail "no nice-user.root with factor 1e10: $(cq userprio --json)"
[ "$(cq q -constraint 'NiceUser' --json | jq length)" -eq 1 ] || fail "NiceUser not in the job ad"
printf 'executable = /bin/true\nnice_user = maybe\nqueue\n' > bad-nice.sub
out=$(cq submit bad-nice.sub 2>&1) && fail "nice_user = maybe accepted: $out"
case $out in *bad-nice.sub:2:*) ;; *) fail "unexpected: $out" ;; esac
touch go
for c in "$nice" "$plain"; do
	wait_until 20 done_job "$c" || fail "job $c did not run: $(cq q --json)"
done
[ "$(h "$plain" CompletionDate)" -le "$(h "$nice" JobStartDate)" ] ||
    fail "the nice_user job ran before the later plain one"
log "nice_user waits behind everybody"
