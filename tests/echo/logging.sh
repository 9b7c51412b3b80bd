#!/bin/bash
# tests/echo/logging.sh - the server's log never holds it up: with stdout a
# full pipe that nobody reads and one client sending 300 KB (300 "client
# say" lines), other clients are still served, SIGTERM and SIGINT stop the
# server within about a second, and the lines it could not write are
# counted on stderr. Then closed standard fds: a socket never becomes
# fd 1, so no log line is ever sent to a client.
#
# Usage: logging.sh ECHO-MISBEHAVE (or ECHO_MISBEHAVE in the environment).
set -u
. "$(dirname "$0")/../lib.sh"
netns_enter "$@"
. "$(dirname "$0")/echo-lib.sh"

MISBEHAVE=${ECHO_MISBEHAVE:-${1:-}}
if [ -z "$MISBEHAVE" ]; then
	echo "FAIL: give the echo-misbehave helper as argument 1 or in ECHO_MISBEHAVE" >&2
	exit 1
fi
: "${TCPSTAT:?set TCPSTAT to the tcpstat binary}"
T=$TMPDIR_TEST
DROPPED='^echo-server: ([0-9]+) log lines dropped: standard output was not read fast enough$'

# A FIFO this shell holds open for reading and never reads: once its 64 KiB
# are full, every write to it would block.
mkfifo "$T/fifo"
exec 3<>"$T/fifo"

# ms_since T0: milliseconds since date +%s%N said T0.
ms_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# stalled_run NAME SIGNAL PORT: a server logging into the full FIFO, a
# 300 KB flood, clients during it, then SIGNAL.
stalled_run() {
	local name=$1 sig=$2 port=$3 pid fpid out rc t0 ms dropped
	"$ECHO_SERVER" -p "$port" >"$T/fifo" 2>"$T/$name.err" &
	pid=$!
	track_pid "$pid"
	wait_tcpstat 5 -l --sport "$port" || { echo "FAIL: $name: server not listening" >&2; finish; }
	"$MISBEHAVE" flood 127.0.0.1 "$port" 307200 1 >"$T/$name-flood.out" 2>"$T/$name-flood.err" &
	fpid=$!
	track_pid "$fpid"
	sleep 0.5
	t0=$(date +%s%N)
	out=$("$ECHO_CLIENT" -n 5 -t 3 127.0.0.1 "$port" 2>"$T/$name-c.err"); rc=$?
	ms=$(ms_since "$t0")
	check "$name: 5 clients served during the flood" \
		"0 5 of 5 connections to 127.0.0.1:$port echoed 25 bytes" "$rc $out"
	check "$name: and promptly (under 1 s)" yes "$([ "$ms" -lt 1000 ] && echo yes || echo "no: $ms ms")"
	wait_exit "$fpid" 20
	check "$name: the flood was echoed intact" 0 "$WAIT_RC"
	check "$name: a client after the flood is served" 0 "$(fresh_client "$port")"
	check "$name: server up" alive "$(alive "$pid")"
	t0=$(date +%s%N)
	kill "-$sig" "$pid"
	wait_exit "$pid" 5
	ms=$(ms_since "$t0")
	check "$name: SIG$sig exits 0" 0 "$WAIT_RC"
	check "$name: within 1.5 s" yes "$([ "$ms" -lt 1500 ] && echo yes || echo "no: $ms ms")"
	check "$name: stderr is the one line counting the dropped lines" "1 1" \
		"$(grep -cE "$DROPPED" "$T/$name.err") $(wc -l <"$T/$name.err")"
	dropped=$(sed -nE "s/$DROPPED/\\1/p" "$T/$name.err")
	echo "# $name: SIG$sig stopped it in $ms ms; $dropped log lines dropped;" \
		"$(cat "$T/$name-flood.out")"
}

stalled_run term TERM 9999
# The FIFO is still full: this one drops from its first line on.
stalled_run int INT 9998

# What reached the FIFO is whole lines only, none cut by a partial write.
timeout 1 cat <&3 >"$T/got"
exec 3<&-
check "the FIFO holds whole log lines only" 0 \
	"$(grep -avcE '^(listening on |client |caught SIG)' "$T/got")"
echo "# the FIFO took $(wc -l <"$T/got") lines ($(wc -c <"$T/got") bytes)"

# --- Closed standard fds: /dev/null is opened onto them first ---

# closed_run NAME REDIRS...: a server with those fds closed; its fd 0-2
# must be /dev/null and a client's echo exactly its message.
closed_run() {
	local name=$1 pid fd links out rc
	shift
	case $name in
	out) "$ECHO_SERVER" -p 9997 >&- 2>"$T/closed.err" & ;;
	all) "$ECHO_SERVER" -p 9997 <&- >&- 2>&- & ;;
	esac
	pid=$!
	track_pid "$pid"
	wait_tcpstat 5 -l --sport 9997 || { echo "FAIL: closed $name: not listening" >&2; finish; }
	links=""
	for fd in 0 1 2; do
		links="$links $(readlink "/proc/$pid/fd/$fd")"
	done
	case $name in
	out) check "server >&-: fd 1 is /dev/null" /dev/null "$(readlink "/proc/$pid/fd/1")" ;;
	all) check "server <&- >&- 2>&-: fds 0-2 are /dev/null" " /dev/null /dev/null /dev/null" "$links" ;;
	esac
	# echo-client fails on any byte past the echo, such as a log line.
	out=$("$ECHO_CLIENT" -n 3 127.0.0.1 9997 2>"$T/closed-c.err"); rc=$?
	check "server $name closed: clients get their echo and nothing else" \
		"0 3 of 3 connections to 127.0.0.1:9997 echoed 15 bytes" "$rc $out"
	kill -TERM "$pid"
	wait_exit "$pid" 5
	check "server $name closed: exit 0" 0 "$WAIT_RC"
}
closed_run out
check "server >&-: stderr empty" "" "$(cat "$T/closed.err")"
closed_run all

# echo-client >&- --hold: its fd 1 is /dev/null, not its connection.
start_server cl -p 9996 || finish
"$ECHO_CLIENT" --hold 2 127.0.0.1 9996 >&- 2>"$T/cl-c.err" &
cpid=$!
track_pid "$cpid"
wait_for_line "$T/cl.out" '^client say: hello$' 5
check "client >&-: fd 1 is /dev/null" /dev/null "$(readlink "/proc/$cpid/fd/1")"
wait_exit "$cpid" 10
check "client >&-: exit 0" 0 "$WAIT_RC"
check "client >&-: stderr empty" "" "$(cat "$T/cl-c.err")"
kill -TERM "$SERVER_PID"
wait_exit "$SERVER_PID" 5
check "client >&- server: exit 0" 0 "$WAIT_RC"

finish
