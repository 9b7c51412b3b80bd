#!/bin/bash
# -E from the kernel's tracepoint, continued (issues 14 and 15): the
# half-close sequence; owners carried forward (-E -P) onto the TIME_WAIT
# line of a connecting side, of an accepting side and of a connection older
# than tcpstat, --pid selecting by the owner carried, and the polling
# source's owners too; other network namespaces with the eBPF source (-N
# and --all-netns: labelled, TIME_WAIT looked up inside, isolation kept).
#
# Runs in a private mount and network namespace with a tmpfs on /run/netns
# (as netns-many.sh), so `ip netns add` never touches the host's; every
# name made is deleted on exit, every process started killed by pid.
# Skipped in a build without eBPF or without root, except in CI.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
if [ "${TCPSTAT_HAVE_BPF:-0}" != 1 ] || [ "$(id -u)" != 0 ]; then
	if [ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ]; then
		echo "FAIL: CI must run the eBPF source (built with bpf: ${TCPSTAT_HAVE_BPF:-0}, uid $(id -u))" >&2
		exit 1
	fi
	echo "SKIP: built without eBPF, or not root" >&2
	exit 77
fi
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

# The changes of one socket, in order (table lines; field 1 is the time,
# then, with a namespace label, it): lines whose endpoints match two awk regexps.
changes_of() {
	awk -v l="$1" -v p="$2" -v o="${4:-0}" '$(2+o) ~ l && $(3+o) ~ p {
		if ($(4+o) == "gone") { s = $0; sub(/^.* gone/, "gone", s); print s }
		else print $(4+o), $(5+o), $(6+o) }' "$3"
}
# The owner (last field) of the line for one change: OLD, NEW, local, peer regexps.
owner_of() {
	awk -v a="$1" -v b="$2" -v l="$3" -v p="$4" \
		'$4 == a && $6 == b && $2 ~ l && $3 ~ p { print $NF; exit }' "$5"
}
stop_ev() {
	local pid
	for pid in "$@"; do kill -INT "$pid"; done
	for pid in "$@"; do wait "$pid"; done
}
wait_listen() {
	for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport "$1" && return 0; sleep 0.1; done
	return 1
}

"$ECHO_SERVER" -q >/dev/null 2>&1 &
server=$!
track_pid "$server"
wait_listen 9999

# ---- half-close: the client shuts its side first, the server answers, then closes.
"$TCPSTAT" -E --events-source bpf -4 -p 9999 >"$TMPDIR_TEST/half" 2>&1 &
ev=$!; track_pid "$ev"
wait_bpf_attached "$ev"
"$ECHO_CLIENT" --half-close -m half >/dev/null
check "half-close: echo-client succeeds" 0 $?
sleep 0.3
stop_ev "$ev"
check "half-close: the server's side, CLOSE_WAIT then LAST_ACK" "LISTEN -> SYN_RECV
SYN_RECV -> ESTABLISHED
ESTABLISHED -> CLOSE_WAIT
CLOSE_WAIT -> LAST_ACK
LAST_ACK -> CLOSE" "$(changes_of '^127\.0\.0\.1:9999$' '^127\.0\.0\.1:[0-9]+$' "$TMPDIR_TEST/half")"
check "half-close: the client's side, FIN_WAIT2 then TIME_WAIT" "SYN_SENT -> ESTABLISHED
ESTABLISHED -> FIN_WAIT1
FIN_WAIT1 -> FIN_WAIT2
FIN_WAIT2 -> TIME_WAIT" "$(changes_of '^127\.0\.0\.1:[0-9]+$' '^127\.0\.0\.1:9999$' "$TMPDIR_TEST/half")"

