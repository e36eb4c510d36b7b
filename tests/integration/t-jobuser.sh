#!/bin/bash
# t-jobuser: whom a job runs as on a root agent (docs/jobs-users.md).  A
# job of cqt-alice, a user on the desktop, runs as her (id -u) with her
# supplementary group; a job of cqt-bob, whom the scheduler knows but the
# desktop does not (the agent runs in a mount namespace with a passwd
# file without him), runs as the slot's user cq-slot1 with its own group
# only.  Neither reads the desktop owner's 0600 file nor anything in his
# 0700 home; the slot user's job sees /home empty (a world-readable file
# there, which alice may read, is hidden from it).  Both run in a
# sandbox of mode 0700 owned by whom they run as, gone once they ended.
. "$(dirname "$0")/../lib/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to run jobs as other users"
for c in setpriv unshare useradd userdel groupadd; do
	command -v $c >/dev/null 2>&1 || skip "$c is not installed"
done
[ -d /home ] || skip "no /home"

# The users: made here, removed at the end (a leftover is reused).
mkuser() {	# NAME [useradd options]
	local n=$1
	shift
	id "$n" >/dev/null 2>&1 || useradd "$@" "$n" ||
	    fail "useradd $n failed"
}
getent group cqt-team >/dev/null || groupadd cqt-team || fail "groupadd"
at_cleanup 'groupdel cqt-team 2>/dev/null'
for u in cqt-alice cqt-bob cqt-desk cqt-pub; do
	at_cleanup "userdel -r $u 2>/dev/null"
done
mkuser cqt-alice -M -G cqt-team -s /bin/sh
mkuser cqt-bob -M -s /bin/sh
mkuser cqt-desk -m -s /bin/sh
mkuser cqt-pub -m -s /bin/sh
chmod 700 /home/cqt-desk
echo "desk secret" > /home/cqt-desk/secret
chown cqt-desk: /home/cqt-desk/secret
chmod 600 /home/cqt-desk/secret
chmod 755 /home/cqt-pub
echo "public" > /home/cqt-pub/readme
chmod 644 /home/cqt-pub/readme
auid=$(id -u cqt-alice)
tgid=$(getent group cqt-team | cut -d: -f3)

chmod 711 "$T"
echo "desk file" > "$T/deskfile"
chown cqt-desk: "$T/deskfile"
chmod 600 "$T/deskfile"

# The desktop knows no cqt-bob: the agent's own view of /etc/passwd.
grep -v '^cqt-bob:' /etc/passwd > "$T/desk-passwd"
chmod 644 "$T/desk-passwd"
cat > "$T/startd-wrap" <<WRAP
#!/bin/sh
exec unshare --mount --propagation private sh -c \
    'mount --bind "\$0" /etc/passwd && exec "\$@"' \
    "$T/desk-passwd" "$CQ_BUILDDIR/cq-startd" "\$@"
WRAP
chmod 755 "$T/startd-wrap"

start_schedd 10s
STARTD_BIN=$T/startd-wrap AGENT_EXTRA="filesystem_domain = elsewhere" \
    start_agent a1 1
sbdir=$T/sandbox-a1

cat > "$T/probe.sh" <<'EOF2'
#!/bin/sh
# What the job may see, one line each.
echo "uid $(id -u)"
echo "user $(id -un)"
echo "groups $(id -G)"
echo "sandbox $(stat -c '%a %U' .)"
echo "pwd $(pwd)"
try() { if cat "$2" >/dev/null 2>&1; then echo "$1 READ"; else echo "$1 DENIED"; fi; }
try secret /home/cqt-desk/secret
try deskfile "$DESKFILE"
try public /home/cqt-pub/readme
if ls /home/cqt-desk >/dev/null 2>&1; then echo "deskhome LISTED"; else echo "deskhome DENIED"; fi
echo "home [$(ls -A /home | tr '\n' ' ')]"
EOF2
chmod 755 "$T/probe.sh"

