#!/bin/bash
# tests/echo/misbehave.sh - clients that reset mid-message, half-close, or
# send megabytes without reading: each costs the server that client only,
# and a fresh client is served after each (and during the floods).
#
# Usage: misbehave.sh ECHO-MISBEHAVE (meson passes the helper's path;
# by hand ECHO_MISBEHAVE may name it instead).
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
RESET='^echo-server: client 127\.0\.0\.1:[0-9]+: (read|write): (Connection reset by peer|Broken pipe)$'

start_server mb -q || finish
spid=$SERVER_PID
base=$(fd_count "$spid")

# --- Reset in the middle of a 3000-byte message, echo mostly unread ---
"$MISBEHAVE" rst-mid 127.0.0.1 9999 >"$T/rst.out" 2>"$T/rst.err"; rc=$?
check "rst-mid: helper exit 0" 0 "$rc"
# Whether the reset shows up on the next read or the next write is the kernel's timing.
wait_for_line "$T/mb.err" "$RESET" 5
check "rst-mid: server reported the reset, nothing else" 1 "$(wc -l <"$T/mb.err")"
check "rst-mid: server up" alive "$(alive "$spid")"
check "rst-mid: that client's fd closed" "$base" "$(wait_fd_count "$spid" "$base" 5)"
check "rst-mid: a fresh client is served" 0 "$(fresh_client)"

# --- echo-client --rst: reset after the echo ---
"$ECHO_CLIENT" --rst >/dev/null 2>"$T/c.err"; rc=$?
check "--rst: client exit 0" 0 "$rc"
check "--rst: server reported that reset too" 2 \
	"$(for _ in $(seq 1 50); do [ "$(wc -l <"$T/mb.err")" -ge 2 ] && break; sleep 0.1; done
	   grep -cE "$RESET" "$T/mb.err")"
check "--rst: that client's fd closed" "$base" "$(wait_fd_count "$spid" "$base" 5)"
check "--rst: server up" alive "$(alive "$spid")"
check "--rst: a fresh client is served" 0 "$(fresh_client)"

# --- Half-close: the server reads EOF and closes at once (no --close-delay) ---
"$ECHO_CLIENT" --half-close >/dev/null 2>"$T/c.err"; rc=$?
check "--half-close: client exit 0 (the server closed after the echo)" 0 "$rc"
check "--half-close: that client's fd closed" "$base" "$(wait_fd_count "$spid" "$base" 5)"
check "--half-close: a fresh client is served" 0 "$(fresh_client)"

# --- Floods: BYTES sent without reading for 2 s, then read back and checked ---
# flood NAME BYTES: run one, with a fresh client served during its pause.
flood() {
	local name=$1 bytes=$2 fpid t0 t1
	"$MISBEHAVE" flood 127.0.0.1 9999 "$bytes" 2 >"$T/$name.out" 2>"$T/$name.err" &
	fpid=$!
	track_pid "$fpid"
	sleep 1
	t0=$(date +%s%N)
	check "$name: a fresh client is served while it floods" 0 "$(fresh_client)"
	t1=$(date +%s%N)
	check "$name: and promptly (under 1 s)" yes \
		"$([ $(((t1 - t0) / 1000000)) -lt 1000 ] && echo yes || echo no)"
	wait_exit "$fpid" 20
	check "$name: every byte echoed intact (helper exit 0)" 0 "$WAIT_RC"
	check "$name: helper stderr empty" "" "$(cat "$T/$name.err")"
}

flood flood-1MiB $((1 << 20))

# 32 MiB is more than the kernel's buffers hold, so the server must stop
# reading this client while its echo is unsent (and keep its own memory
# flat) rather than read everything: the helper then cannot send it all
# before it starts reading.
flood flood-32MiB $((32 << 20))
before=$(sed -nE 's/^sent ([0-9]+) bytes before reading.*/\1/p' "$T/flood-32MiB.out")
check "flood-32MiB: the server pushed back (sent before reading < 32 MiB)" yes \
	"$([ "${before:-$((32 << 20))}" -lt $((32 << 20)) ] && echo yes || echo "no: ${before:-?}")"

check "after all: the server's stderr has the two resets only" "2 2" \
	"$(grep -cE "$RESET" "$T/mb.err") $(wc -l <"$T/mb.err")"
check "after all: no client fd left" "$base" "$(wait_fd_count "$spid" "$base" 5)"
check "after all: server up" alive "$(alive "$spid")"
kill -TERM "$spid"
wait_exit "$spid" 5
check "server exit 0" 0 "$WAIT_RC"

finish
