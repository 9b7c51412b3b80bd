#!/bin/bash
# tests/echo/timewait.sh - the tutorial: a server stopped while a client is
# connected closes first, so its side of the connection lingers in
# TIME_WAIT; tcpstat shows it, with the time left, and explains why a new
# server without SO_REUSEADDR cannot bind (SEMANTICS.md 3.9).
set -u
. "$(dirname "$0")/../lib.sh"
netns_enter "$@"
. "$(dirname "$0")/echo-lib.sh"
: "${TCPSTAT:?set TCPSTAT to the tcpstat binary}"

T=$TMPDIR_TEST

# stop_with_client PORT NAME [SERVER-ARGS...]: run a server, connect a
# client that holds its connection, stop the server with SIGINT.
stop_with_client() {
	local port=$1 name=$2 cpid
	shift 2
	start_server "$name" -p "$port" "$@" || finish
	"$ECHO_CLIENT" --hold 5 127.0.0.1 "$port" >"$T/$name-client.out" 2>"$T/$name-client.err" &
	cpid=$!
	track_pid "$cpid"
	wait_for_line "$T/$name.out" '^client say: hello$' 5
	kill -INT "$SERVER_PID"
	wait_exit "$SERVER_PID" 5
	check "$name: SIGINT exits 0" 0 "$WAIT_RC"
	check "$name: server closed the client" "caught SIGINT, closed 1 client, exiting" \
		"$(tail -n1 "$T/$name.out")"
	# The client sees the server's FIN and closes at once, not after --hold.
	wait_exit "$cpid" 3
	check "$name: client saw the close and exited 0" 0 "$WAIT_RC"
}

stop_with_client 9999 tut
# The client's FIN is sent as it exits; give its ACK a moment on a busy machine.
wait_tcpstat 2 -p 9999 -s TIME_WAIT

# Only the server side is in TIME_WAIT: it closed first. The client, the
# passive closer, went through LAST_ACK to CLOSED.
for b in netlink proc; do
	out=$("$TCPSTAT" -B $b -H -p 9999 -s TIME_WAIT); rc=$?
	check "$b: TIME_WAIT found (exit 0)" 0 "$rc"
	check "$b: one TIME_WAIT socket, local 127.0.0.1:9999" "127.0.0.1:9999 TIME_WAIT" \
		"$(awk '{ print $4, $6 }' <<<"$out")"
	check "$b: no other socket on port 9999" 1 "$("$TCPSTAT" -B $b -H -p 9999 | wc -l)"

	out=$("$TCPSTAT" -B $b -H -o -p 9999 -s TIME_WAIT); rc=$?
	check "$b -o: exit 0" 0 "$rc"
	timer=$(awk '{ print $7, $8 }' <<<"$out")
	check "$b -o: timer column shape" 1 \
		"$(grep -Ec '^timewait \([0-9]{1,2}\.[0-9]{2}/0/0\)$' <<<"$timer")"
	secs=$(sed -E 's/^timewait \(([0-9]+)\..*/\1/' <<<"$timer")
	# 60 s from the close, a few already gone: between 50 and 59.99.
	check "$b -o: timewait seconds in 50-59.99" "in range" \
		"$([ "${secs:-99}" -lt 60 ] && [ "${secs:-0}" -ge 50 ] && echo "in range" ||
			echo "out of range: $timer")"
done

# Without SO_REUSEADDR the TIME_WAIT socket blocks the port.
"$ECHO_SERVER" --no-reuseaddr >"$T/nr.out" 2>"$T/nr.err"; rc=$?
check "--no-reuseaddr: exit 1" 1 "$rc"
check "--no-reuseaddr: stderr" "bind error: Address already in use" "$(cat "$T/nr.err")"
check "--no-reuseaddr: stdout empty" "" "$(cat "$T/nr.out")"

# With it (the default) the port is free again: the old listener set it too.
start_server again || finish
check "SO_REUSEADDR: a new server starts" "listening on 127.0.0.1:9999 (SO_REUSEADDR on)" \
	"$(head -n1 "$T/again.out")"
check "SO_REUSEADDR: and serves" 0 "$(fresh_client)"
kill -TERM "$SERVER_PID"
wait_exit "$SERVER_PID" 5
check "SO_REUSEADDR: exit 0" 0 "$WAIT_RC"

# SO_REUSEADDR on the new listener alone is not enough: a TIME_WAIT socket
# left by a server that did not set it still blocks bind() (SEMANTICS.md 3.9).
stop_with_client 9998 old-nr --no-reuseaddr
wait_tcpstat 2 -p 9998 -s TIME_WAIT
check "old without SO_REUSEADDR: its TIME_WAIT is there" "127.0.0.1:9998" \
	"$("$TCPSTAT" -H -p 9998 -s TIME_WAIT | awk '{ print $4 }')"
"$ECHO_SERVER" -p 9998 >"$T/nr2.out" 2>"$T/nr2.err"; rc=$?
check "old without SO_REUSEADDR: new server with it still exits 1" 1 "$rc"
check "old without SO_REUSEADDR: stderr" "bind error: Address already in use" "$(cat "$T/nr2.err")"

finish
