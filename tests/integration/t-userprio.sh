#!/bin/bash
# t-userprio: `accounting_group` names the submitter as HTCondor does
# (group.user): cq userprio shows it with what it runs now, its usage,
# effective priority and factor, beside the plain owner's row.  A factor
# set with -setfactor shows and outlives a restart, as does the usage.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
write_schedd_conf 10s "$SCHEDD_ADDR"
start_agent a1 2

cat > acct.sub <<EOF
executable = /bin/sh
arguments = "-c 'while [ ! -e $T/go ]; do sleep 0.1; done'"
accounting_group = group_physics
queue
EOF
g=$(cq submit --terse acct.sub) || fail "submit with accounting_group failed"
p=$(cq submit --terse -- /bin/sh -c "while [ ! -e $T/go ]; do sleep 0.1; done") ||
    fail "plain submit failed"
up() { cq userprio --json | jq -e --arg n "$1" ".[] | select(.name == \$n) | $2" >/dev/null; }
wait_until 10 up group_physics.root '.running == 1 and .cores_in_use == 1' ||
    fail "group_physics.root does not run one job: $(cq userprio --json)"
wait_until 10 up root '.running == 1' || fail "root's own row: $(cq userprio --json)"
up group_physics.root '.factor == 1000 and .effective_priority >= 500' ||
    fail "default factor/priority wrong: $(cq userprio --json)"
cq userprio | grep -q '^group_physics\.root ' || fail "the table lacks the group: $(cq userprio)"
# The job ad carries HTCondor's accounting attributes.
[ "$(cq q -constraint 'AccountingGroup == "group_physics.root" && AcctGroup == "group_physics" && AcctGroupUser == "root"' --json | jq length)" -eq 1 ] ||
    fail "no job with the accounting attributes: $(cq q --json)"

out=$(cq userprio -setfactor group_physics.root 2000) || fail "setfactor failed: $out"
up group_physics.root '.factor == 2000 and .factor_set' || fail "factor not 2000: $(cq userprio --json)"
out=$(cq userprio -setfactor root 0.5 2>&1); [ $? -eq 2 ] || fail "factor 0.5 taken: $out"
out=$(cq userprio -setfactor 'bad name' 2 2>&1) && fail "a bad name taken: $out"
case $out in *"not a submitter's name"*) ;; *) fail "unexpected: $out" ;; esac

# The accounting_group_user form, and a bad group refused at submit.
printf 'executable = /bin/true\naccounting_group = cms\naccounting_group_user = alice\nqueue\n' > u.sub
cq submit --terse u.sub >/dev/null || fail "accounting_group_user submit failed"
printf 'executable = /bin/true\naccounting_group = bad group\nqueue\n' > bad.sub
out=$(cq submit bad.sub 2>&1) && fail "a bad accounting_group was accepted: $out"
case $out in *bad.sub:2:*accounting_group*) ;; *) fail "unexpected: $out" ;; esac
wait_until 10 up cms.alice '.' || fail "no row for cms.alice: $(cq userprio --json)"

# Usage accrues while they run; it and the factor survive a restart.
sleep 1
touch go
wait_until 20 up group_physics.root '.running == 0' || fail "the group's job did not end"
before=$(cq userprio --json | jq '.[] | select(.name == "group_physics.root") | .usage_hours')
awk -v u="$before" 'BEGIN { exit !(u > 0) }' || fail "no usage recorded: $before"
stop_schedd
start_schedd
up group_physics.root '.factor == 2000' || fail "the factor was lost: $(cq userprio --json)"
after=$(cq userprio --json | jq '.[] | select(.name == "group_physics.root") | .usage_hours')
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a >= b) }' ||
    fail "usage lost in a restart: $before then $after"
log "userprio: group.user submitters, factors and usage, durable"
