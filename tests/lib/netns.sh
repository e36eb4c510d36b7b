# netns.sh: a private network of test "hosts" for multi-host integration
# tests; sourced after lib.sh.  Each host is a network namespace with one
# interface, eth0, whose veth peer sits on a bridge in a switch namespace
# of its own, so the machine's root namespace (its links, routes and
# firewall) is never touched.  Addresses are 10.231.X.(i+1)/24 with X
# picked from the shell's pid; since the whole subnet lives behind the
# switch namespace, two runs with the same X do not collide either.
#
# Names are "cqt<pid>-<host>" (netns) for the test shell's pid, so
# everything a run made can be found again: ns_teardown (registered with
# lib.sh's at_cleanup) removes this run's namespaces, and ns_sweep removes
# those of runs whose shell is gone (a crash, a watchdog kill -9).
#
#   ns_setup N           hosts ns0 .. ns<N-1>; skips (77) with the reason
#                        where namespaces cannot be made
#   ns_exec HOST CMD...  run CMD in HOST's network namespace
#   ns_wrap HOST         NS_WRAP=(prefix): "${NS_WRAP[@]}" CMD & runs CMD
#                        there by exec, so $! is CMD's own pid
#   ns_addr HOST         HOST's IPv4 address
#   ns_link_down HOST    cut HOST's cable at the switch: its packets vanish,
#                        peers see timeouts (not resets)
#   ns_link_up HOST      plug it back in
#   ns_teardown          remove this run's namespaces
#   ns_sweep             remove namespaces left by dead runs
#
# lib.sh's start_schedd and start_agent run their daemon in HOST when
# CQ_TEST_NS=HOST is set (see ns_wrap): the scheduler then listens on
# HOST's address, and agents connect to it from their own hosts.  Unix
# sockets are paths, so `cq` in the root namespace still reaches the
# scheduler.  nsenter --net is used rather than `ip netns exec`, which
# remounts /sys and so would hide the cgroup mounts from the agent.

# shellcheck shell=bash
NS_PREFIX=cqt$$-
NS_SWITCH=${NS_PREFIX}sw
NS_NET=10.231.$(( $$ % 250 + 1 ))
NS_HOSTS=()

# ns_full HOST: the namespace name of HOST.
ns_full() {
	echo "$NS_PREFIX$1"
}

# Index of HOST (ns3 -> 3); fails the test on a name not made here.
_ns_index() {
	local h
	for h in "${!NS_HOSTS[@]}"; do
		if [ "${NS_HOSTS[$h]}" = "$1" ]; then
			echo "$h"
			return 0
		fi
	done
	fail "netns: no host named '$1'"
}

ns_addr() {
	echo "$NS_NET.$(( $(_ns_index "$1") + 1 ))"
}

ns_exec() {
	local host=$1
	shift
	_ns_index "$host" >/dev/null
	nsenter "--net=/run/netns/$(ns_full "$host")" -- "$@"
}

# ns_wrap HOST: set NS_WRAP to the command prefix that runs something in
# HOST (by exec: the pid stays the program's).  lib.sh uses it.
ns_wrap() {
	_ns_index "$1" >/dev/null
	# shellcheck disable=SC2034 # read by lib.sh
	NS_WRAP=(nsenter "--net=/run/netns/$(ns_full "$1")" --)
}

ns_link_down() {
	ip -n "$NS_SWITCH" link set "p$(_ns_index "$1")" down ||
	    fail "netns: cannot take $1's link down"
	log "netns: $1 cut off"
}

ns_link_up() {
	ip -n "$NS_SWITCH" link set "p$(_ns_index "$1")" up ||
	    fail "netns: cannot bring $1's link up"
	log "netns: $1 connected again"
}

# Remove the namespaces of runs whose test shell is gone.
ns_sweep() {
	local n pid
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		case $n in
		cqt[0-9]*-*) ;;
		*) continue ;;
		esac
		pid=${n#cqt}
		pid=${pid%%-*}
		[ "$pid" = "$$" ] && continue
		kill -0 "$pid" 2>/dev/null && continue
		ip netns del "$n" 2>/dev/null
	done
}

ns_teardown() {
	local n
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		case $n in
		"$NS_PREFIX"*) ip netns del "$n" 2>/dev/null ;;
		esac
	done
	NS_HOSTS=()
}

# Why namespaces cannot be made here, or nothing.
_ns_unusable() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return; }
	command -v ip >/dev/null 2>&1 || { echo "no ip (iproute2)"; return; }
	command -v nsenter >/dev/null 2>&1 || { echo "no nsenter (util-linux)"; return; }
	ip netns list >/dev/null 2>&1 || { echo "ip netns does not work"; return; }
}

ns_setup() {
	local n=$1 i h why
	why=$(_ns_unusable)
	[ -z "$why" ] || skip "network namespaces: $why"
	ns_sweep
	at_cleanup ns_teardown
	ip netns add "$NS_SWITCH" 2>"$T/netns.err" ||
	    skip "network namespaces: ip netns add: $(cat "$T/netns.err")"
	ip -n "$NS_SWITCH" link add br0 type bridge &&
	ip -n "$NS_SWITCH" link set br0 up &&
	ip -n "$NS_SWITCH" link set lo up ||
	    skip "network namespaces: no bridge in a namespace"
	for ((i = 0; i < n; i++)); do
		h=ns$i
		NS_HOSTS[i]=$h
		ip netns add "$(ns_full "$h")" &&
		ip link add eth0 netns "$(ns_full "$h")" type veth \
		    peer name "p$i" netns "$NS_SWITCH" &&
		ip -n "$NS_SWITCH" link set "p$i" master br0 &&
		ip -n "$NS_SWITCH" link set "p$i" up &&
		ip -n "$(ns_full "$h")" addr add "$NS_NET.$((i + 1))/24" \
		    dev eth0 &&
		ip -n "$(ns_full "$h")" link set eth0 up &&
		ip -n "$(ns_full "$h")" link set lo up ||
		    fail "netns: cannot make host $h"
	done
	log "netns: $n hosts on $NS_NET.0/24 (${NS_PREFIX}*)"
}
