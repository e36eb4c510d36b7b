#!/bin/bash
# t-hold: `cq hold` keeps an idle job from running and kills a running
# one (its whole tree), which then waits as HELD; `cq release` lets both
# run again; a held job can be removed; another user's job cannot be held.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
# A job's pids are its pid namespace's: the child reads the agent's
# number for itself in /proc (the desktop's mount).
cat > tree.sh <<'SH'
#!/bin/sh
sh -c 'read -r p x < /proc/self/stat; echo $p > "$1.kid"; exec sleep 300' sh "$1" &
sleep 300
SH
chmod +x tree.sh
start_agent a1 1
r=$(cq submit --terse -- "$T/tree.sh" "$T/r") || fail "submit failed"
st_of() { cq q --json | jq -r --arg id "$1.0" '.[] | select("\(.ClusterId).\(.ProcId)" == $id) | .JobStatus' | job_st; }
is() { [ "$(st_of "$1")" = "$2" ]; }
wait_until 10 is "$r" R || fail "job $r not running"
wait_until 5 test -s r.kid || fail "no child pid"
kid=$(cat r.kid)
i=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
is "$i" I || fail "the second job is not idle: $(cq q --json)"

out=$(cq hold "$r" "$i") || fail "cq hold failed"
[ "$out" = "2 job(s) held." ] || fail "cq hold said: $out"
is "$r" H && is "$i" H || fail "not both held: $(cq q --json)"
gone() { ! kill -0 "$kid" 2>/dev/null; }
wait_until 5 gone || fail "the held job's child still runs"
free() { cq status --json | jq -e '.[0].CqState == "UNCLAIMED" and .[0].JobId == null' >/dev/null; }
wait_until 5 free || fail "slot not free after the hold: $(cq status --json)"
sleep 0.5
is "$i" H || fail "a held job started"

out=$(cq release "$i") || fail "cq release failed"
[ "$out" = "1 job(s) released." ] || fail "cq release said: $out"
wait_until 10 is "$i" R || fail "released job not running: $(cq q --json)"
cq rm "$r" >/dev/null || fail "cq rm of a held job failed"
[ -z "$(st_of "$r")" ] || fail "removed held job still queued"

# Another user may not hold my job.
if command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$T"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CQ_BIN" hold "$i" 2>&1) && fail "uid 65534 held my job: $out"
	case $out in *"permission denied"*) ;; *) fail "unexpected: $out" ;; esac
fi
cq rm "$i" >/dev/null
log "hold, release and rm of held jobs as expected"
