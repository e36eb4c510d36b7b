#!/bin/bash
# t-disk-full: the scheduler's disk fills while jobs run and end.  Its
# state directory is a small tmpfs, below disk_margin_mb from the start:
# the log and cq status warn.  Once the disk is full, two jobs end: their
# exits cannot be recorded, so the scheduler holds them (the agent hears
# no ack), stays up, answers cq q, says in cq status that it is stalled,
# refuses a submit with the free space, and starts nothing (a third job
# waits).  Once space is freed it records each exit once without being
# told (user log, history), the third job runs, and a new submit works.
# Then a job ends on a full disk again and the scheduler is killed while
# it holds that exit; restarted once space is back, it hears the exit
# again from the agent and records it once.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
mkdir -p "$T/state"
mount -t tmpfs -o size=8m,mode=0755 cq-test-diskfull "$T/state" 2>/dev/null ||
    skip "cannot mount a tmpfs here"
at_cleanup umount -l "$T/state"

SCHEDD_EXTRA="disk_margin_mb = 64"
start_schedd 10s
addr=$SCHEDD_ADDR
write_schedd_conf 10s "$addr"	# a restart asks for the same port
grep -q "below disk_margin_mb" "$T/schedd.log" ||
    fail "no warning of the low disk in the log: $(tail "$T/schedd.log")"
st=$(cq status) || fail "cq status failed"
grep -q "Scheduler's disk: .* below disk_margin_mb" <<<"$st" ||
    fail "cq status does not warn of the low disk: $st"
start_agent a1 2

ulog=$T/user.log
cat > "$T/job.sh" <<'JOB'
#!/bin/sh
# job.sh ID GO: note that we ran, then wait until GO exists.
echo "$1" >> "$(dirname "$2")/ran"
while [ ! -e "$2" ]; do sleep 0.1; done
JOB
chmod +x "$T/job.sh"
jobs_sub() {	# jobs_sub GO N
	cat <<SUB
executable = $T/job.sh
arguments = \$(Cluster).\$(Process) $T/$1
log = $ulog
output = /dev/null
error = $T/job-errors
queue $2
SUB
}
ran() { if [ -f "$T/ran" ]; then wc -l < "$T/ran"; else echo 0; fi; }
ran_is() { [ "$(ran)" -eq "$1" ]; }
ends() {	# ends CLUSTER: its terminate events in the user log
	grep -c "^005 ($(printf %03d "$1")\." "$ulog"
}
ends_are() { [ "$(ends "$1")" -eq "$2" ]; }
ends_at_least() { [ "$(ends "$1")" -ge "$2" ]; }
stalls() { grep -c "new work is refused" "$T/schedd.log"; }
stalls_above() { [ "$(stalls)" -gt "$1" ]; }
fill() {
	dd if=/dev/zero of="$T/state/filler" bs=64k 2>/dev/null
	[ "$(df --output=avail "$T/state" | tail -n 1)" -eq 0 ] ||
	    fail "the tmpfs is not full: $(df "$T/state")"
}

c1=$(jobs_sub go1 3 > "$T/j.sub" && cq submit --terse "$T/j.sub") || fail "the first submit failed"
wait_until 20 ran_is 2 || fail "two jobs of $c1 did not start: $(cq q --json)"

fill
touch "$T/go1"		# the two running jobs end now
wait_until 15 stalls_above 0 ||
    fail "the scheduler did not stall: $(tail "$T/schedd.log")"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died on a full disk"
q=$(cq q --json) || fail "cq q does not answer while stalled"
log "stalled: $(jq -c '[.[] | {ClusterId, ProcId, JobStatus}]' <<<"$q")"
st=$(cq status) || fail "cq status failed while stalled"
grep -q "Scheduler's disk: stalled .*disk is full" <<<"$st" ||
    fail "cq status does not say the scheduler is stalled: $st"
if out=$(jobs_sub go1 1 > "$T/j.sub" && cq submit "$T/j.sub" 2>&1); then
	fail "a submit on a full disk was acknowledged: $out"
fi
grep -q "the scheduler's disk is full: .* free" <<<"$out" ||
    fail "the submit's error does not tell the free space: $out"
