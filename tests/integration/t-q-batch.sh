#!/bin/bash
# t-q-batch: `cq q`'s batch view sums each owner's batches right (DONE,
# RUN, IDLE, HOLD, TOTAL, JOB_IDS; clusters with one batch name share a
# row), -nobatch lists the jobs, owner/cluster/state filters select, and
# output that is not a terminal (or has NO_COLOR) has no escape bytes
# while a terminal gets colours.
. "$(dirname "$0")/../lib/lib.sh"

me=$(id -un)
start_schedd 10s
start_agent a1 2
cat > wait.sh <<'SH'
#!/bin/sh
while [ ! -e "$1" ]; do sleep 0.1; done
SH
chmod +x wait.sh
printf 'executable = %s\narguments = %s\nqueue 4\n' "$T/wait.sh" "$T/go" > four.sub
c1=$(cq submit --terse --batch-name nightly four.sub) || fail "submit failed"
running() { [ "$(count_jobs '.JobStatus == 2')" -eq 2 ]; }
wait_until 10 running || fail "two jobs of $c1 not running: $(cq q --json)"
# Matching order is submit order: procs 0 and 1 run, 2 and 3 wait.
cq hold "$c1.3" >/dev/null || fail "cq hold failed"
c2=$(cq submit --terse -- /bin/sleep 300) || fail "submit failed"
printf 'executable = /bin/sleep\narguments = 300\nqueue 2\n' > two.sub
c3=$(cq submit --terse two.sub) || fail "submit failed"
cq rm "$c3.1" >/dev/null || fail "cq rm failed"

# The rows as JSON.
b=$(cq q -batch --json) || fail "cq q -batch --json failed"
row() { echo "$b" | jq -c --arg n "$1" '.[] | select(.BatchName == $n) |
    [.Owner, .Done, .Run, .Idle, .Held, .Total, .JobIds, .Clusters]'; }
[ "$(echo "$b" | jq length)" -eq 3 ] || fail "not 3 batches: $b"
[ "$(row nightly)" = "[\"$me\",0,2,1,1,4,\"$c1.0-3\",1]" ] ||
    fail "nightly row: $(row nightly)"
[ "$(row "ID: $c2")" = "[\"$me\",0,0,1,0,1,\"$c2.0\",1]" ] ||
    fail "cluster $c2 row: $(row "ID: $c2")"
[ "$(row "ID: $c3")" = "[\"$me\",1,0,1,0,2,\"$c3.0\",1]" ] ||
    fail "cluster $c3 row (one removed = done): $(row "ID: $c3")"

# A second cluster with the same batch name joins the row.
c4=$(cq submit --terse --batch-name nightly -- /bin/sleep 300) ||
    fail "submit failed"
b=$(cq q -batch --json)
[ "$(row nightly)" = "[\"$me\",0,2,2,1,5,\"$c1.0 ... $c4.0\",2]" ] ||
    fail "nightly with two clusters: $(row nightly)"
# The submit file's batch_name keyword names a batch too.
printf 'executable = /bin/sleep\narguments = 300\nbatch_name = from-file\nqueue\n' > bn.sub
c5=$(cq submit --terse bn.sub) || fail "submit failed"
b=$(cq q -batch --json)
[ "$(row from-file | jq -c '[.[0], .[5], .[6]]')" = "[\"$me\",1,\"$c5.0\"]" ] ||
    fail "batch_name from the submit file: $(row from-file)"
cq rm "$c5" >/dev/null || fail "rm $c5 failed"

# The table (not a terminal: plain text, no escapes).
out=$(cq q) || fail "cq q failed"
echo "$out" | head -1 | grep -q '^OWNER *BATCH_NAME *SUBMITTED *DONE *RUN *IDLE *HOLD *TOTAL *JOB_IDS$' ||
    fail "batch header: $out"
line=$(echo "$out" | grep " nightly " | tr -s ' ' | cut -d' ' -f5-)
[ "$line" = "_ 2 2 1 5 $c1.0 ... $c4.0" ] || fail "nightly line: '$line' in $out"
echo "$out" | grep -q "^Total for query: 7 jobs; 0 completed, 0 removed, 4 idle, 2 running, 1 held, 0 suspended$" ||
    fail "totals: $out"
case $out in *$'\033'*) fail "escape bytes in piped output" ;; esac

