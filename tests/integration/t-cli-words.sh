#!/bin/bash
# t-cli-words: what the command line says about its own words, with no
# pool running.  An unknown command or option is one line naming it, the
# nearest known word ("did you mean") and --help, not the whole usage;
# `cq CMD --help` lists every option; the bash completion offers exactly
# those options for every command; every option so listed is one the
# command takes (none answers "unknown option"), and every option in the
# usage is listed.  With no scheduler, a command says which socket it
# tried, where CQ_HOME points and that `cq pool up` starts a pool.
. "$(dirname "$0")/../lib/lib.sh"

export CQ_HOME=$T/home
unset CQ_SOCKET
mkdir -p "$CQ_HOME"

# Unknown command / option.
if cq stauts 2> err; then fail "cq stauts succeeded"; fi
[ "$(cat err)" = "cq: unknown command stauts (did you mean status?); see cq --help" ] ||
    fail "cq stauts said: $(cat err)"
if cq histroy -limt 3 2> err; then fail "cq histroy succeeded"; fi
grep -q "did you mean history?" err || fail "cq histroy said: $(cat err)"
if cq history -limt 3 2> err; then fail "cq history -limt succeeded"; fi
[ "$(cat err)" = "cq history: unknown option -limt (did you mean -limit?); see cq history --help" ] ||
    fail "cq history -limt said: $(cat err)"
if cq rm --contraint 'x' 2> err; then fail "cq rm --contraint succeeded"; fi
grep -q "unknown option --contraint (did you mean --constraint?)" err && [ "$(wc -l < err)" -eq 1 ] ||
    fail "cq rm --contraint said: $(cat err)"
if cq submit --trese x.sub 2> err; then fail "cq submit --trese succeeded"; fi
[ "$(cat err)" = "cq submit: unknown option --trese (did you mean --terse?); see cq submit --help" ] ||
    fail "cq submit --trese said: $(cat err)"
if cq q -zzzzzzzz 2> err; then fail "cq q -zzzzzzzz succeeded"; fi
[ "$(cat err)" = "cq q: unknown option -zzzzzzzz; see cq q --help" ] || fail "cq q -zzzzzzzz said: $(cat err)"
if cq pool uup 2> err; then fail "cq pool uup succeeded"; fi
[ "$(cat err)" = "cq pool: unknown command uup (did you mean up?); see cq pool --help" ] ||
    fail "cq pool uup said: $(cat err)"
if cq pool up --agnts 2 2> err; then fail "cq pool up --agnts succeeded"; fi
grep -q "unknown option --agnts (did you mean --agents?)" err && [ "$(wc -l < err)" -eq 1 ] ||
    fail "cq pool up --agnts said: $(cat err)"
log "unknown words: fine"

# Completion against --help, for every command.
cmds=$(cq __complete commands | grep -vx help)
[ "$(echo "$cmds" | wc -l)" -ge 15 ] || fail "cq __complete commands: $cmds"
complete_opts() {
	CQ_BIN=$CQ_BIN bash -c 'cq() { "$CQ_BIN" "$@"; }
	. "$CQ_SRCDIR/completions/cq.bash"
	COMP_WORDS=(cq "$1" -); COMP_CWORD=2; _cq; printf "%s\n" "${COMPREPLY[@]}"' sh "$1" | sort -u
}
n=0
for c in $cmds; do
	cq "$c" --help > help || fail "cq $c --help failed"
	grep -q "^usage: cq $c" help || fail "cq $c --help: $(cat help)"
	listed=$(sed -n 's/^options: //p' help | tr ' ' '\n' | grep -- '^-' | sort -u)
	[ "$(complete_opts "$c")" = "$(printf '%s\n' $listed --help | sort -u)" ] ||
	    fail "cq $c: completion offers $(complete_opts "$c" | tr '\n' ' ') but --help lists $listed"
	# Every option the usage shows is listed.
	for o in $(sed -n '/^usage:/,/^options:/p' help | grep -v '^options:' |
	    grep -oE '(^|[[ |])--?[a-z][a-z-]*' | sed 's/^[[ |]//' | sort -u); do
		echo "$listed" | grep -qx -- "$o" || fail "cq $c: usage shows $o, not listed"
	done
	# Every listed option is taken (pool could start one: not run).
	[ "$c" = pool ] && continue
	for o in $listed; do
		[ "$o" = -- ] && continue
		timeout 10 "$CQ_BIN" "$c" "$o" </dev/null >/dev/null 2> err
		grep -q "unknown option" err && fail "cq $c $o: $(cat err)"
		n=$((n + 1))
	done
done
log "completion = --help for every command; $n options all taken"

# No pool: the socket tried, CQ_HOME, cq pool up.
for c in "q" "status" "history" "rm 1" "why 1" "userprio"; do
	if cq $c 2> err; then fail "cq $c succeeded with no pool"; fi
	grep -q "$CQ_HOME/schedd.sock" err && grep -q "CQ_HOME=$CQ_HOME" err &&
	    grep -q '`cq pool up` starts a personal pool' err ||
	    fail "cq $c with no pool said: $(cat err)"
done
log "no pool: the message says where and what to do"
exit 0
