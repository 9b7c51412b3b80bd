# tests/echo/echo-lib.sh - helpers for the echo-server scripts (sourced
# after ../lib.sh and netns_enter, never run).
#
# Needs ECHO_SERVER and ECHO_CLIENT (and TCPSTAT where a script uses it)
# to name the binaries; meson sets them, by hand:
#   ECHO_SERVER=build/server/echo-server ECHO_CLIENT=build/server/echo-client \
#   TCPSTAT=build/tcpstat bash tests/echo/timewait.sh

: "${ECHO_SERVER:?set ECHO_SERVER to the echo-server binary}"
: "${ECHO_CLIENT:?set ECHO_CLIENT to the echo-client binary}"

# start_server NAME [ARGS...]: start echo-server ARGS in the background,
# stdout in $TMPDIR_TEST/NAME.out, stderr in NAME.err, and wait (5 s at
# most) for its "listening on" line. Sets SERVER_PID. With SERVER_NOFILE
# set, the server runs under that RLIMIT_NOFILE.
start_server() {
	local name=$1
	shift
	(
		if [ -n "${SERVER_NOFILE:-}" ]; then
			ulimit -n "$SERVER_NOFILE" || exit 125
		fi
		exec "$ECHO_SERVER" "$@"
	) >"$TMPDIR_TEST/$name.out" 2>"$TMPDIR_TEST/$name.err" &
	SERVER_PID=$!
	track_pid "$SERVER_PID"
	if ! wait_for_line "$TMPDIR_TEST/$name.out" '^listening on ' 5; then
		sed 's/^/#   server stderr: /' "$TMPDIR_TEST/$name.err" >&2
		return 1
	fi
}

# wait_exit PID SECS: wait at most SECS for PID (a child of this shell) to
# end. Sets WAIT_RC to its exit status, or 124 if it is still running.
wait_exit() {
	local pid=$1 secs=$2 i
	for i in $(seq 1 $((secs * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		WAIT_RC=124
		return
	fi
	wait "$pid"
	WAIT_RC=$?
}

# fd_count PID: how many fds PID has open.
fd_count() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# wait_fd_count PID N SECS: wait at most SECS until PID has N fds open;
# prints the last count seen.
wait_fd_count() {
	local pid=$1 want=$2 secs=$3 i n
	for i in $(seq 1 $((secs * 10))); do
		n=$(fd_count "$pid")
		[ "$n" -eq "$want" ] && break
		sleep 0.1
	done
	echo "$n"
}

# alive PID: "alive" or "gone", for check.
alive() {
	if kill -0 "$1" 2>/dev/null; then echo alive; else echo gone; fi
}

# fresh_client [PORT]: one plain echo-client run; prints its exit status.
fresh_client() {
	"$ECHO_CLIENT" 127.0.0.1 "${1:-9999}" >/dev/null 2>"$TMPDIR_TEST/fresh.err"
	echo $?
}

# wait_tcpstat SECS TCPSTAT-ARGS...: wait at most SECS (a whole number)
# until tcpstat -q ARGS matches a socket. A state change waits on the
# peer's ACK, which the kernel may delay (a FIN is ACKed late by design),
# so one look is not enough. Returns 0 once it matches, 1 if never.
wait_tcpstat() {
	local secs=$1 i
	shift
	for i in $(seq 1 $((secs * 10))); do
		"$TCPSTAT" -q "$@" && return 0
		sleep 0.1
	done
	return 1
}