# cq status: the slots, what runs there, the owner as the heartbeats say.
s=$(cq status --json) || fail "cq status --json failed"
[ "$(echo "$s" | jq -c '[.[] | [.Name, .CqState, .CqActivity, .Memory]]')" = \
    '[["slot1@a1","CLAIMED","Busy",256],["slot2@a1","CLAIMED","Busy",256]]' ] ||
    fail "status rows: $s"
[ "$(echo "$s" | jq -r '[.[].JobId] | sort | join(" ")')" = "$c1.0 $c1.1" ] ||
    fail "status jobs: $s"
seen() { cq status --json | jq -e '.[0].KeyboardIdle >= 0 and
    .[0].CqOwnerLastSeen == null and (.[0].LoadAvg | type) == "number"'; }
wait_until 5 seen || fail "no owner idle time or load: $(cq status --json)"
out=$(cq status) || fail "cq status failed"
echo "$out" | head -1 | grep -q '^NAME  *STATE  *ACTIVITY  *LOAD  *MEM  *IDLE_FOR  *JOB  *OWNER_SEEN$' ||
    fail "status header: $out"
echo "$out" | grep -q "^slot1@a1  *CLAIMED  *Busy  *[0-9.]*  *256  *0+[0-9:]*  *$c1.[01]  *never$" ||
    fail "status row: $out"
echo "$out" | grep -q '^Total for pool: 2 slots; 0 unclaimed, 2 claimed,' ||
    fail "status summary: $out"
case $out in *$'\033'*) fail "escape bytes in piped cq status" ;; esac

# The job view and the filters.
ids() { cq q -nobatch "$@" | awk 'NR > 1 && /^[0-9]/ { print $1 }' | tr '\n' ' '; }
[ "$(ids)" = "$c1.0 $c1.1 $c1.2 $c1.3 $c2.0 $c3.0 $c4.0 " ] || fail "-nobatch: $(ids)"
[ "$(ids --jobs "$c3" "$c1.2")" = "$c1.2 $c3.0 " ] || fail "by id: $(ids "$c3" "$c1.2")"
[ "$(ids "$me")" = "$(ids)" ] || fail "by owner: $(ids "$me")"
[ -z "$(ids nosuchuser)" ] || fail "another owner: $(ids nosuchuser)"
[ -z "$(ids -u nosuchuser)" ] || fail "-u another owner: $(ids -u nosuchuser)"
[ "$(ids --state H)" = "$c1.3 " ] || fail "--state H: $(ids --state H)"
[ "$(ids --state running)" = "$c1.0 $c1.1 " ] || fail "--state running: $(ids --state running)"
[ "$(ids -a "$c2")" = "$c2.0 " ] || fail "-a with an id: $(ids -a "$c2")"
cq q -nobatch | grep -q "^$c1.3 .* H .*wait.sh $T/go\$" ||
    fail "held job row: $(cq q -nobatch)"
cq q --state bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad state not exit 2"
cq q --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option not exit 2"

# Colours on a terminal, none with NO_COLOR (script(1) gives a pty).
if command -v script >/dev/null 2>&1; then
	tty=$(script -qec "$CQ_BIN q" /dev/null)
	case $tty in *$'\033['*) ;; *) fail "no colours on a terminal: $tty" ;; esac
	tty=$(NO_COLOR=1 script -qec "$CQ_BIN q -nobatch" /dev/null)
	case $tty in *$'\033'*) fail "escape bytes with NO_COLOR" ;; esac
	echo "$tty" | tr -d '\r' | grep -q "^$c1.3 " || fail "NO_COLOR table: $tty"
fi

# Jobs finish: DONE counts them.
touch go
done3() { [ "$(cq q -batch --json | jq -r '.[] | select(.BatchName == "nightly") | .Done')" = 3 ]; }
wait_until 20 done3 || fail "nightly not 3 done: $(cq q -batch --json)"
# Quotes, backslashes and control characters survive the compact rows;
# the table shows a control as '?' (a cell never carries one to the
# terminal), --json has it exactly.
c5=$(cq submit --terse -- /bin/sh -c $'sleep 300 # x"y\\z\tw') || fail "submit failed"
out=$(cq q -nobatch "$c5") || fail "cq q -nobatch of an odd command failed"
case $out in *'x"y\z?w'*) ;; *) fail "odd command: $out" ;; esac
[ "$(cq q --json "$c5" | jq -r '.[0] | "\(.Cmd) \(.Args)"')" = $'/bin/sh -c sleep 300 # x"y\\z\tw' ] ||
    fail "odd command in --json: $(cq q --json "$c5")"
log "batch view and filters as expected"
