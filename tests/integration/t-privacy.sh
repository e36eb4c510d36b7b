#!/bin/bash
# t-privacy: root submits jobs with a secret in their environment, their
# arguments, their output file name and a +Secret attribute.  nobody sees
# the jobs in every table (owner, state, the executable) but none of the
# secrets: not in cq q -a --json, not in the compact rows, not in a raw
# query with desc, not in history or cq why; a -constraint over the
# secrets matches nothing, cq rm with one answers as without it, cq logs
# is refused.  Root sees everything; so does a member of admin_group
# (its membership comes from the kernel's groups of the connecting
# process), and the same uid without that group does not.
. "$(dirname "$0")/../lib/lib.sh"

need_nobody
# An administrators' group and a user without a passwd entry, neither
# of them on the system: the scheduler takes admin_group by number.
agid=42421
auid=42422
getent group "$agid" >/dev/null && skip "gid $agid exists here"
getent passwd "$auid" >/dev/null && skip "uid $auid exists here"
as_nobody() {
	setpriv --reuid="$nuid" --regid="$ngid" --clear-groups "$@"
}
as_admin() {
	setpriv --reuid="$auid" --regid="$auid" --groups="$agid" "$@"
}
as_plain() {
	setpriv --reuid="$auid" --regid="$auid" --clear-groups "$@"
}

chmod 711 "$T"
write_schedd_conf 10s 127.0.0.1:0
echo "admin_group = $agid" >> "$T/schedd.conf"
start_schedd

cat > secret.sub <<'SUB'
executable = /bin/sh
arguments = "-c 'echo s3cret-arg'"
environment = "API_KEY=s3cret-env"
output = out-s3cret-name.txt
+Secret = "s3cret-custom"
queue 2
SUB
cluster=$(cq submit --terse secret.sub) || fail "root's submit failed"
cluster=${cluster%%.*}
cq rm "$cluster.1" >/dev/null || fail "cq rm $cluster.1 failed"
wait_until 10 sh -c "[ \"\$(\"$CQ_BIN\" history --json $cluster.1 | jq length)\" -eq 1 ]" ||
    fail "job $cluster.1 did not reach the history"
log "root's cluster $cluster: job .0 queued, .1 in the history"

# Every way nobody may look, in one file each.
raw_jobs='{"what":"jobs","ids":["'$cluster'"],"desc":true}'
raw_hist='{"what":"history","ids":["'$cluster'"],"desc":true}'
look() {	# look PREFIX RUNNER...
	local p=$1
	shift
	"$@" "$CQ_BIN" q -a --json > "$p-q.json" 2>&1 || fail "$p: cq q -a --json failed"
	"$@" "$CQ_BIN" q -a -nobatch > "$p-q.txt" 2>&1 || fail "$p: cq q -nobatch failed"
	"$@" "$CQ_BIN" history --json "$cluster" > "$p-hist.json" 2>&1 ||
	    fail "$p: cq history failed"
	"$@" "$CQ_BIN" why "$cluster.0" > "$p-why.txt" 2>&1 || fail "$p: cq why failed"
	"$@" "$CQ_BIN" q -a -json > "$p-ads.json" 2>&1 || fail "$p: cq q -json failed"
	"$@" "$CQ_BIN" q -a -l > "$p-long.txt" 2>&1 || fail "$p: cq q -l failed"
	"$@" "$CQ_BIN" history -l "$cluster" > "$p-hlong.txt" 2>&1 || fail "$p: cq history -l failed"
	"$@" "$PY" "$CLIENT" "$CQ_SOCKET" query "$raw_jobs" > "$p-raw.json" ||
	    fail "$p: raw query failed: $(cat "$p-raw.json")"
	"$@" "$PY" "$CLIENT" "$CQ_SOCKET" query "$raw_hist" > "$p-rawhist.json" ||
	    fail "$p: raw history query failed: $(cat "$p-rawhist.json")"
	"$@" "$CQ_BIN" q -a --json -constraint 'Secret == "s3cret-custom"' \
	    > "$p-c1.json" 2>&1 || fail "$p: cq q -constraint failed"
	"$@" "$CQ_BIN" q -a --json -constraint 'regexp("s3cret", Args) || regexp("s3cret", Cmd) || regexp("s3cret", Out)' \
	    > "$p-c2.json" 2>&1 || fail "$p: cq q -constraint regexp failed"
	"$@" "$CQ_BIN" history --json -constraint 'Secret == "s3cret-custom"' \
	    > "$p-c3.json" 2>&1 || true
}

look nobody as_nobody
[ "$(jq length nobody-q.json)" -eq 1 ] ||
    fail "nobody does not see root's queued job: $(cat nobody-q.json)"
[ "$(jq -r '.[0].Owner' nobody-q.json)" = root ] || fail "the owner is not shown"
[ "$(jq -r '.[0].Cmd' nobody-q.json)" = /bin/sh ] ||
    fail "nobody's cmd is not the executable alone: $(jq -r '.[0].Cmd' nobody-q.json)"
