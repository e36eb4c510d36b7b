#!/bin/bash
# t-submit-condor: condor_submit's habits through a personal pool.  A
# description read from standard input (`cq submit < job.sub` and `cq
# submit -`), with -a, -queue, a name=value definition and -batch-name
# spelled with one dash; a relative executable found from the directory
# cq submit runs in while each job's initialdir comes from `queue
# initialdir from dirs.txt`; `queue from COMMAND |`; $INT and $CHOICE in
# the jobs' arguments.  Every job writes what it got into its initialdir;
# the test checks each file.  Then what condor_submit refuses at submit
# is refused here with file and line, and nothing is queued: a missing
# executable, initialdir, input or transfer_input_files entry.
. "$(dirname "$0")/../lib/lib.sh"

start_schedd 10s
start_agent a1 4

cat > analyze <<'SH'
#!/bin/sh
# analyze NAME ARGS...: ARGS into NAME in the working directory.
f=$1
shift
echo "$*" > "$f"
SH
chmod +x analyze
mkdir -p d1 d2 d3
printf 'd1\nd2\n' > dirs.txt
colors="red, green, blue"

# From standard input; a relative executable is the submit directory's.
c1=$(cq submit -terse -batch-name habits colors="$colors" <<'SUB'
executable = analyze
arguments = "got.txt $INT(Process,%02d) $CHOICE(Process, colors) $(extra)"
queue initialdir from dirs.txt
SUB
) || fail "cq submit < job.sub failed"
# `cq submit -` with -a and -queue: the jobs of a command's output.
c2=$(printf 'executable = analyze\ninitialdir = d3\narguments = "cmd-$(Item).txt $(extra)"\n' |
    cq submit -terse -a 'extra = appended' - -queue "from printf 'x\\ny\\n' |") ||
    fail "cq submit - -a -queue failed"
cq wait -t 60 "$c1" || fail "cluster $c1 did not finish well"
cq wait -t 60 "$c2" || fail "cluster $c2 did not finish well"
[ "$(cat d1/got.txt)" = "00 red" ] || fail "d1/got.txt: '$(cat d1/got.txt)'"
[ "$(cat d2/got.txt)" = "01 green" ] || fail "d2/got.txt: '$(cat d2/got.txt)'"
[ "$(cat d3/cmd-x.txt)" = "appended" ] || fail "d3/cmd-x.txt: '$(cat d3/cmd-x.txt)'"
[ "$(cat d3/cmd-y.txt)" = "appended" ] || fail "d3/cmd-y.txt: '$(cat d3/cmd-y.txt)'"
[ ! -e got.txt ] || fail "a job ran in the submit directory"
cq q -batch >/dev/null || fail "cq q -batch failed"
log "stdin, -, -a, -queue, name=value, relative executable, initialdir from a file: as condor_submit"

# Refused at submit, naming file, line and what is missing.
before=$(cq q --json | jq length)
refused() {	# FILE MESSAGE
	cq submit "$1" 2> err.txt && fail "$1 was accepted"
	grep -qxF "cq: $2" err.txt || fail "$1: '$(cat err.txt)', not '$2'"
}
printf 'executable = nope\nqueue\n' > a.sub
refused a.sub "a.sub:1: executable '$T/nope': No such file or directory"
printf 'executable = analyze\n\ninitialdir = gone\nqueue\n' > b.sub
refused b.sub "b.sub:3: initialdir '$T/gone': No such file or directory"
printf 'executable = analyze\ninput = in.txt\nqueue\n' > c.sub
refused c.sub "c.sub:2: input '$T/in.txt': No such file or directory"
printf 'executable = analyze\ntransfer_input_files = dirs.txt, lost.dat\nqueue\n' > d.sub
refused d.sub "d.sub:2: transfer_input_files '$T/lost.dat': No such file or directory"
printf 'executable = analyze\nqueue\n' | cq submit -spool - 2> err.txt &&
    fail "-spool was accepted"
grep -q "cq does not support spooling (condor_submit's -spool)" err.txt ||
    fail "-spool: $(cat err.txt)"
# condor_submit's -dry-run takes where the jobs go: never the submit file.
cp a.sub keep.sub
cq submit -dry-run a.sub < /dev/null 2> err.txt && fail "-dry-run over a file was accepted"
cq submit -dry-run keep.sub keep.sub 2> err.txt && fail "-dry-run over the submit file was accepted"
cmp -s a.sub keep.sub || fail "-dry-run wrote over a submit file"
printf 'executable = analyze\nqueue 2\n' | cq submit -dry-run jobs.json - ||
    fail "-dry-run jobs.json - failed"
[ "$(wc -l < jobs.json)" -eq 2 ] || fail "jobs.json: $(cat jobs.json)"
[ "$(cq q --json | jq length)" -eq "$before" ] || fail "a refused submit queued jobs"
log "missing executable, initialdir, input and transfer_input_files entry refused with file and line"
exit 0
