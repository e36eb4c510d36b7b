#!/bin/sh
# lease-writer.sh DIR: the job of the t-lease-* tests, a copy of a job that
# must never run beside another.  It appends its pid to DIR/pids, then
# "PID I TIME" to the shared file DIR/shared every 0.1 s, $(cat DIR/dur)
# times (TIME: seconds since the epoch, to the ns); the vacate signal
# (TERM) is noted there ("PID term TIME") and otherwise ignored, so only
# the agent's kill ends it early.
d=$1
# Its pid as the desktop numbers it: $$ is its pid namespace's, where a
# job has one; /proc is the desktop's ("read" is the shell itself).
read -r me x < /proc/self/stat
trap 'echo "$me term $(date +%s.%N)" >> "$d/shared"' TERM
echo "$me" >> "$d/pids"
n=$(cat "$d/dur")
i=0
while [ "$i" -lt "$n" ]; do
	echo "$me $i $(date +%s.%N)" >> "$d/shared"
	sleep 0.1
	i=$((i + 1))
done
