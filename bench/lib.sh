# bench/lib.sh: what the bench scripts share; sourced, with $build (the
# build directory: its cq, cq-schedd) and $work (a directory of the
# run's own) set.

# The run's first line: the machine, when, and how loaded it was.
bench_header() {
	echo "# $(uname -n) cores=$(nproc) $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_schedd [LINE...]: start a cq-schedd ($SCHEDD, else $build's) in
# the foreground, its state, socket, configuration and log in $work,
# listening on 127.0.0.1:0 with each LINE added to its configuration,
# and wait until it listens.  Sets spid and schedd_addr, exports
# CQ_SOCKET and puts a pool token of an hour in tok; 1 if it did not
# start (its log's end on standard error).
bench_schedd() {
	{
		echo "state_dir = $work/state"
		echo "socket = $work/s.sock"
		echo "listen = 127.0.0.1:0"
		for l in "$@"; do [ -z "$l" ] || echo "$l"; done
	} > "$work/s.conf"
	"${SCHEDD:-$build/cq-schedd}" -f -c "$work/s.conf" 2>"$work/schedd.log" &
	spid=$!
	i=0
	while [ ! -s "$work/state/listen.addr" ] && [ $i -lt 200 ] &&
	    kill -0 "$spid" 2>/dev/null; do
		sleep 0.05; i=$((i + 1))
	done
	if [ ! -s "$work/state/listen.addr" ]; then
		echo "cq-schedd did not start:" >&2
		tail "$work/schedd.log" >&2
		return 1
	fi
	schedd_addr=$(cat "$work/state/listen.addr")
	export CQ_SOCKET="$work/s.sock"
	tok=$("$build/cq" pool token --lifetime 1h)
}
