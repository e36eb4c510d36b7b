#!/bin/bash
# t-late-restart: a scheduler killed with SIGKILL while it materializes a
# factory (docs/materialize.md) goes on after a restart from where its
# store says, with no proc lost or made twice and the cluster id kept:
# a factory of 3,000 jobs with max_idle 1,000 (two jobs per loop turn) is
# killed while its first 1,000 enter, restarted (exactly procs 0-999 in
# the queue), has those removed, is killed again while 1000-1999 enter,
# restarted (exactly those), and the next cluster gets a new id.
. "$(dirname "$0")/../lib/lib.sh"

N=3000
# A few jobs per loop turn: the kills land while jobs are being made.
SCHEDD_EXTRA="materialize_per_turn = 2" start_schedd 10s
printf 'executable = /bin/true\nmax_idle = 1000\nqueue %d\n' $N > big.sub
c=$(cq submit --terse big.sub) || fail "cq submit failed"

inq() { cq q --json "$c" | jq length; }
# kill_mid: SIGKILL the scheduler while it makes jobs (one per turn,
# 1,000 take a quarter of a second or more): what was made is counted after the
# restart, from the store; the test holds whatever the moment was.
kill_mid() {
	sleep 0.15
	stop_schedd KILL
	log "killed${1:+ after $1}"
}
# check FIRST LAST: the queue holds exactly procs FIRST..LAST of $c.
check() {
	local q
	full() { [ "$(inq)" -eq $(($2 - $1 + 1)) ]; }
	wait_until 60 full "$1" "$2" || fail "not $(($2 - $1 + 1)) jobs after the restart: $(inq)"
	sleep 1
	q=$(cq q --json "$c")
	[ "$(jq length <<<"$q")" -eq $(($2 - $1 + 1)) ] ||
	    fail "$(jq length <<<"$q") jobs in the queue, not $(($2 - $1 + 1))"
	[ "$(jq '[.[].ProcId] | unique | length' <<<"$q")" -eq $(($2 - $1 + 1)) ] ||
	    fail "a proc is in the queue twice"
	[ "$(jq -c '[.[].ProcId] | [min, max]' <<<"$q")" = "[$1,$2]" ] ||
	    fail "procs $(jq -c '[.[].ProcId] | [min, max]' <<<"$q"), not [$1,$2]"
	[ "$(cq q -batch --json | jq ".[] | select(.ClusterId == $c) | .Unmaterialized")" -eq $((N - $2 - 1)) ] ||
	    fail "unmaterialized is not $((N - $2 - 1))"
}

kill_mid
start_schedd 10s
log "after the restart: $(inq) made"
check 0 999
grep -q "late materialization: 1 factories loaded" "$T/schedd.log" ||
    fail "no factory loaded at the restart"

# The first 1,000 go; the next 1,000 enter; killed again meanwhile.
cq rm -constraint "ClusterId == $c && ProcId < 1000" >/dev/null ||
    fail "cq rm of the first 1000 failed"
kill_mid "removing 0-999"
start_schedd 10s
log "after the restart: $(inq) made"
check 1000 1999

c2=$(cq submit --terse -- /bin/true) || fail "submit after the restarts failed"
[ "$c2" -gt "$c" ] || fail "cluster id $c2 after $c"
log "ok"