submit_as() {	# USER: the probe, from USER's own directory
	local u=$1 d=$T/w-$1
	mkdir -p "$d"
	cp "$T/probe.sh" "$d/"
	cat > "$d/j.sub" <<SUB
executable = \$(initialdir)/probe.sh
environment = DESKFILE=$T/deskfile
initialdir = $d
output = out.txt
should_transfer_files = YES
queue
SUB
	chown -R "$u:" "$d"
	(cd "$d" && setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" \
	    --init-groups "$CQ_BIN" submit --terse j.sub)
}
field() {	# USER KEY
	sed -n "s/^$2 //p" "$T/w-$1/out.txt"
}
sandbox_gone() {
	[ -z "$(ls -A "$sbdir")" ]
}

# A user of the desktop: as herself, with her groups.
id=$(submit_as cqt-alice) || fail "cq submit as cqt-alice failed"
cq wait -t 30 "$id" || fail "alice's job did not complete: $(cq history --json "$id")"
[ "$(field cqt-alice uid)" = "$auid" ] ||
    fail "alice's job ran as uid $(field cqt-alice uid), not $auid"
case " $(field cqt-alice groups) " in
*" $tgid "*) ;;
*) fail "alice's job lacks her group cqt-team ($tgid): $(field cqt-alice groups)" ;;
esac
[ "$(field cqt-alice sandbox)" = "700 cqt-alice" ] ||
    fail "alice's sandbox is $(field cqt-alice sandbox), not 700 cqt-alice"
[ "$(field cqt-alice secret)" = DENIED ] || fail "alice's job read the desktop owner's 0600 file"
[ "$(field cqt-alice deskfile)" = DENIED ] || fail "alice's job read another user's 0600 file"
[ "$(field cqt-alice deskhome)" = DENIED ] || fail "alice's job listed the desktop owner's home"
[ "$(field cqt-alice public)" = READ ] || fail "alice's job could not read a public file in /home (the probe is wrong)"
grep -q "job ${id%%.*}\.0 run 1: started pid [0-9]* on slot 1 as cqt-alice (uid $auid)" \
    "$T/agent-a1.log" || fail "the agent did not log whom the job ran as"
wait_until 10 sandbox_gone || fail "alice's sandbox is still there: $(ls -la "$sbdir")"
log "cqt-alice: ran as uid $auid with cqt-team, read nothing of cqt-desk's, sandbox 0700 and gone"

# An owner the desktop does not know: as the slot user.
s1uid=$(id -u cq-slot1)
s1gid=$(id -g cq-slot1)
id=$(submit_as cqt-bob) || fail "cq submit as cqt-bob failed"
cq wait -t 30 "$id" || fail "bob's job did not complete: $(cq history --json "$id")"
[ "$(field cqt-bob uid)" = "$s1uid" ] ||
    fail "bob's job ran as uid $(field cqt-bob uid), not cq-slot1's $s1uid"
[ "$(field cqt-bob groups)" = "$s1gid" ] ||
    fail "the slot user has groups $(field cqt-bob groups), not its own $s1gid alone"
[ "$(field cqt-bob sandbox)" = "700 cq-slot1" ] ||
    fail "bob's sandbox is $(field cqt-bob sandbox), not 700 cq-slot1"
[ "$(field cqt-bob secret)" = DENIED ] || fail "the slot user read the desktop owner's 0600 file"
[ "$(field cqt-bob deskfile)" = DENIED ] || fail "the slot user read another user's 0600 file"
[ "$(field cqt-bob deskhome)" = DENIED ] || fail "the slot user listed the desktop owner's home"
[ "$(field cqt-bob public)" = DENIED ] || fail "the slot user read a world-readable file in /home"
[ "$(field cqt-bob home)" = "[]" ] || fail "the slot user sees /home as $(field cqt-bob home)"
[ "$(stat -c %U "$T/w-cqt-bob/out.txt")" = cqt-bob ] ||
    fail "bob's output is not his: $(stat -c %U "$T/w-cqt-bob/out.txt")"
grep -q "job ${id%%.*}\.0 run 1: started pid [0-9]* on slot 1 as cq-slot1 (uid $s1uid) (slot user)" \
    "$T/agent-a1.log" || fail "the agent did not log the slot user"
wait_until 10 sandbox_gone || fail "bob's sandbox is still there: $(ls -la "$sbdir")"
ls /home | grep -q cqt-desk || fail "the agent's hiding leaked into the host's /home"
log "cqt-bob (unknown here): ran as cq-slot1, its group alone, /home empty, sandbox 0700 and gone"
exit 0
