#!/bin/bash
# --bind-check and --connect-check in another network namespace (issue 15):
# a port busy in namespace A and free in B (and the other way round in the
# test's own) gets each namespace's answer through -N NAME, -N PATH and
# --netns-pid; the sysctls are the namespace's (A's own port range, reserved
# ports and tcp_tw_reuse show in --connect-check's budget); --wait-clear
# waits on A's port; an unprivileged user gets one line and exit 2.
#
# Like netns-many.sh, it runs in a private mount and network namespace with
# a tmpfs on /run/netns; every name it makes is deleted on exit, every
# process it starts killed by pid.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${BINDTRIAL:?}"

if [ -z "${TCPSTAT_IN_NETNS:-}" ]; then
	if ! unshare -m -n --propagation private true 2>/dev/null ||
		! { [ -d /run/netns ] || mkdir -p /run/netns 2>/dev/null; }; then
		[ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ] && { echo "FAIL: no mount+net namespace" >&2; exit 1; }
		echo "SKIP: cannot create a mount and network namespace" >&2
		exit 77
	fi
	rm -rf "$TMPDIR_TEST"
	TCPSTAT_IN_NETNS=1 exec unshare -m -n --propagation private -- "$BASH" "$0" "$@"
fi
ip link set lo up || { echo "FAIL: cannot bring lo up" >&2; exit 1; }
mount -t tmpfs tcpstat-test /run/netns || { echo "FAIL: cannot mount /run/netns" >&2; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is needed" >&2; exit 1; }

NAMES=()
cleanup_names() {
	local n
	for n in "${NAMES[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	cleanup_tracked
	umount /run/netns 2>/dev/null || true
}
trap cleanup_names EXIT

T=$TMPDIR_TEST
A=ck$$-a B=ck$$-b
for n in "$A" "$B"; do
	ip netns add "$n" && NAMES+=("$n") && ip -n "$n" link set lo up || exit 1
done
# A's own sysctls: a 100-port range with 10 reserved, tcp_tw_reuse off.
ip netns exec "$A" sysctl -qw net.ipv4.ip_local_port_range="40000 40099" \
	net.ipv4.ip_local_reserved_ports=40000-40009 net.ipv4.tcp_tw_reuse=0 || exit 1

# listener NS NAME ADDR PORT: bindtrial's listener there (NS "-": this one).
listener() {
	local run=(ip netns exec "$1")
	[ "$1" = - ] && run=()
	"${run[@]}" "$BINDTRIAL" listen "$3" "$4" >"$T/$2.out" &
	LAST_PID=$!
	track_pid $!
	wait_for_line "$T/$2.out" '^ready$' 10
}
listener "$A" a8081 0.0.0.0 8081 || exit 1
a_pid=$LAST_PID   # ip netns exec execs bindtrial: the same pid
check "A's listener is in A" "$(stat -L -c %i "/run/netns/$A")" "$(stat -L -c %i "/proc/$a_pid/ns/net")"
listener - own8082 0.0.0.0 8082 || exit 1
# Three clients in A towards its listener, from A's port range.
ip netns exec "$A" python3 -c '
import socket, sys, time
s = [socket.create_connection(("127.0.0.1", 8081)) for _ in range(3)]
print("ready", flush=True)
time.sleep(60)' >"$T/clients.out" &
track_pid $!
wait_for_line "$T/clients.out" '^ready$' 10 || exit 1

# bc ARGS...: the verdicts, the case, the blockers (state@netns), bindable, then the exit status.
bc() {
	local out rc
	out=$("$TCPSTAT" "$@" -j 2>&1); rc=$?
	out=$(jq -r '([.verdicts.plain, .verdicts.reuseaddr, .verdicts.reuseport, .verdicts.both]
		| map(if .ok then "ok" else .errno end) | join(" "))
		+ " case=" + .case + " blockers=" + ([.blockers[] | .state + "@" + (.netns // "")] | join(","))
		+ " bindable=" + (.bindable | tostring)' <<<"$out" 2>/dev/null || echo "$out")
	echo "$out rc=$rc"
}
# The blockers: A's listener and the three connections it accepted (local port 8081).
busy_a="EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN@$A,ESTABLISHED@$A,ESTABLISHED@$A,ESTABLISHED@$A bindable=false rc=1"
free="ok ok ok ok case=free blockers= bindable=true rc=0"
check "-N A: 8081 busy there, A's listener in the way" "$busy_a" "$(bc -N "$A" --bind-check 8081)"
check "-N /run/netns/A: the same" "$busy_a" "$(bc -N "/run/netns/$A" --bind-check 8081)"
check "--netns-pid (A's listener): the same" "yes" \
	"$(bc --netns-pid "$a_pid" --bind-check 8081 | grep -q '^EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN@[^,]*,ESTABLISHED.* rc=1$' && echo yes)"
check "-N B: 8081 free there" "$free" "$(bc -N "$B" --bind-check 8081)"
check "own namespace: 8081 free here" "$free" "$(bc --bind-check 8081)"
check "own namespace: 8082 busy here" "EADDRINUSE" "$(bc --bind-check 8082 | cut -d' ' -f1)"
check "-N A: 8082 (busy only here) free there" "$free" "$(bc -N "$A" --bind-check 8082)"
check "-N B, [::]:8081: free" "$free" "$(bc -N "$B" --bind-check '[::]:8081')"
check "-N A, text report: the listener's row, 3 in its queue" "yes" \
	"$("$TCPSTAT" -N "$A" --bind-check 8081 | grep -qE '^tcp +3 +[0-9]+ 0\.0\.0\.0:8081 .*LISTEN$' && echo yes)"

# connect-check: A's sysctls and sockets, not this namespace's.
cc() {
	"$TCPSTAT" "$@" -j | jq -r '"\(.port_range.lo)-\(.port_range.hi) reserved=\(.reserved) budget=\(.budget) towards=\(.towards.total) tw_reuse=\(.tw_reuse.value) remaining=\(.remaining)"'
}
own_range=$(tr -s '\t ' '-' </proc/sys/net/ipv4/ip_local_port_range)
check "-N A --connect-check: A's range, reserved ports, tw_reuse and 3 clients" \
	"40000-40099 reserved=10 budget=90 towards=3 tw_reuse=0 remaining=87" \
	"$(cc -N "$A" --connect-check 127.0.0.1:8081)"
check "--netns-pid (A) --connect-check: the same" \
	"40000-40099 reserved=10 budget=90 towards=3 tw_reuse=0 remaining=87" \
	"$(cc --netns-pid "$a_pid" --connect-check 127.0.0.1:8081)"
check "-N B --connect-check: B's defaults, no client" \
	"32768-60999 reserved=0 budget=28232 towards=0 tw_reuse=2 remaining=28232" \
	"$(cc -N "$B" --connect-check 127.0.0.1:8081)"
check "own --connect-check: this namespace's range, A's clients not counted" \
	"$own_range towards=0" \
	"$(cc --connect-check 127.0.0.1:8081 | sed -E 's/ reserved=.* towards=/ towards=/; s/ tw_reuse=.*//')"

# --wait-clear in A: still busy after 0.3 s; free once A's listener is gone.
"$TCPSTAT" -N "$A" --bind-check 8081 --wait-clear 0.3 </dev/null 2>/dev/null
check "-N A --wait-clear 0.3, still busy: exit 1" 1 $?
"$TCPSTAT" -N "$B" --bind-check 8081 --wait-clear 5 </dev/null 2>/dev/null
check "-N B --wait-clear: free at once, exit 0" 0 $?
( sleep 0.5; kill "$a_pid" ) &
track_pid $!
start=$(date +%s%N)
"$TCPSTAT" -N "$A" --bind-check 8081 --wait-clear 10 --interval 0.05 </dev/null 2>/dev/null
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "-N A --wait-clear: exit 0 once A's listener closed" 0 "$rc"
check "-N A --wait-clear: waited for it (0.4-5 s)" "yes" \
	"$( ((took >= 400 && took < 5000)) && echo yes || echo "no: $took ms")"

# Unprivileged: entering needs CAP_SYS_ADMIN; one line naming A and the privilege, exit 2.
chmod 0755 "$T"
install -m 0755 "$TCPSTAT" "$T/tcpstat"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
for mode in "--bind-check 8081" "--connect-check 127.0.0.1:8081"; do
	# shellcheck disable=SC2086  # mode is a word list
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T/tcpstat" -N "$A" $mode \
		2>"$T/err"); rc=$?
	check "unprivileged -N A $mode: exit 2, nothing on stdout" "2:" "$rc:$out"
	check "unprivileged -N A $mode: one line naming A and CAP_SYS_ADMIN" \
		"tcpstat: network namespace '$A': cannot enter the network namespace (setns needs CAP_SYS_ADMIN): Operation not permitted" \
		"$(cat "$T/err")"
done
finish
