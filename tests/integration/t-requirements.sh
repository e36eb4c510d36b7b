#!/bin/bash
# t-requirements: a job's requirements decide where it may run, as in
# HTCondor.  requirements = false, Arch == "SPARC", TARGET.Memory > 100000
# and an undefined attribute (broken) leave the job IDLE while a job
# without requirements runs, and cq why (and cq q -better-analyze) says
# which clause rejects how many slots and what would let it run.  Site
# attributes from machine_attributes and the request clauses match; a
# requirements expression that does not parse is refused at submit with
# file, line and column, and nothing is queued.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
AGENT_EXTRA='machine_attributes = HasMatlab = true; Room = "B 214"' \
    start_agent a1 2

sub() {	# NAME LINES...: submit one job with those lines, print its id
	local name=$1
	shift
	printf 'executable = /bin/true\n%s\nqueue\n' "$@" > "$name.sub"
	cq submit --terse "$name.sub" || fail "submit $name failed"
}
never=$(sub never "requirements = false")
sparc=$(sub sparc 'requirements = Arch == "SPARC"')
huge=$(sub huge "requirements = TARGET.Memory > 100000")
broken=$(sub broken "requirements = broken")
matlab=$(sub matlab 'requirements = HasMatlab && Room == "B 214"')
plain=$(sub plain "request_memory = 100")

in_history() {	# ID: the job has finished
	[ "$(cq history --json "$1" | jq length)" -eq 1 ]
}
wait_until 20 in_history "$plain" || fail "the plain job did not run: $(cq q -a --json)"
wait_until 20 in_history "$matlab" ||
    fail "the job asking for the site's attributes did not run: $(cq why "$matlab")"
# A turn more: a job that could run would have been started by now.
sleep 1
for id in "$never" "$sparc" "$huge" "$broken"; do
	[ "$(count_jobs ".ClusterId == $id and .JobStatus == 1")" -eq 1 ] ||
	    fail "job $id is not idle: $(cq q -a --json)"
done
log "requirements false, Arch == SPARC, TARGET.Memory > 100000, broken: idle"

why_has() {	# ID TEXT: cq why ID prints TEXT
	local out
	out=$(cq why "$1") || fail "cq why $1 failed: $out"
	grep -qF -- "$2" <<<"$out" || fail "cq why $1 does not say '$2': $out"
}
why_has "$never" "no slot of the 2 known can ever run it"
why_has "$never" "2 slots: rejected by the job's requirements: false"
why_has "$never" "no slot satisfies false: change or remove it"
why_has "$sparc" '2 slots: rejected by the job'"'"'s requirements: Arch == "SPARC"'
why_has "$sparc" '[1]       2  TARGET.OpSys == "LINUX"  (added)'
why_has "$huge" "TARGET.Memory > 100000"
why_has "$broken" "broken (undefined: an attribute neither ad has)"
why_has "$broken" "broken is undefined on every slot"
# The clause counts, one by one, in the JSON answer.
j=$(cq why --json "$sparc") || fail "cq why --json failed"
[ "$(jq '.[0].clauses[0].matched' <<<"$j")" -eq 0 ] || fail "Arch clause: $j"
[ "$(jq '.[0].clauses | map(select(.added)) | length' <<<"$j")" -ge 3 ] ||
    fail "no added request clauses: $j"
[ "$(jq '.[0].rejected_by_requirements' <<<"$j")" -eq 2 ] || fail "$j"
# condor_q's name for it gives the same answer.
[ "$(cq q -better-analyze "$sparc")" = "$(cq why "$sparc")" ] ||
    fail "cq q -better-analyze differs: $(cq q -better-analyze "$sparc")"
log "cq why and cq q -better-analyze explain each"

# A syntax error is refused where it is written; nothing is queued.
before=$(cq q -a --json | jq length)
printf 'executable = /bin/true\n\nrequirements = (Memory > 1 &&\nqueue\n' > bad.sub
if out=$(cq submit bad.sub 2>&1); then
	fail "a requirements that does not parse was accepted: $out"
fi
grep -q "bad.sub:3: requirements: not a valid expression: column" <<<"$out" ||
    fail "the refusal does not name file, line and column: $out"
printf 'executable = /bin/true\nrank = Memory +\nqueue\n' > badrank.sub
out=$(cq submit badrank.sub 2>&1) && fail "a bad rank was accepted"
grep -q "badrank.sub:2: rank: not a valid expression: column" <<<"$out" ||
    fail "bad rank: $out"
[ "$(cq q -a --json | jq length)" -eq "$before" ] || fail "something was queued"
log "unparsable requirements and rank refused with file, line and column"

# An agent whose machine ad does not hold (a Start that does not parse, a
# site attribute named like one of cq's) loses its link; nothing else.
if command -v python3 >/dev/null 2>&1; then
	n=0
	for bad in '{"Arch":"X86_64","OpSys":"LINUX","Start":"KeyboardIdle >"}' \
	    '{"Arch":"X86_64","OpSys":"LINUX","attrs":{"Memory":1}}'; do
		n=$((n + 1))
		out=$(python3 "$CQ_SRCDIR/tests/lib/rogue-agent.py" --tls \
		    --token "$SCHEDD_POOL_TOKEN" --addr "$SCHEDD_ADDR" \
		    --name "rogue$n" --act machine --machine "$bad" \
		    --linger 3 2>&1)
		grep -q "closed" <<<"$out" || fail "a bad machine ad kept its link: $out"
	done
	grep -q "bad ad: machine ad: Start does not parse" "$T/schedd.log" ||
	    fail "the scheduler did not say why: $(tail -5 "$T/schedd.log")"
	grep -q "bad ad: machine ad: a bad attribute" "$T/schedd.log" ||
	    fail "the shadowing attribute was not refused"
	cq q -a --json >/dev/null || fail "the scheduler is gone"
	log "a bad machine ad closes the agent's link, the scheduler goes on"
else
	log "python3 missing: the bad machine ad is not tried"
fi
