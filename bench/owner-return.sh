#!/bin/sh
# Owner-return latency, two ways, 100 trials each of a 16-process job:
#   owner-return        inotify + jobctl_freeze in one process (the floor)
#   owner-return-agent  through a real cq-startd (file: source, its loop,
#                       its policy, the freeze), touch to every process
#                       stopped
# The agent resumes after 1 s of quiet (resume_after; the activity
# sources call back at most once a second, so a shorter resume_after
# would let a touch wait for the 250 ms tick).
# Usage: bench/owner-return.sh [BUILD_DIR]   (root: cgroups)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
work=$(mktemp -d /tmp/cq-oret.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT INT TERM
echo "# $(uname -n) cores=$(nproc) $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/owner-return" -n "${N:-100}" -p 16

cd "$work"
cat > s.conf <<EOC
state_dir = $work/state
socket = $work/s.sock
listen = 127.0.0.1:0
allow_root_jobs = yes
EOC
"$build/cq-schedd" -f -c s.conf 2>schedd.log &
pids="$pids $!"
i=0; while [ ! -s state/listen.addr ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
export CQ_SOCKET=$work/s.sock
tok=$("$build/cq" pool token --lifetime 1h)
cat > a.conf <<EOC
schedd = $(cat state/listen.addr)
fingerprint = $(cat state/fingerprint)
slots = 1
activity = file:$work/act
idle_after = 0
resume_after = 1s
vacate_after = 1h
local_socket = $work/a.sock
token = $tok
state_dir = $work/a.state
EOC
"$build/cq-startd" -f -c a.conf 2>agent.log &
pids="$!$pids"
export CQ_SOCKET=$work/s.sock
sleep 1
cat > tree.sh <<'SH'
#!/bin/sh
# 16 processes: this shell and 15 busy children.
i=0
while [ $i -lt 15 ]; do ( while :; do :; done ) & i=$((i + 1)); done
echo $$ > leader
wait
SH
chmod +x tree.sh
"$build/cq" submit -- "$work/tree.sh" >/dev/null
i=0; while [ ! -s leader ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
"$build/bench/owner-return-agent" -f "$work/act" -p "$(cat leader)" -n "${N:-100}"
