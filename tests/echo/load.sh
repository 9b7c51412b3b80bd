#!/bin/bash
# tests/echo/load.sh - many clients at once: 500 are all echoed; of 1100
# held together, those whose fd would not fit in an fd_set (FD_SETSIZE,
# 1024) are refused cleanly while the rest are served, the server stays
# up, and once everyone has gone it holds no client fd. Then the same with
# the fd limit itself at 1024, where accept() fails with EMFILE instead.
set -u
. "$(dirname "$0")/../lib.sh"
netns_enter "$@"
. "$(dirname "$0")/echo-lib.sh"

T=$TMPDIR_TEST
FD_SETSIZE=1024
N=1100

# The client opens 1100 sockets itself (it raises its soft limit); the
# server gets its limit from start_server.
if ! (ulimit -n 4096) 2>/dev/null; then
	echo "FAIL: cannot raise RLIMIT_NOFILE to 4096 (hard limit $(ulimit -Hn))" >&2
	exit 1
fi

# load_run PORT NAME NOFILE REFUSAL-PATTERN: a server under RLIMIT_NOFILE
# NOFILE, 500 clients, then 1100 held ones, then the fd count.
load_run() {
	local port=$1 name=$2 nofile=$3 refusal=$4 pid base served out rc listed more
	local closed='^echo-client: connection [0-9]+ \(127\.0\.0\.1:[0-9]+\): (server closed the connection after 0 of 5 echo bytes|read: Connection reset by peer after 0 of 5 echo bytes)$'
	SERVER_NOFILE=$nofile start_server "$name" -q -p "$port" || finish
	pid=$SERVER_PID
	base=$(fd_count "$pid")

	out=$("$ECHO_CLIENT" -n 500 127.0.0.1 "$port" 2>"$T/$name-500.err"); rc=$?
	check "$name: 500 concurrent clients: exit 0" 0 "$rc"
	check "$name: 500 concurrent clients: all echoed" \
		"500 of 500 connections to 127.0.0.1:$port echoed 2500 bytes" "$out"
	check "$name: after the 500, back to the baseline fds" "$base" "$(wait_fd_count "$pid" "$base" 10)"

	# All 1100 stay open together for 4 s, far longer than accepting them takes.
	out=$("$ECHO_CLIENT" -n $N --hold 4 127.0.0.1 "$port" 2>"$T/$name-n.err"); rc=$?
	served=$(sed -nE 's/^([0-9]+) of '$N' connections.*/\1/p' <<<"$out")
	served=${served:-0}
	# Every fd below FD_SETSIZE not in the baseline holds one client.
	check "$name: $N held clients: the fds below $FD_SETSIZE are served" \
		"$((FD_SETSIZE - base))" "$served"
	check "$name: $N held clients: the rest fail, so exit 1" 1 "$rc"
	# The client lists 10 failures, then counts the rest.
	listed=$(grep -cE "$closed" "$T/$name-n.err")
	more=$(sed -nE 's/^echo-client: \.\.\. and ([0-9]+) more failures$/\1/p' "$T/$name-n.err")
	check "$name: each refused client failed" "$((N - served))" "$((listed + ${more:-0}))"
	check "$name: the failures listed are closes or resets" 0 \
		"$(grep -vE "$closed" "$T/$name-n.err" | grep -cv '^echo-client: \.\.\. and')"
	check "$name: the server said why, once per refused client" \
		"$((N - served))" "$(grep -cE "$refusal" "$T/$name.err")"
	check "$name: nothing else on the server's stderr" 0 \
		"$(grep -cvE "$refusal" "$T/$name.err")"

	check "$name: server still up" alive "$(alive "$pid")"
	# The client has exited; the server closes its side as it reads each EOF.
	check "$name: all disconnected, no client fd left" "$base" "$(wait_fd_count "$pid" "$base" 10)"
	check "$name: a fresh client afterwards is served" 0 "$(fresh_client "$port")"

	kill -TERM "$pid"
	wait_exit "$pid" 5
	check "$name: exit 0" 0 "$WAIT_RC"
}

# With room for 4096 fds, the 1025th fd is accepted and must not reach FD_SET().
load_run 9999 fdsetsize 4096 \
	'^echo-server: client 127\.0\.0\.1:[0-9]+: fd 1024 is not below FD_SETSIZE \(1024\); closing it$'

# With 1024, accept() fails with EMFILE; the spare fd lets the server
# refuse the waiting connection instead of spinning on it.
load_run 9998 emfile 1024 \
	'^echo-server: client 127\.0\.0\.1:[0-9]+: out of file descriptors; closing it$'

finish