# ---- owners carried forward, the eBPF source.
# A connection older than tcpstat: held 1.5 s, its owner found by the walk at start.
"$ECHO_CLIENT" --hold 1.5 -m old >/dev/null &
old=$!; track_pid "$old"
for _ in $(seq 1 50); do [ "$("$TCPSTAT" -c -t -s established --dport 9999)" = 1 ] && break; sleep 0.1; done
old_port=$("$TCPSTAT" -t -H -O local -s established --dport 9999 | sed 's/.*://')
"$TCPSTAT" -E --events-source bpf -P -4 -p 9999 -p 9997 >"$TMPDIR_TEST/own" 2>&1 &
ev=$!; track_pid "$ev"
"$TCPSTAT" -E --events-source bpf -P -j -4 -p 9999 >"$TMPDIR_TEST/own.json" 2>&1 &
evj=$!; track_pid "$evj"
"$TCPSTAT" -E --events-source bpf --pid "$old" -4 >"$TMPDIR_TEST/pid" 2>&1 &
evp=$!; track_pid "$evp"
wait_bpf_attached "$ev" "$evj" "$evp"
# A connecting side: echo-client, which closes first.
"$ECHO_CLIENT" -m new >/dev/null &
client=$!; track_pid "$client"
wait "$client"
# An accepting side that closes first (so its TIME_WAIT is the server's):
# it reads the message, then closes before the client does.
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9997)); s.listen(4)
print("ready", flush=True)
c, _ = s.accept(); c.recv(100); c.close(); time.sleep(3)' >"$TMPDIR_TEST/py.out" &
py=$!; track_pid "$py"
wait_for_line "$TMPDIR_TEST/py.out" '^ready$' 10
"$ECHO_CLIENT" -t 2 -m first 127.0.0.1 9997 >/dev/null 2>&1
wait "$old"
sleep 0.5
stop_ev "$ev" "$evj" "$evp"

check "-P: the connecting side's TIME_WAIT is echo-client's" "$client/echo-client" \
	"$(owner_of FIN_WAIT2 TIME_WAIT '^127\.0\.0\.1:[0-9]+$' '^127\.0\.0\.1:9999$' "$TMPDIR_TEST/own" |
		head -n 1 | grep -v "^$old/")"
check "-P: the connecting side from CLOSE -> SYN_SENT on" "$client/echo-client" \
	"$(awk -v c="$client" '$4 == "CLOSE" && $6 == "SYN_SENT" && $3 ~ /:9999$/ && $NF ~ "^" c "/" { print $NF }' "$TMPDIR_TEST/own")"
check "-P: the accepting side's TIME_WAIT is the acceptor's" "$py" \
	"$(owner_of FIN_WAIT2 TIME_WAIT '^127\.0\.0\.1:9997$' '^127\.0\.0\.1:[0-9]+$' "$TMPDIR_TEST/own" | sed 's|/.*||')"
check "-P: the listener is its listen()er's" "$py" \
	"$(owner_of CLOSE LISTEN '^127\.0\.0\.1:9997$' '' "$TMPDIR_TEST/own" | sed 's|/.*||')"
check "-P: a connection older than tcpstat keeps its owner into TIME_WAIT" "$old/echo-client" \
	"$(owner_of FIN_WAIT2 TIME_WAIT "^127\\.0\\.0\\.1:$old_port\$" '^127\.0\.0\.1:9999$' "$TMPDIR_TEST/own")"
check "-P: before accept() returns, no owner is known" "-" \
	"$(owner_of SYN_RECV ESTABLISHED '^127\.0\.0\.1:9997$' '' "$TMPDIR_TEST/own")"
check "-P -j: pids and programs on the TIME_WAIT object" "[$client] [\"echo-client\"]" \
	"$(jq -r --argjson c "$client" 'select(.state == "TIME_WAIT" and .old_state == "FIN_WAIT2" and .pids[0] == $c) | "\(.pids) \(.programs)"' "$TMPDIR_TEST/own.json" | tr -d ' ' | sed 's/\]\[/] [/')"
check "-P -j: task_pid is not the owner there (the server's task closed it)" "true" \
	"$(jq -s --argjson c "$client" 'any(.[]; .state == "TIME_WAIT" and .pids[0] == $c and .task_pid != $c)' "$TMPDIR_TEST/own.json")"
check "--pid: only the old connection's own side, TIME_WAIT included" "ESTABLISHED -> FIN_WAIT1
FIN_WAIT1 -> FIN_WAIT2
FIN_WAIT2 -> TIME_WAIT" "$(changes_of '^127\.0\.0\.1:[0-9]+$' '' "$TMPDIR_TEST/pid")"

