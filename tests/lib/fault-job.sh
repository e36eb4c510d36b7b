#!/bin/sh
# fault-job.sh ID DIR PROC: a job of the fault-injection suite
# (scripts/fault.sh).  It counts itself: a line "S ID PIDS NS" in DIR/runs
# when it starts and "E ID PIDS NS" when its work (50 to 450 ms of sleep,
# from PROC) is done, just before it exits.  PIDS are its own pid and its
# first ancestors', comma-separated, in the machine's numbering (/proc is
# the machine's, also inside the job's pid namespace): one is the job's
# init, which the agent logs with the run ("job ID run R: started pid
# P"), so each line can be tied to a run.  Each line is one short
# append: whole, whatever runs beside it.
read -r p _comm _state pp _rest < /proc/self/stat
pids=$p
for _i in 1 2 3; do
	[ "$pp" -gt 1 ] 2>/dev/null || break
	pids=$pids,$pp
	read -r _p _comm _state pp _rest < "/proc/$pp/stat" || break
done
echo "S $1 $pids $(date +%s%N)" >> "$2/runs"
ms=$(( 50 + ($3 * 37) % 400 ))
sleep "0.$(printf %03d "$ms")"
echo "E $1 $pids $(date +%s%N)" >> "$2/runs"
exit 0
