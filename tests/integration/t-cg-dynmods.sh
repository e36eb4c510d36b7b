#!/bin/bash
# t-cg-dynmods: where job limits live in cgroup v1 beside a cgroup2 tree
# (a hybrid hierarchy), the agent adds favordynmods to the cgroup2 mount
# (startd/jobctl-dyn.c), so a job's start does not wait for an RCU grace
# period; it says so in its log, a job still runs under its v1 limits,
# and a bad cgroup_favordynmods value is refused with file and line.
. "$(dirname "$0")/../lib/lib.sh"

printf 'schedd = 127.0.0.1:1\ninsecure = yes\ncgroup_favordynmods = maybe\n' \
    > bad.conf
err=$("$STARTD_BIN" -n -c "$T/bad.conf" 2>&1) &&
    fail "cgroup_favordynmods = maybe accepted"
echo "$err" | grep -q "bad.conf:3" ||
    fail "the refusal names no file and line: $err"
log "bad value refused: $err"

[ "$(id -u)" -eq 0 ] || skip "not root: the agent makes no job cgroups"
cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$cg2" ] || skip "no cgroup2 mounted: nothing to set"
awk '$9 == "cgroup" && $NF ~ /(^|,)pids(,|$)/ { f = 1 } END { exit !f }' \
    /proc/self/mountinfo || skip "no v1 pids hierarchy: no v1 job groups"

start_schedd 2s
start_agent a1 1
grep -q "jobctl: .*v1:.*pids" "$T/agent-a1.log" ||
    fail "the agent uses no v1 pids group: $(grep jobctl: "$T/agent-a1.log")"
opts=$(awk -v m="$cg2" '$5 == m && $9 == "cgroup2" { print $NF; exit }' \
    /proc/self/mountinfo)
case ",$opts," in
*,favordynmods,*) ;;
*) fail "cgroup2 at $cg2 lacks favordynmods after the agent's start: $opts" ;;
esac
grep -Eq "jobctl: (set favordynmods|.* has favordynmods already)" \
    "$T/agent-a1.log" || fail "the agent's log says nothing of favordynmods"
log "cgroup2 at $cg2: $opts"

# A job still runs in its v1 pids group, under its limit.
cat > j.sub <<SUB
executable = /bin/sh
arguments = "-c 'cat /proc/self/cgroup > $T/cg.out'"
queue
SUB
c=$(cq submit --terse j.sub) || fail "cq submit failed"
cq wait -t 30 "$c" >/dev/null || fail "job $c did not finish"
grep -Eq '^[0-9]+:pids:/.*cq-jobs/' cg.out ||
    fail "the job is in no v1 pids group of cq-jobs: $(cat cg.out)"
log "the job ran in $(grep ':pids:' cg.out)"
exit 0