grep -q "$cluster.0" nobody-q.txt || fail "the job is not in nobody's table"
[ "$(jq length nobody-hist.json)" -eq 1 ] || fail "nobody does not see the history row"
[ "$(jq -r '.rows | length' nobody-raw.json)" -eq 1 ] || fail "the raw query has no row"
[ "$(jq -r '.rows[0] | has("desc")' nobody-raw.json)" = false ] ||
    fail "nobody got the description: $(cat nobody-raw.json)"
[ "$(jq -r '.rows[0] | has("desc")' nobody-rawhist.json)" = false ] ||
    fail "nobody got the description in history: $(cat nobody-rawhist.json)"
if grep -l s3cret nobody-*; then
	fail "a secret reached nobody: $(grep -h s3cret nobody-* | head -5)"
fi
[ "$(jq -r '.[0] | [.Owner, .Cmd, has("Args"), has("Out"), has("Secret")] | join(" ")' nobody-ads.json)" = "root /bin/sh false false false" ] ||
    fail "nobody's job ad is not the public one: $(cat nobody-ads.json)"
[ "$(jq length nobody-c1.json)" -eq 0 ] || fail "a constraint on +Secret matched for nobody"
[ "$(jq length nobody-c2.json)" -eq 0 ] || fail "a constraint on Args/Cmd/Out matched for nobody"
log "nobody sees the jobs (owner, state, executable) and no secret"

# Acting with a constraint answers the same whatever the secret is.
right=$(as_nobody "$CQ_BIN" rm "$cluster.0" -constraint 'Secret == "s3cret-custom"' 2>&1)
wrong=$(as_nobody "$CQ_BIN" rm "$cluster.0" -constraint 'Secret == "guess"' 2>&1)
[ "$right" = "$wrong" ] || fail "cq rm tells the right secret from a wrong one: '$right' vs '$wrong'"
grep -q "permission denied" <<<"$right" || fail "cq rm of root's job: $right"
[ "$(count_jobs ".ClusterId == $cluster and .ProcId == 0")" -eq 1 ] || fail "nobody removed root's job"
out=$(as_nobody "$CQ_BIN" logs "$cluster.0" 2>&1) && fail "cq logs of root's job worked for nobody"
grep -q "permission denied" <<<"$out" || fail "cq logs did not say why: $out"
grep -q s3cret <<<"$out" && fail "cq logs leaked a secret: $out"
log "cq rm -constraint tells nothing, cq logs refused: $out"

# The same uid with and without the administrators' group.
look plain as_plain
grep -q s3cret plain-* && fail "uid $auid without the group saw a secret"
look admin as_admin
for f in admin-raw.json admin-rawhist.json; do
	[ "$(jq -r '.rows[0].desc.environment' "$f" | grep -c s3cret-env)" -eq 1 ] ||
	    fail "the admin does not see the environment in $f: $(cat "$f")"
	[ "$(jq -r '.rows[0].desc.custom.Secret' "$f")" = s3cret-custom ] ||
	    fail "the admin does not see +Secret in $f"
done
[ "$(jq length admin-c1.json)" -eq 1 ] || fail "the admin's constraint on +Secret matched nothing"
grep -q "s3cret-arg" admin-q.json || fail "the admin's cmd has no arguments"
log "a member of admin_group (gid $agid) sees everything; the same uid without it does not"

# A user sees its own job whole, in the queue and in the history.
mkdir -p nb
printf 'executable = /bin/true\n+Mine = "own-words"\nqueue 2\n' > nb/own.sub
chown -R "$nuid:$ngid" nb
own=$(cd nb && as_nobody "$CQ_BIN" submit --terse own.sub) || fail "nobody's submit failed"
own=${own%%.*}
as_nobody "$CQ_BIN" rm "$own.1" >/dev/null || fail "nobody's cq rm failed"
wait_until 10 sh -c "[ \"\$(\"$CQ_BIN\" history --json $own.1 | jq length)\" -eq 1 ]" ||
    fail "job $own.1 did not reach the history"
for what in jobs history; do
	as_nobody "$PY" "$CLIENT" "$CQ_SOCKET" query \
	    '{"what":"'$what'","ids":["'$own'"],"desc":true}' > own-$what.json ||
	    fail "nobody's own $what query failed"
	[ "$(jq -r '.rows[0].desc.custom.Mine' own-$what.json)" = own-words ] ||
	    fail "nobody does not see its own job's description in $what: $(cat own-$what.json)"
done
[ "$(as_nobody "$CQ_BIN" q --json -constraint 'Mine == "own-words"' | jq length)" -eq 1 ] ||
    fail "nobody's constraint on its own +Mine matched nothing"
log "nobody sees its own job whole (queue, history, constraint)"

look root env
[ "$(jq -r '.rows[0].desc.custom.Secret' root-raw.json)" = s3cret-custom ] ||
    fail "root does not see its own +Secret"
[ "$(jq length root-c1.json)" -eq 1 ] || fail "root's constraint on +Secret matched nothing"
log "root sees its own secrets"
exit 0