# ---- owners carried forward, the polling source: the held connection's
# ESTABLISHED is seen with its owner, its TIME_WAIT keeps it.
"$TCPSTAT" -E --events-source poll --interval 0.02 -P -4 --dport 9999 >"$TMPDIR_TEST/poll" 2>&1 &
ev=$!; track_pid "$ev"
sleep 0.5
"$ECHO_CLIENT" --hold 0.5 -m poll >/dev/null &
client=$!; track_pid "$client"
wait "$client"
sleep 0.3
stop_ev "$ev"
check "poll -P: new ESTABLISHED, echo-client's" "$client/echo-client" \
	"$(awk '$4 == "new" && $5 == "ESTABLISHED" { print $NF; exit }' "$TMPDIR_TEST/poll")"
check "poll -P: its TIME_WAIT keeps the owner" "$client/echo-client" \
	"$(awk '$6 == "TIME_WAIT" { print $NF; exit }' "$TMPDIR_TEST/poll")"

# ---- other namespaces with the eBPF source.
tag="te$$"
blue=$tag-blue
ip netns add "$blue" && NAMES+=("$blue") && ip -n "$blue" link set lo up || exit 1
ip netns exec "$blue" "$ECHO_SERVER" -q -p 9999 >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 1 50); do "$TCPSTAT" -N "$blue" -q -l --sport 9999 && break; sleep 0.1; done
"$TCPSTAT" -E --events-source bpf -N "$blue" -4 -p 9999 >"$TMPDIR_TEST/n1" 2>"$TMPDIR_TEST/n1.err" &
e1=$!; track_pid "$e1"
# An unnamed namespace is labelled by its lowest pid, which changes when pids
# wrap around: the label as a listing gives it just before -E starts, and after.
label_before=$("$TCPSTAT" --all-netns -H -O netns --sport 9999 -l | head -n 1)
"$TCPSTAT" -E --events-source bpf --all-netns -P -4 -p 9999 >"$TMPDIR_TEST/all" 2>&1 &
e2=$!; track_pid "$e2"
"$TCPSTAT" -E --events-source bpf -v -4 -p 9999 >"$TMPDIR_TEST/own-ns" 2>&1 &
e3=$!; track_pid "$e3"
wait_bpf_attached "$e1" "$e2" "$e3"
ip netns exec "$blue" "$ECHO_CLIENT" -m blue >/dev/null
# Ours, at the same time: -N blue must not see it.
"$ECHO_CLIENT" -m ours >/dev/null &
ours=$!; track_pid "$ours"
wait "$ours"
sleep 0.3
stop_ev "$e1" "$e2" "$e3"
check "-N: blue's client, every state, labelled blue" "SYN_SENT -> ESTABLISHED
ESTABLISHED -> FIN_WAIT1
FIN_WAIT1 -> FIN_WAIT2
FIN_WAIT2 -> TIME_WAIT" "$(awk -v b="$blue" '$2 == b' "$TMPDIR_TEST/n1" | changes_of '^127\.0\.0\.1:[0-9]+$' '^127\.0\.0\.1:9999$' /dev/stdin 1)"
check "-N: every line is blue's (ours unseen)" "0" "$(awk -v b="$blue" '$2 != b' "$TMPDIR_TEST/n1" | wc -l)"
check "-N: nothing on stderr" "" "$(cat "$TMPDIR_TEST/n1.err")"
check "--all-netns: blue's TIME_WAIT, labelled, with its owner" "$blue echo-client" \
	"$(awk -v b="$blue" '$2 == b && $7 == "TIME_WAIT" { sub(/^[0-9]+\//, "", $NF); print $2, $NF; exit }' "$TMPDIR_TEST/all")"
label_after=$("$TCPSTAT" --all-netns -H -O netns --sport 9999 -l | head -n 1)
label=$(awk -v c="$ours" '$NF ~ "^" c "/" && $7 == "TIME_WAIT" { print $2; exit }' "$TMPDIR_TEST/all")
check "--all-netns: ours, labelled as a listing labels it" "yes" \
	"$([ -n "$label" ] && { [ "$label" = "$label_before" ] || [ "$label" = "$label_after" ]; } && echo yes || echo "no: '$label' (listing: '$label_before', then '$label_after')")"
check "own namespace only: none of blue's changes" "1" \
	"$(grep -c -- '-> TIME_WAIT' "$TMPDIR_TEST/own-ns")"
finish
