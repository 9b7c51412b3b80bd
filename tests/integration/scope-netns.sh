#!/bin/bash
# IPv6 scope (issue 12): two listeners on fe80::1 port 7024, one on each end
# of a veth pair, show as ss shows them ([fe80::1]%veth0:7024), -j gives
# ifindex and interface (only for them), --src ADDR%IF keeps one, and /proc,
# which has no scope, says so when a %IF filter is given.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}"
netns_enter "$@"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

ip link add veth0 type veth peer name veth1 || { echo "FAIL: no veth pair" >&2; exit 1; }
for i in veth0 veth1; do
	ip link set "$i" up && ip addr add fe80::1/64 dev "$i" nodad || exit 1
done
i0=$(ip -o link show veth0 | cut -d: -f1)
i1=$(ip -o link show veth1 | cut -d: -f1)

# The listeners, and one plain one; gone after 30 s at most.
python3 - "$TMPDIR_TEST/ready" <<'PY' &
import socket, sys, time
socks = []
for name in ("veth0", "veth1"):
    s = socket.socket(socket.AF_INET6)
    s.bind(("fe80::1", 7024, 0, socket.if_nametoindex(name)))
    s.listen()
    socks.append(s)
t = socket.socket()
t.bind(("127.0.0.1", 7025))
t.listen()
open(sys.argv[1], "w").write("ready\n")
time.sleep(30)
PY
track_pid $!
wait_for_line "$TMPDIR_TEST/ready" '^ready$' 10 || exit 1

rows() { "$TCPSTAT" -H -l "$@" | awk '{ print $4, $5 }' | LC_ALL=C sort; }

check "table: %IF after each link-local address, as ss" \
	"127.0.0.1:7025 0.0.0.0:*
[fe80::1]%veth0:7024 [::]:*
[fe80::1]%veth1:7024 [::]:*" "$(rows)"
check "ss agrees" "$(ss -Htnl | awk '{ print $4 }' | LC_ALL=C sort)" \
	"$(rows | awk '{ print $1 }')"
check "--src fe80::1%veth0 keeps one" "[fe80::1]%veth0:7024 [::]:*" \
	"$(rows --src 'fe80::1%veth0')"
check "--src fe80::1%$i1 (the index) keeps the other" "[fe80::1]%veth1:7024 [::]:*" \
	"$(rows --src "fe80::1%$i1")"
check "-O local-addr: fe80::1%veth0" "fe80::1%veth0 7024" \
	"$("$TCPSTAT" -H -O local-addr,local-port --src 'fe80::1%veth0')"
check "-j: ifindex and interface after local_port" \
	"\"local_port\":7024,\"ifindex\":$i0,\"interface\":\"veth0\",\"peer_addr\"" \
	"$("$TCPSTAT" -j --src 'fe80::1%veth0' | grep -o '"local_port".*"peer_addr"')"
check "-j: no such keys for a socket bound to no interface" "0" \
	"$("$TCPSTAT" -j --sport 7025 | grep -c ifindex)"
check "-j -B proc: no scope from /proc" "0" \
	"$("$TCPSTAT" -j -B proc -p 7024 | grep -c ifindex)"
err=$("$TCPSTAT" -B proc --src 'fe80::1%veth0' 2>&1 >/dev/null)
check "-B proc with %IF: stderr says /proc has no scope" \
	"tcpstat: /proc has no interface scope: an address's %IF matches no socket (netlink reports it)" \
	"$err"

# An interface gone: the sockets stay, shown by index as ss does (if3).
ip link del veth0
check "interface gone: %if<index>" "$(printf '%s\n' "[fe80::1]%if$i0:7024 [::]:*" \
	"[fe80::1]%if$i1:7024 [::]:*" | LC_ALL=C sort)" "$(rows -6)"
check "-j: interface null when it is gone" "\"ifindex\":$i0,\"interface\":null" \
	"$("$TCPSTAT" -j -l -6 | grep -o "\"ifindex\":$i0,\"interface\":[a-z\"0-9]*")"
finish
