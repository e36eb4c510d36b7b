#!/bin/bash
# t-jobinit: a job's init is the program cq-jobinit, not a copy of the
# agent, and nothing of the job's environment is on its command line
# (everyone's to read in ps) or in its own environment (it runs as root
# where the agent is root: LD_PRELOAD must not reach it).  The job itself
# gets its environment whole.
. "$(dirname "$0")/../lib/lib.sh"

cat > job.sh <<'SH'
#!/bin/sh
# $1: where the init's pid goes (the desktop's number: /proc is its mount).
read -r p comm state ppid x < /proc/self/stat
echo "token=$CQ_T_TOKEN preload=$LD_PRELOAD" > "$1.env"
echo "$ppid" > "$1.tmp" && mv "$1.tmp" "$1"
exec sleep 30
SH
chmod +x job.sh

start_schedd 10s
start_agent a1 1
cat > job.sub <<SUB
executable = $T/job.sh
arguments = $T/init
environment = "CQ_T_TOKEN=s3cr3t-tok LD_PRELOAD=/nonexistent/cq-t.so"
queue
SUB
j=$(cq submit --terse job.sub) || fail "cq submit failed"
wait_until 20 test -s init || fail "job $j did not start"
ip=$(cat init)
[ "$(cat "/proc/$ip/comm")" = cq-jobinit ] ||
    fail "the job's parent $ip is $(cat "/proc/$ip/comm"), not cq-jobinit"
exe=$(readlink "/proc/$ip/exe")
case $exe in
*/cq-jobinit) ;;
*) fail "the job's init runs $exe" ;;
esac
tr '\0' ' ' < "/proc/$ip/cmdline" > cmdline
grep -q s3cr3t-tok cmdline && fail "the job's environment is on its init's command line: $(cat cmdline)"
grep -q job.sh cmdline && fail "the job's argv is on its init's command line: $(cat cmdline)"
[ -s "/proc/$ip/environ" ] && fail "the init has an environment: $(tr '\0' ' ' < "/proc/$ip/environ")"
grep -qx "token=s3cr3t-tok preload=/nonexistent/cq-t.so" init.env ||
    fail "the job did not get its environment: $(cat init.env)"
log "the init is cq-jobinit ($exe), with nothing of the job's on its command line or in its environment"
cq rm "$j" >/dev/null || fail "cq rm $j failed"
wait_until 10 sh -c "! kill -0 $ip 2>/dev/null" || fail "the init $ip outlived cq rm"
log "ok"
