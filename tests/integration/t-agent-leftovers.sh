#!/bin/bash
# t-agent-leftovers: an agent's jobs live in a cgroup subtree of its own
# (cq-jobs/NAME.HASH), and what a previous life of that agent left there is
# killed when it starts again, by cgroup (an old agent still a zombie
# changes nothing), while another agent's jobs on the machine are never
# touched.  A leftover is made by hand: a process the test puts in a
# group of the agent's subtree, as a job that outlived its init would be.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" = 0 ] || skip "job cgroups need root"
start_schedd 2s
start_agent a1 1
start_agent a2 1
cat > job.sh <<'SH'
#!/bin/sh
read -r p x < /proc/self/stat
echo "$p" > "$1"
exec sleep 300
SH
chmod +x job.sh
cat > job.sub <<SUB
executable = $T/job.sh
arguments = $T/pid.\$(Process)
queue 2
SUB
c=$(cq submit --terse job.sub) || fail "submit failed"
wait_until 10 test -s pid.0 -a -s pid.1 || fail "the jobs did not start"
grep -q "cgroup2 freeze+kill" agent-a1.log ||
    skip "this agent has no cgroup2 containment here: $(grep jobctl: agent-a1.log)"
q=$(cq q --json)
m0=$(jq -r '.[] | select(.ProcId == 0) | .RemoteHost' <<<"$q")
mine=${m0#*@}
other=a1
[ "$mine" = a1 ] && other=a2
p0=$(cat pid.0)
p1=$(cat pid.1)

# The job's group, and its agent's subtree, from /proc (cgroup2 line).
rel=$(sed -n 's/^0:://p' "/proc/$p0/cgroup")
mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$rel" ] && [ -n "$mnt" ] || skip "no cgroup2 path for the job"
sub=$mnt$(dirname "$rel")
case $sub in
*/cq-jobs/"$mine".*) ;;
*) fail "job $c.0 is not in a subtree of agent $mine: $sub" ;;
esac
rel1=$(sed -n 's/^0:://p' "/proc/$p1/cgroup")
[ "$(dirname "$rel1")" != "$(dirname "$rel")" ] ||
    fail "the two agents share a subtree: $rel $rel1"

# A leftover in $mine's subtree, as if from its previous life.
mkdir "$sub/leftover.1" || fail "mkdir in $sub"
(sleep 300 & echo $! > left.pid)	# an orphan: no zombie of ours
left=$(cat left.pid)
at_cleanup "kill -9 $left 2>/dev/null"
echo "$left" > "$sub/leftover.1/cgroup.procs" || fail "cannot move a process into $sub/leftover.1"

stop_agent "$mine" KILL
start_agent "$mine" 1
gone() { ! kill -0 "$left" 2>/dev/null; }
wait_until 5 gone || fail "the leftover $left in $sub still runs"
grep -q "killed what was left of job cgroup leftover.1" "agent-$mine.log" ||
    fail "no log line for the cleanup"
! kill -0 "$p0" 2>/dev/null || fail "job $c.0 ($p0) outlived its agent"
kill -0 "$p1" 2>/dev/null || fail "agent $mine's start killed agent $other's job"
[ -d "$sub/leftover.1" ] && fail "the leftover's group was not removed"
cq rm "$c" >/dev/null
log "a previous life's leftover was killed at start; the other agent's job ran on"
