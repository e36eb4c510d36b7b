#!/bin/bash
# t-status-ads: the condor_status habits over the slot ads.  `cq status
# -l NAME` prints a slot's ad (Name = ..., Machine = ...), `-af` its
# values, `-constraint` selects slots by it, names select machines or
# slots, and -json's keys are the names -constraint takes.  At 60
# columns, machines whose names differ only far in keep distinguishable
# NAME cells, no line is wider, and the totals are broken, not cut.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
m1=desktop-0001.physics.example.org
m2=desktop-0002.physics.example.org
start_agent "$m1" 1
start_agent "$m2" 1

# -l by machine and by slot name.
cq status -l "$m1" > long || fail "cq status -l failed"
grep -qx "Name = \"slot1@$m1\"" long && grep -qx "Machine = \"$m1\"" long &&
    grep -qx 'State = "Unclaimed"' long || fail "cq status -l $m1: $(cat long)"
grep -q "$m2" long && fail "cq status -l $m1 shows $m2"
[ "$(cq status -l "slot1@$m2" | grep -c '^Name = ')" -eq 1 ] || fail "cq status -l slot1@$m2"

# -af and -constraint over the ads.
[ "$(cq status -af Name | sort | tr '\n' ' ')" = "slot1@$m1 slot1@$m2 " ] ||
    fail "cq status -af Name: $(cq status -af Name)"
[ "$(cq status -af Machine -constraint "Machine == \"$m2\" && Cpus >= 1")" = "$m2" ] ||
    fail "-constraint: $(cq status -af Machine -constraint "Machine == \"$m2\"")"
[ -z "$(cq status -af Name -constraint 'Memory > 100000')" ] || fail "-constraint selects too much"
[ "$(cq status -format '%s:' Machine -format '%d\n' Memory "$m1")" = "$m1:256" ] ||
    fail "-format: $(cq status -format '%s:' Machine -format '%d\n' Memory "$m1")"
if cq status -constraint 'Memory >' 2> err; then fail "a bad constraint was taken"; fi
grep -q "bad constraint" err || fail "bad constraint said: $(cat err)"
# Every -json pair, as a constraint, selects its slot.
n=0
while IFS=$'\t' read -r k v; do
	case $k in LoadAvg|KeyboardIdle|ConsoleIdle|Disk|TotalDisk|LastHeardFrom|CqOwnerLastSeen) continue ;; esac
	got=$(cq status -af Name -constraint "Machine == \"$m1\" && $k =?= $v")
	[ "$got" = "slot1@$m1" ] || fail "-constraint '$k =?= $v' selects '$got'"
	n=$((n + 1))
done < <(cq status -json "$m1" | jq -r '.[0] | to_entries[] | select(.value | type != "object" and type != "array") | [.key, (.value | tojson)] | @tsv')
[ "$n" -ge 10 ] || fail "only $n attributes in the slot ad"
log "-l, -af, -format, -json and -constraint share $n names"

# 60 columns: names stay apart, nothing wider, the totals whole.
COLUMNS=60 cq status > narrow || fail "cq status failed"
awk 'length($0) > 60 { exit 1 }' narrow || fail "wider than 60: $(cat narrow)"
[ "$(awk '$1 ~ /^slot/ { print $1 }' narrow | sort -u | wc -l)" -eq 2 ] ||
    fail "the names read the same at 60 columns: $(cat narrow)"
[ "$(sed -n '/^Total for pool/,$p' narrow | tr -s ' \n' ' ')" = \
    "Total for pool: 2 slots; 2 unclaimed, 0 claimed, 0 owner, 0 suspended, 0 vacating, 0 draining, 0 offline " ] ||
    fail "the totals at 60 columns: $(cat narrow)"

# Unknown options: the nearest one and --help, not the whole usage.
if cq status -contraint x 2> err; then fail "cq status -contraint succeeded"; fi
[ "$(cat err)" = "cq status: unknown option -contraint (did you mean -constraint?); see cq status --help" ] ||
    fail "cq status -contraint said: $(cat err)"
exit 0
