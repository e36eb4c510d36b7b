#!/bin/bash
# t-qedit-full: cq qedit, cq prio and cq userprio -setfactor on a full
# disk are refused with a clear error and change nothing, in the store or
# in memory: the job keeps its priority, requests and attributes, the
# submitter its factor, and the scheduler keeps running.  Once space is
# back, the same edits work.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
mkdir -p "$T/state"
mount -t tmpfs -o size=8m,mode=0755 cq-test-full "$T/state" 2>/dev/null ||
    skip "cannot mount a tmpfs here"
at_cleanup umount -l "$T/state"

start_schedd 10s
c=$(cq submit --terse -- /bin/true) || fail "submit failed"
cq qedit "$c" +Tag '"before"' >/dev/null || fail "the first qedit failed"
cq userprio -setfactor root 3000 >/dev/null || fail "the first setfactor failed"
row() { cq q --json | jq -c --arg c "$c" '.[] | select(.ClusterId == ($c | tonumber))'; }

dd if=/dev/zero of="$T/state/filler" bs=64k 2>/dev/null
[ "$(df --output=avail "$T/state" | tail -n 1)" -eq 0 ] ||
    fail "the tmpfs is not full: $(df "$T/state")"
big="\"$(head -c 20000 /dev/zero | tr '\0' x)\""
out=$(cq qedit "$c" Tag "$big" 2>&1) && fail "a qedit on a full disk was acknowledged: $out"
grep -q "disk is full" <<<"$out" || fail "the qedit's error: $out"
out=$(cq qedit "$c" RequestMemory 777 2>&1) && fail "a qedit on a full disk was acknowledged: $out"
out=$(cq prio -p 9 "$c" 2>&1) && fail "a cq prio on a full disk was acknowledged: $out"
grep -q "nothing was changed" <<<"$out" || fail "the prio's error: $out"
out=$(cq userprio -setfactor root 5000 2>&1) && fail "a setfactor on a full disk was acknowledged: $out"
_pid_alive "$SCHEDD_PID" || fail "the scheduler died on a refused edit"
[ "$(row | jq .JobPrio)" = 0 ] || fail "the refused prio changed the job: $(row)"
[ "$(row | jq .RequestMemory)" = 0 ] || fail "the refused qedit changed the job: $(row)"
[ "$(cq q -constraint 'Tag == "before"' --json | jq length)" -eq 1 ] ||
    fail "the refused qedit changed Tag"
cq userprio --json | jq -e '.[] | select(.name == "root") | .factor == 3000' >/dev/null ||
    fail "the refused setfactor changed the factor: $(cq userprio --json)"

rm -f "$T/state/filler"
cq prio -p 9 "$c" >/dev/null || fail "cq prio failed once space was back"
cq qedit "$c" RequestMemory 777 >/dev/null || fail "cq qedit failed once space was back"
[ "$(row | jq .JobPrio)" = 9 ] && [ "$(row | jq .RequestMemory)" = 777 ] ||
    fail "the edits did not take: $(row)"
stop_schedd
start_schedd
[ "$(row | jq .JobPrio)" = 9 ] || fail "the edit was not durable: $(row)"
cq userprio --json | jq -e '.[] | select(.name == "root") | .factor == 3000' >/dev/null ||
    fail "the factor after a restart: $(cq userprio --json)"
log "edits refused on a full disk changed nothing; later ones took"
