#!/bin/sh
# Quick start: install what is missing, build, start a personal pool on
# this machine, run a sample job and show the queue and the machines.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/deps.sh"
sh "$top/scripts/build.sh"
cq="$top/build/cq"
export CQ_HOME="${CQ_HOME:-$HOME/.local/state/cq}"
"$cq" pool down >/dev/null 2>&1 || true
"$cq" pool up
work=$(mktemp -d)
cd "$work"
cat > hello.sub <<SUB
# A sample job: three procs, each says hello with its number.
executable = /bin/sh
arguments = "-c 'echo hello from job \$(Cluster).\$(Process) on; uname -n; sleep 2'"
output = hello.\$(Process).out
error = hello.\$(Process).err
queue 3
SUB
cluster=$("$cq" submit --terse hello.sub)
echo "submitted cluster $cluster (3 jobs)"
sleep 0.5
echo "--- cq q"
"$cq" q
echo "--- cq status"
"$cq" status
"$cq" wait -t 60 "$cluster" || true
echo "--- cq history"
"$cq" history -n 3
echo "--- output (in $work)"
cat hello.*.out
echo
echo "The pool keeps running (state in $CQ_HOME). Try: $cq submit -- /bin/echo hi"
echo "Stop it with: $cq pool down"
echo "From another machine: cq -H ssh://$(id -un)@$(uname -n) q (cq runs the cq-ssh beside it, $top/build/cq-ssh here)"
