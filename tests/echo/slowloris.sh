#!/bin/bash
# tests/echo/slowloris.sh - 1100 connections that send nothing take every
# select() slot (FD_SETSIZE, 1024); well-behaved clients must still be
# served, each in place of the longest-idle connection, and
# --idle-timeout must close the idle ones by itself. Run twice: with room
# for 4096 fds (the 1025th fd is past FD_SETSIZE) and with the fd limit at
# 1024 (accept() fails with EMFILE).
#
# Usage: slowloris.sh ECHO-MISBEHAVE (or ECHO_MISBEHAVE in the environment).
set -u
. "$(dirname "$0")/../lib.sh"
netns_enter "$@"
. "$(dirname "$0")/echo-lib.sh"

MISBEHAVE=${ECHO_MISBEHAVE:-${1:-}}
if [ -z "$MISBEHAVE" ]; then
	echo "FAIL: give the echo-misbehave helper as argument 1 or in ECHO_MISBEHAVE" >&2
	exit 1
fi
T=$TMPDIR_TEST
N=1100
GOOD=50
if ! (ulimit -n 4096) 2>/dev/null; then
	echo "FAIL: cannot raise RLIMIT_NOFILE to 4096 (hard limit $(ulimit -Hn))" >&2
	exit 1
fi

# start_idle PORT NAME: N idle connections held 8 s, in the background; sets IDLE_PID.
start_idle() {
	(ulimit -n 4096 && exec "$MISBEHAVE" idle 127.0.0.1 "$1" $N 8) \
		>"$T/$2-idle.out" 2>"$T/$2-idle.err" &
	IDLE_PID=$!
	track_pid "$IDLE_PID"
}

# wait_full PID SECS: wait until the server holds FD_SETSIZE-ish fds
# (every slot taken); prints the count.
wait_full() {
	local i n
	for i in $(seq 1 $(($2 * 10))); do
		n=$(fd_count "$1")
		[ "$n" -ge 1020 ] && break
		sleep 0.1
	done
	echo "$n"
}

# run_eviction PORT NAME NOFILE: idle connections never time out
# (--idle-timeout 0), so only eviction can make room.
run_eviction() {
	local port=$1 name=$2 nofile=$3 pid served=0 i full evicted t0 t1
	SERVER_NOFILE=$nofile start_server "$name" -q --idle-timeout 0 -p "$port" || finish
	pid=$SERVER_PID
	start_idle "$port" "$name"
	full=$(wait_full "$pid" 10)
	check "$name: the idle connections take every slot" yes \
		"$([ "$full" -ge 1020 ] && echo yes || echo "no: $full fds")"
	# Eviction waits until a connection has been idle 1 s.
	sleep 1.2
	# GOOD at once, held together: each needs a slot of its own.
	t0=$(date +%s%N)
	out=$("$ECHO_CLIENT" -n $GOOD --hold 0.5 -t 3 127.0.0.1 "$port" 2>"$T/$name-good.err")
	t1=$(date +%s%N)
	check "$name: $GOOD clients at once served while the table is full" \
		"$GOOD of $GOOD connections to 127.0.0.1:$port echoed $((GOOD * 5)) bytes" "$out"
	evicted=$(grep -cE '^client 127\.0\.0\.1:[0-9]+ idle for [0-9]+\.[0-9]{3} s, closed to make room for a new client$' "$T/$name.out")
	check "$name: one idle connection evicted per new client" "$GOOD" "$evicted"
	# One after another, each takes the slot the one before left.
	for i in $(seq 1 $GOOD); do
		"$ECHO_CLIENT" -t 3 127.0.0.1 "$port" >/dev/null 2>>"$T/$name-good.err" &&
			served=$((served + 1))
	done
	check "$name: $GOOD clients one after another served" "$GOOD" "$served"
	check "$name: the good clients' stderr is empty" "" "$(cat "$T/$name-good.err")"
	check "$name: server up" alive "$(alive "$pid")"
	wait_exit "$IDLE_PID" 15
	check "$name: idle helper exit 0" 0 "$WAIT_RC"
	echo "# $name: $(cat "$T/$name-idle.out"); $((GOOD + served)) served, $evicted evicted," \
		"$(grep -c . "$T/$name.err") refused at once; $GOOD at once took $(((t1 - t0) / 1000000)) ms"
	kill -TERM "$pid"
	wait_exit "$pid" 5
	check "$name: exit 0" 0 "$WAIT_RC"
}

run_eviction 9999 fdsetsize 4096
run_eviction 9998 emfile 1024

# --- --idle-timeout closes idle connections by itself ---
SERVER_NOFILE=4096 start_server timeout -q --idle-timeout 2 -p 9997 || finish
pid=$SERVER_PID
base=$(fd_count "$pid")
start_idle 9997 timeout
full=$(wait_full "$pid" 10)
# The 8 s hold outlasts the 2 s timeout: the server must close them first.
check "--idle-timeout 2: every idle connection closed within 5 s" "$base" \
	"$(wait_fd_count "$pid" "$base" 5)"
check "--idle-timeout 2: a fresh client is served" 0 "$(fresh_client 9997)"
timed_out=$(grep -cE '^client 127\.0\.0\.1:[0-9]+ idle for 2\.000 s, closing it$' "$T/timeout.out")
refused=$(grep -c . "$T/timeout.err")
check "--idle-timeout 2: each accepted idle connection timed out" "$N" "$((timed_out + refused))"
wait_exit "$IDLE_PID" 15
check "--idle-timeout 2: idle helper exit 0" 0 "$WAIT_RC"
check "--idle-timeout 2: the helper saw all closed" 0 \
	"$(sed -nE 's/.*still open ([0-9]+)$/\1/p' "$T/timeout-idle.out")"
echo "# --idle-timeout 2: $(cat "$T/timeout-idle.out"); $timed_out timed out, $refused refused at once"
kill -TERM "$pid"
wait_exit "$pid" 5
check "--idle-timeout 2: exit 0" 0 "$WAIT_RC"

finish
