#!/bin/sh
# ckpt-counter.sh N K STEPS [SIG [deaf]]: the self-checkpointing job of the
# t-ckpt-* tests.  Counts to N, one step every 0.1 s, printing "count I"
# and appending I to the file STEPS (so a test sees every step done, also
# those redone); resumes after the count in ./state; every K steps (0:
# never) it saves ./state (tmp + rename) and exits 85, the job's
# checkpoint_exit_code, to be restarted.  Signal SIG (default TERM) saves
# and exits 85 too, or with "deaf" is noted and nothing is saved again.
n=$1 k=$2 steps=$3 sig=${4:-TERM} mode=${5:-save}
i=0
[ -f state ] && i=$(cat state)
save() { echo "$i" > state.tmp && mv state.tmp state; }
told=0
if [ "$mode" = deaf ]; then
	trap 'told=1' "$sig"
else
	trap 'save; exit 85' "$sig"
fi
done_here=0
while [ "$i" -lt "$n" ]; do
	sleep 0.1
	i=$((i + 1))
	echo "count $i"
	echo "$i" >> "$steps"
	done_here=$((done_here + 1))
	if [ "$k" -gt 0 ] && [ "$done_here" -ge "$k" ] && [ "$i" -lt "$n" ] &&
	    [ "$told" = 0 ]; then
		save
		exit 85
	fi
done
echo "done at $i"
