#!/bin/bash
# --bind-check's trial binds on real sockets (issue 13): every case the
# explanation knows, built with tests/bindtrial.c and the echo server and
# client, checked for the four verdicts and the exit status; and that a
# trial leaves no socket behind. Each case has a port of its own, since
# TIME_WAIT lasts 60 s.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${BINDTRIAL:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
netns_enter "$@"

# The unprivileged runs need copies they can read, in a folder they can enter.
chmod 0755 "$TMPDIR_TEST"
install -m 0755 "$BINDTRIAL" "$TMPDIR_TEST/bindtrial"
BT=$TMPDIR_TEST/bindtrial
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# trial ARG: the four verdicts on one line, then the exit status.
trial() {
	local out rc
	out=$("$@" 2>&1); rc=$?
	echo "$(echo "$out" | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }') rc=$rc"
}

# listener NAME [-a] [-p] [-6] ADDR PORT: a listener in the background, until the script ends.
listener() {
	local name=$1
	shift
	"$BT" listen "$@" >"$TMPDIR_TEST/$name.out" &
	track_pid $!
	wait_for_line "$TMPDIR_TEST/$name.out" '^ready$' 10
}

# timewait_on PORT [SERVER OPTIONS]: a server on 127.0.0.1:PORT that closes
# first (SIGINT with a client connected), so TIME_WAIT holds PORT itself.
timewait_on() {
	local port=$1 server client i
	shift
	"$ECHO_SERVER" -q -p "$port" "$@" >"$TMPDIR_TEST/server$port.out" &
	server=$!
	track_pid "$server"
	wait_for_line "$TMPDIR_TEST/server$port.out" '^listening' 10 || return 1
	"$ECHO_CLIENT" --hold 10 127.0.0.1 "$port" >/dev/null 2>&1 &
	client=$!
	track_pid "$client"
	for i in $(seq 1 50); do
		[ "$("$TCPSTAT" -c --sport "$port" -s established)" = 1 ] && break
		sleep 0.1
	done
	kill -INT "$server"
	wait "$server"
	wait "$client" 2>/dev/null
	[ "$("$TCPSTAT" -c --sport "$port" -s time-wait)" = 1 ]
}

check "free port" "ok ok ok ok rc=0" "$(trial "$BT" trial 127.0.0.1:9001)"
check "free port, IPv4 wildcard" "ok ok ok ok rc=0" "$(trial "$BT" trial 9001)"
check "free port, [::]" "ok ok ok ok rc=0" "$(trial "$BT" trial '[::]:9001')"

listener plain 127.0.0.1 9002
check "plain listener" "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" \
	"$(trial "$BT" trial 127.0.0.1:9002)"
check "plain listener, from the wildcard" "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" \
	"$(trial "$BT" trial 9002)"
check "plain listener, another address" "ok ok ok ok rc=0" "$(trial "$BT" trial 127.0.0.2:9002)"

listener reuseaddr -a 127.0.0.1 9003
check "SO_REUSEADDR on both does not pass a listener" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" "$(trial "$BT" trial 127.0.0.1:9003)"

listener reuseport -p 127.0.0.1 9004
check "SO_REUSEPORT on both, same uid" "EADDRINUSE EADDRINUSE ok ok rc=1" \
	"$(trial "$BT" trial 127.0.0.1:9004)"
check "SO_REUSEPORT on both, another uid" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" \
	"$(trial "${NOBODY[@]}" "$BT" trial 127.0.0.1:9004)"

listener dual :: 9005
check "[::] listener blocks 0.0.0.0" "EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" \
	"$(trial "$BT" trial 9005)"
listener v6only -6 :: 9006
check "[::] IPV6_V6ONLY listener leaves 0.0.0.0 free" "ok ok ok ok rc=0" \
	"$(trial "$BT" trial 9006)"
# After the 0.0.0.0 trial above: its SO_REUSEPORT bind must not leave the
# port open to a SO_REUSEPORT bind of [::] (the bind bucket's fast path).
check "[::] IPV6_V6ONLY listener blocks [::]" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" "$(trial "$BT" trial '[::]:9006')"

timewait_on 9007 || echo "not ok - no TIME_WAIT on 9007"
check "TIME_WAIT, server had SO_REUSEADDR" "EADDRINUSE ok EADDRINUSE ok rc=1" \
	"$(trial "$BT" trial 127.0.0.1:9007)"
timewait_on 9008 --no-reuseaddr || echo "not ok - no TIME_WAIT on 9008"
check "TIME_WAIT, server without SO_REUSEADDR" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1" "$(trial "$BT" trial 127.0.0.1:9008)"

check "the same verdicts when asked again" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE rc=1 ok ok ok ok rc=0 EADDRINUSE EADDRINUSE ok ok rc=1" \
	"$(trial "$BT" trial '[::]:9006') $(trial "$BT" trial 9006) $(trial "$BT" trial 127.0.0.1:9004)"

check "port below 1024, unprivileged" "EACCES EACCES EACCES EACCES rc=1" \
	"$(trial "${NOBODY[@]}" "$BT" trial 80)"
check "port below 1024, root" "ok ok ok ok rc=0" "$(trial "$BT" trial 80)"
check "address not on the host" \
	"EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL rc=1" \
	"$(trial "$BT" trial 192.0.2.1:9009)"
check "IPv6 address not on the host" \
	"EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL rc=1" \
	"$(trial "$BT" trial '[2001:db8::1]:9009')"

out=$("$BT" trial 0 2>&1); rc=$?
check "port 0: exit 2, the value named" \
	"2 bindtrial: invalid port '0' in --bind-check '0' (expected 1-65535)" "$rc $out"

# A trial leaves nothing behind: the same sockets before and after, and the
# trial's own port free again at once.
before=$("$TCPSTAT" -H)
for _ in 1 2 3; do "$BT" trial 127.0.0.1:9010 >/dev/null; "$BT" trial 9007 >/dev/null; done
after=$("$TCPSTAT" -H)
check "no socket left behind" "$before" "$after"
check "no socket on the trial port" "0" "$("$TCPSTAT" -c -p 9010)"

finish
