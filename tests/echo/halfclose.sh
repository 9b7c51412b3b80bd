#!/bin/bash
# tests/echo/halfclose.sh - a client that half-closes sits in FIN_WAIT2
# while the server, having read EOF, sits in CLOSE_WAIT for its
# --close-delay; once the server closes, the client side is in TIME_WAIT.
# Both tcpstat backends must agree.
set -u
. "$(dirname "$0")/../lib.sh"
netns_enter "$@"
. "$(dirname "$0")/echo-lib.sh"
: "${TCPSTAT:?set TCPSTAT to the tcpstat binary}"

T=$TMPDIR_TEST

start_server hc --close-delay 2 || finish
spid=$SERVER_PID

"$ECHO_CLIENT" --half-close --hold 3 >"$T/c.out" 2>"$T/c.err" &
cpid=$!
track_pid "$cpid"
wait_for_line "$T/hc.out" '^client 127\.0\.0\.1:[0-9]+ disconnected, closing in 2\.000 s$' 5
t_eof=$(date +%s%N)
cport=$(sed -nE 's/^client 127\.0\.0\.1:([0-9]+) disconnected.*/\1/p' "$T/hc.out")

# The client is in FIN_WAIT1 until the server's kernel ACKs its FIN, which
# it delays (CLOSE_WAIT enters delayed-ACK "pingpong" mode, expecting a
# reply): up to a few hundred ms, well inside the 2 s delay.
wait_tcpstat 1 -p 9999 -s FIN_WAIT2
for b in netlink proc; do
	out=$("$TCPSTAT" -B $b -H -p 9999 -s FIN_WAIT2); rc=$?
	check "$b: FIN_WAIT2 found (exit 0)" 0 "$rc"
	check "$b: FIN_WAIT2 is the client side" "127.0.0.1:$cport 127.0.0.1:9999 FIN_WAIT2" \
		"$(awk '{ print $4, $5, $6 }' <<<"$out")"
	out=$("$TCPSTAT" -B $b -H -p 9999 -s CLOSE_WAIT); rc=$?
	check "$b: CLOSE_WAIT found (exit 0)" 0 "$rc"
	check "$b: CLOSE_WAIT is the server side" "127.0.0.1:9999 127.0.0.1:$cport CLOSE_WAIT" \
		"$(awk '{ print $4, $5, $6 }' <<<"$out")"
done

# While that connection waits out its delay the loop serves others.
t0=$(date +%s%N)
check "a fresh client is served during the delay" 0 "$(fresh_client)"
t1=$(date +%s%N)
check "and promptly (under 1 s)" yes "$([ $(((t1 - t0) / 1000000)) -lt 1000 ] && echo yes || echo no)"

# The server closes after 2 s; the client sees EOF and ends, before its 3 s hold.
wait_exit "$cpid" 5
t_end=$(date +%s%N)
check "client exit 0" 0 "$WAIT_RC"
check "client summary" "1 of 1 connections to 127.0.0.1:9999 echoed 5 bytes" "$(cat "$T/c.out")"
ms=$(((t_end - t_eof) / 1000000))
check "the server waited its close delay (1.8-2.9 s after EOF)" "in range" \
	"$([ "$ms" -ge 1800 ] && [ "$ms" -lt 2900 ] && echo "in range" || echo "out of range: $ms ms")"

for b in netlink proc; do
	out=$("$TCPSTAT" -B $b -H -p 9999 -s TIME_WAIT); rc=$?
	check "$b: TIME_WAIT found after the delay (exit 0)" 0 "$rc"
	check "$b: TIME_WAIT is the client side" "127.0.0.1:$cport 127.0.0.1:9999 TIME_WAIT" \
		"$(awk '$4 == "127.0.0.1:'"$cport"'" { print $4, $5, $6 }' <<<"$out")"
	# Only that connection: the fresh client's is in its own close delay now.
	check "$b: its FIN_WAIT2 and CLOSE_WAIT are gone" "" \
		"$("$TCPSTAT" -B $b -H -p "$cport" -s FIN_WAIT2,CLOSE_WAIT)"
done

check "server still up" alive "$(alive "$spid")"
kill -TERM "$spid"
wait_exit "$spid" 5
check "server exit 0" 0 "$WAIT_RC"
check "server stderr empty" "" "$(cat "$T/hc.err")"

finish