[ "$(ends "$c1")" -eq 0 ] ||
    fail "an exit reached the user log before it was durable: $(cat "$ulog")"
ran_is 2 || fail "a job started while the scheduler was stalled: $(cat "$T/ran")"

# Space is back: nobody tells the scheduler.
rm -f "$T/state/filler"
wait_until 15 ends_at_least "$c1" 2 ||
    fail "the held exits were not recorded once space was back: $(cat "$ulog"; tail "$T/schedd.log")"
grep -q "the store took the .* held changes" "$T/schedd.log" ||
    fail "the scheduler did not log its resumption"
wait_queue_empty 30 || fail "cluster $c1 did not finish: $(cq q --json)"
ends_are "$c1" 3 || fail "not one end per job of $c1: $(cat "$ulog")"
for p in 0 1 2; do
	[ "$(grep -c "^005 ($(printf %03d "$c1").$(printf %03d $p).000)" "$ulog")" -eq 1 ] ||
	    fail "job $c1.$p has not exactly one end in the user log: $(cat "$ulog")"
	[ "$(grep -cx "$c1.$p" "$T/ran")" -eq 1 ] ||
	    fail "job $c1.$p did not run exactly once: $(cat "$T/ran")"
done
h=$(cq history --json) || fail "cq history failed"
[ "$(jq '[.[] | select(.ClusterId == '"$c1"' and .JobStatus == 4)] | length' <<<"$h")" -eq 3 ] ||
    fail "the history has not the three jobs of $c1 completed: $h"
st=$(cq status)
grep -q "stalled" <<<"$st" && fail "cq status still says stalled: $st"
c2=$(jobs_sub go1 1 > "$T/j.sub" && cq submit --terse "$T/j.sub") || fail "a submit after space was freed failed"
wait_queue_empty 30 || fail "cluster $c2 did not run: $(cq q --json)"
ends_are "$c2" 1 || fail "cluster $c2: $(cat "$ulog")"

# A job ends on a full disk and the scheduler dies holding its exit;
# another job of the cluster runs on and ends on a full disk again under
# the restarted scheduler, before any client's request.
c3=$(jobs_sub go3 1 > "$T/j.sub" && cq submit --terse "$T/j.sub") || fail "the third submit failed"
sed -i "s|$T/go3|$T/go4|" "$T/j.sub"
c4=$(cq submit --terse "$T/j.sub") || fail "the fourth submit failed"
wait_until 20 ran_is 6 || fail "jobs $c3.0 and $c4.0 did not start: $(cq q --json)"
n=$(stalls)
fill
touch "$T/go3"
wait_until 15 stalls_above "$n" ||
    fail "the scheduler did not stall again: $(tail "$T/schedd.log")"
stop_schedd KILL
rm -f "$T/state/filler"
start_schedd
wait_until 20 agent_connected a1 || fail "the agent did not come back"
wait_until 20 ends_are "$c3" 1 ||
    fail "job $c3.0 has not one end in the user log: $(cat "$ulog")"
[ "$(count_jobs ".ClusterId == $c4 and .JobStatus == 2")" -eq 1 ] ||
    fail "job $c4.0 is not running after the restart: $(cq q --json)"
n=$(stalls)
fill
touch "$T/go4"
wait_until 15 stalls_above "$n" ||
    fail "the restarted scheduler did not stall: $(tail "$T/schedd.log")"
ends_are "$c4" 0 || fail "job $c4.0's end was logged before it was durable"
rm -f "$T/state/filler"
wait_queue_empty 30 || fail "job $c4.0 did not end: $(cq q --json)"
wait_until 10 ends_are "$c4" 1 ||
    fail "job $c4.0 has not one end in the user log: $(cat "$ulog")"
for c in "$c3" "$c4"; do
	[ "$(grep -cx "$c.0" "$T/ran")" -eq 1 ] || fail "job $c.0 ran again: $(cat "$T/ran")"
done
h=$(cq history --json)
[ "$(jq '[.[] | select((.ClusterId == '"$c3"' or .ClusterId == '"$c4"') and .JobStatus == 4)] | length' <<<"$h")" -eq 2 ] ||
    fail "the history has not jobs $c3.0 and $c4.0 completed once each: $h"
exit 0
