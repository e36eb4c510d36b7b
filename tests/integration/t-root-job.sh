#!/bin/bash
# t-root-job: a job of root's runs and writes as root_job_user (nobody)
# unless the scheduler allows root jobs.  With allow_root_jobs = no
# (SCHEDD_ALLOW_ROOT=0), `cq submit -- /usr/bin/id -u` by root prints
# nobody's uid, and its output, which comes back through the spool (the
# agent has another filesystem_domain), is written into a 1777 directory
# as nobody; in a directory only root may write, the output is refused
# and the job HELD.  Restarted with allow_root_jobs = yes, the same job
# runs as uid 0.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root: the jobs must be root's"
id nobody >/dev/null 2>&1 || skip "no user nobody"
nuid=$(id -u nobody)

chmod 711 "$T"	# nobody walks to its sandbox and to w/
SCHEDD_ALLOW_ROOT=0 write_schedd_conf 10s
grep -q "^allow_root_jobs = no" schedd.conf || fail "SCHEDD_ALLOW_ROOT=0 did not write no"
start_schedd 10s
AGENT_EXTRA="filesystem_domain = elsewhere" start_agent a1 1

mkdir w ro
chmod 1777 w
chmod 755 ro
c=$(cd w && cq submit --terse -- /usr/bin/id -u) || fail "cq submit failed"
wait_queue_empty 30 || fail "the job did not complete: $(cq q -a --json)"
grep -q "cluster $c: job of root's runs as nobody (allow_root_jobs = no)" \
    schedd.log || fail "the submit did not log whom the job runs as"
[ "$(cat "w/cq-$c.out")" = "$nuid" ] ||
    fail "the job ran as uid $(cat "w/cq-$c.out"), not nobody's $nuid"
[ "$(stat -c %u "w/cq-$c.out")" = "$nuid" ] ||
    fail "the output belongs to uid $(stat -c %u "w/cq-$c.out"), not nobody"
log "a job of root's ran as nobody and its output is nobody's"

r=$(cd ro && cq submit --terse -- /usr/bin/id -u) || fail "cq submit in ro failed"
held() {
	[ "$(cq q -a --json | jq -r --arg c "$r" \
	    '.[] | select(.ClusterId == ($c | tonumber)) | .JobStatus')" = 5 ]
}
wait_until 30 held || fail "the job with a root-only initialdir is not HELD: $(cq q -a --json)"
cq q -a --json | jq -r '.[0].HoldReason' | grep -q "cannot write the job's output" ||
    fail "the hold reason does not say why: $(cq q -a --json)"
[ ! -e "ro/cq-$r.out" ] || fail "an output was written where nobody may not write"
cq rm "$r" >/dev/null || fail "cq rm failed"
wait_queue_empty 20 || fail "the held job did not leave: $(cq q -a --json)"
log "a root-only initialdir: HELD, nothing written"

# Root jobs allowed: the same job runs as root.
stop_schedd
write_schedd_conf 10s "$SCHEDD_ADDR"
grep -q "^allow_root_jobs = yes" schedd.conf || fail "the default is not yes"
start_schedd
wait_until 20 agent_connected a1 || fail "a1 did not come back"
c=$(cd w && cq submit --terse -- /usr/bin/id -u) || fail "cq submit failed"
wait_queue_empty 30 || fail "the job did not complete: $(cq q -a --json)"
[ "$(cat "w/cq-$c.out")" = 0 ] || fail "with allow_root_jobs the job ran as $(cat "w/cq-$c.out")"
[ "$(stat -c %u "w/cq-$c.out")" = 0 ] || fail "with allow_root_jobs the output is not root's"
log "allow_root_jobs = yes: the job ran as root"
exit 0
