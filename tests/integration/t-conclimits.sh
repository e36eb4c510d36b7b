#!/bin/bash
# t-conclimits: with `concurrency_limits = lic:1` in the scheduler's
# configuration, two jobs asking for `lic` run one after the other though
# two slots are free; the waiting one is idle and `cq why` says it waits
# for the limit.  A job naming a limit the scheduler does not know is
# refused at submit; a bad limit (or priority factor, or half-life) in
# the configuration stops cq-schedd -n with the file and line.
. "$(dirname "$0")/../lib/lib.sh"

SCHEDD_EXTRA="concurrency_limits = lic:1, db:5"
start_schedd 10s
start_agent a1 2

cat > lic.sub <<EOF
executable = /bin/sh
arguments = "-c 'while [ ! -e $T/go.\$(Process) ]; do sleep 0.1; done'"
concurrency_limits = lic
queue 2
EOF
c=$(cq submit --terse lic.sub) || fail "submit failed"
c=${c%%.*}
st() { cq q --json | jq -r --arg id "$c.$1" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st; }
running() { [ "$(cq q --json | jq '[.[] | select(.JobStatus == 2)] | length')" -eq "$1" ]; }
wait_until 10 running 1 || fail "no job of the two started: $(cq q --json)"
sleep 0.5
running 1 || fail "both ran despite lic:1: $(cq q --json)"
if [ "$(st 0)" = R ]; then first=0 second=1; else first=1 second=0; fi
[ "$(st $second)" = I ] || fail "the second job is not idle: $(cq q --json)"
why=$(cq why "$c.$second") || fail "cq why failed"
case $why in *"concurrency limit lic (1 of 1 in use"*) ;; *) fail "cq why does not name the limit: $why" ;; esac
touch "go.$first"
is_r() { [ "$(st "$1")" = R ]; }
wait_until 20 is_r "$second" ||
    fail "the second job did not start after the first: $(cq q --json)"
touch "go.$second"
wait_queue_empty 20 || fail "the jobs did not finish"
h() { cq history --json "$c.$1" | jq -r ".[0].$2"; }
[ "$(h $first CompletionDate)" -le "$(h $second JobStartDate)" ] || fail "the runs overlapped"
log "lic:1 ran the two jobs one after the other"

printf 'executable = /bin/true\nconcurrency_limits = nosuch\nqueue\n' > no.sub
out=$(cq submit no.sub 2>&1) && fail "an unknown limit was accepted: $out"
case $out in *"'nosuch' is not configured"*) ;; *) fail "unexpected: $out" ;; esac
printf 'executable = /bin/true\nconcurrency_limits = lic:0\nqueue\n' > zero.sub
out=$(cq submit zero.sub 2>&1) && fail "lic:0 was accepted: $out"
case $out in *zero.sub:2:*) ;; *) fail "unexpected: $out" ;; esac

printf 'state_dir = %s\nconcurrency_limits = lic:x\n' "$T/x" > bad.conf
out=$("$SCHEDD_BIN" -n -c bad.conf 2>&1) && fail "cq-schedd -n took lic:x: $out"
case $out in *bad.conf:2*) ;; *) fail "cq-schedd -n: $out" ;; esac
printf 'state_dir = %s\nprio_factors = alice:0.5\n' "$T/x" > badf.conf
out=$("$SCHEDD_BIN" -n -c badf.conf 2>&1) && fail "cq-schedd -n took a factor of 0.5: $out"
case $out in *badf.conf:2*prio_factors*) ;; *) fail "cq-schedd -n: $out" ;; esac
printf 'state_dir = %s\npriority_halflife = 0\n' "$T/x" > badh.conf
out=$("$SCHEDD_BIN" -n -c badh.conf 2>&1) && fail "cq-schedd -n took a half-life of 0: $out"
case $out in *badh.conf:2*priority_halflife*) ;; *) fail "cq-schedd -n: $out" ;; esac
log "unknown and bad limits, factors and half-lives refused"
