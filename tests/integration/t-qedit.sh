#!/bin/bash
# t-qedit: `cq qedit` changes an idle job's attributes as condor_qedit
# does: a custom attribute (seen by -constraint), its requests and
# requirements, its priority; a bad value, an attribute cq keeps
# elsewhere and an unknown job are refused with nothing changed; another
# user may not edit my job (nor change priority factors); the edits
# outlive a restart of the scheduler; matching sees an edited
# Requirements.
. "$(dirname "$0")/../lib/lib.sh"

need_nobody
start_schedd 10s
chmod 755 "$T"
# No agent: the jobs stay idle.
j=$(cq submit --terse -- /bin/true) || fail "submit failed"
other=$(cq submit --terse -- /bin/true) || fail "submit failed"
row() { cq q --json | jq -c --arg c "$1" '.[] | select(.ClusterId == ($c | tonumber))'; }
has() {	# ID CONSTRAINT: the job matches it
	[ "$(cq q -constraint "$2" --json | jq --arg c "$1" '[.[] | select(.ClusterId == ($c | tonumber))] | length')" -eq 1 ]
}

out=$(cq qedit "$j" +Project '"higgs"') || fail "qedit of a custom attribute failed: $out"
[ "$out" = "1 job(s) edited." ] || fail "cq qedit said: $out"
has "$j" 'Project == "higgs"' || fail "the custom attribute is not in the job's ad"
has "$other" 'Project == "higgs"' && fail "the other job got the attribute"
cq qedit "$j" Weight 7 >/dev/null || fail "qedit of an integer attribute failed"
has "$j" 'Weight == 7' || fail "Weight is not 7"
cq qedit "$j" RequestMemory 512 >/dev/null || fail "qedit RequestMemory failed"
[ "$(row "$j" | jq .RequestMemory)" = 512 ] || fail "request_memory_mb not 512: $(row "$j")"
cq qedit "$j" Requirements 'TARGET.Memory >= 512' >/dev/null ||
    fail "qedit Requirements failed"
cq qedit "$j" JobPrio 3 >/dev/null || fail "qedit JobPrio failed"
[ "$(row "$j" | jq .JobPrio)" = 3 ] || fail "priority not 3"

# Refusals change nothing.
out=$(cq qedit "$j" RequestCpus 0 2>&1) && fail "RequestCpus 0 accepted: $out"
out=$(cq qedit "$j" Requirements 'Memory >' 2>&1) && fail "a broken expression accepted: $out"
case $out in *"does not parse"*) ;; *) fail "unexpected: $out" ;; esac
out=$(cq qedit "$j" Owner '"mallory"' 2>&1) && fail "Owner edited: $out"
case $out in *"cannot be changed"*) ;; *) fail "unexpected: $out" ;; esac
out=$(cq qedit "$j" MaxRetries 3 2>&1) && fail "MaxRetries taken as a custom attribute: $out"
out=$(cq qedit 999 Foo 1 2>&1) && fail "an unknown job edited: $out"
case $out in *"no such job"*) ;; *) fail "unexpected: $out" ;; esac
out=$(cq qedit "$j" ConcurrencyLimits '"nosuch"' 2>&1) && fail "an unknown limit accepted: $out"
[ "$(row "$j" | jq .RequestMemory)" = 512 ] || fail "a refusal changed the job"

# Another user: refused, the job as it was.
out=$(setpriv --reuid="$nuid" --regid="$ngid" --clear-groups \
    "$CQ_BIN" qedit "$j" +Project '"mine"' 2>&1) && fail "nobody edited root's job: $out"
case $out in *"permission denied"*) ;; *) fail "unexpected: $out" ;; esac
out=$(setpriv --reuid="$nuid" --regid="$ngid" --clear-groups \
    "$CQ_BIN" prio -p 20 "$j" 2>&1) && fail "nobody changed root's priority: $out"
case $out in *"permission denied"*) ;; *) fail "unexpected: $out" ;; esac
out=$(setpriv --reuid="$nuid" --regid="$ngid" --clear-groups \
    "$CQ_BIN" userprio -setfactor root 1 2>&1) && fail "nobody set a factor: $out"
case $out in *"permission denied"*) ;; *) fail "unexpected: $out" ;; esac
has "$j" 'Project == "higgs"' || fail "nobody's refused edit changed the job"

# Durable.
stop_schedd
start_schedd
has "$j" 'Project == "higgs" && Weight == 7' || fail "the edits were lost in a restart"
[ "$(row "$j" | jq .JobPrio)" = 3 ] || fail "the priority was lost in a restart"
[ "$(row "$j" | jq .RequestMemory)" = 512 ] || fail "the request was lost in a restart"
log "qedit: custom attributes, requests, priority; refusals; durable"

# Matching sees the edit: a job whose requirements nothing meets runs
# once they are changed.
cq rm "$j" "$other" >/dev/null || fail "cq rm failed"
start_agent a1 1
printf 'executable = /bin/true\nrequirements = Memory > 100000000\nqueue\n' > never.sub
n=$(cq submit --terse never.sub) || fail "submit failed"
sleep 1
[ "$(row "$n" | jq -r .JobStatus)" = 1 ] || fail "the job ran against its requirements: $(row "$n")"
cq qedit "$n" Requirements 'Memory > 0' >/dev/null || fail "qedit Requirements failed"
ran() { [ "$(cq history --json "$n" | jq length)" -eq 1 ]; }
wait_until 20 ran || fail "the job did not run after its requirements were edited: $(cq why "$n")"
log "an edited Requirements is what matching sees"
