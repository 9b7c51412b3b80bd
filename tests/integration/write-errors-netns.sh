#!/bin/bash
# Every mode ends with "tcpstat: write error: ...", exit 2, at the first
# failed write: a full disk (/dev/full), a closed pipe with SIGPIPE
# ignored, a closed stdout. Closed standard descriptors are reopened on
# /dev/null before any socket is opened, so no socket becomes stdout
# (issue 20). Rows in doc/BAD-INPUT.md point here.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
netns_enter "$@"

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
fixture=$!
track_pid "$fixture"
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' || exit 1

ENOSPC="tcpstat: write error: No space left on device"
EBADF="tcpstat: write error: Bad file descriptor"
EPIPE="tcpstat: write error: Broken pipe"

# expect_write_error NAME WANT-STDERR CMD...: exit 2 and one stderr line.
expect_write_error() {
	local name=$1 want=$2
	shift 2
	"$@" 2>"$TMPDIR_TEST/err"
	check "$name: exit 2" 2 "$?"
	check "$name: stderr" "$want" "$(cat "$TMPDIR_TEST/err")"
}
full() { timeout 10 "$TCPSTAT" "$@" >/dev/full; }
closed() { timeout 10 "$TCPSTAT" "$@" >&-; }

for args in "" "-c" "-S" "-j" "-j -c" "-j -S" "-o -e" "-B proc" "-B proc -c" \
	"-O help" "--help" "-V" "-w 0.1" "-w 0.1 -j" "-w 0.1 -c"; do
	# shellcheck disable=SC2086  # word lists on purpose
	expect_write_error "tcpstat $args >/dev/full" "$ENOSPC" full $args
	# shellcheck disable=SC2086
	expect_write_error "tcpstat $args >&-" "$EBADF" closed $args
done

# -O with 32 columns (the most): rows far longer than out/table.c's 512-byte
# line buffer spill to the stream and still come out whole, one per socket.
# The widest: every column but the 2 last is local or peer (24 bytes each).
cols=proto,recv-q,send-q,local-addr,local-port,peer-addr,peer-port,state,uid,inode,timer,process
for _ in $(seq 1 10); do cols=$cols,local,peer; done
for b in netlink proc; do
	"$TCPSTAT" -B "$b" -O "$cols" >"$TMPDIR_TEST/wide" 2>&1
	check "[$b] -O 32 columns: exit 0" 0 "$?"
	check "[$b] -O 32 columns: a header and one row per socket" \
		"$(( $("$TCPSTAT" -B "$b" -c) + 1 ))" "$(wc -l <"$TMPDIR_TEST/wide")"
	check "[$b] -O 32 columns: rows over 512 bytes" yes \
		"$(awk 'length($0) > 512 { n++ } END { print (n == NR ? "yes" : "no") }' "$TMPDIR_TEST/wide")"
	check "[$b] -O 32 columns: every row ends in its 32nd column (peer)" 0 \
		"$(tail -n +2 "$TMPDIR_TEST/wide" | grep -cvE ' (127\.0\.0\.1|\[::1\]|\[::\]|\[::ffff:127\.0\.0\.1\]|0\.0\.0\.0):([0-9]+|\*)$')"
	"$TCPSTAT" -B "$b" -H -O "$cols" >"$TMPDIR_TEST/wide-plain"
	check "[$b] -H -O 32 columns: 32 fields a row" 0 \
		"$(awk 'NF != 32' "$TMPDIR_TEST/wide-plain" | wc -l)"
done

# Stdin and stderr closed: the listing itself is not disturbed.
"$TCPSTAT" -c -4 -s listen <&- 2>&- >"$TMPDIR_TEST/out"
check "tcpstat <&- 2>&-: exit 0" 0 "$?"
check "tcpstat <&- 2>&-: the count" "1" "$(cat "$TMPDIR_TEST/out")"

# -E: the write error comes with the first event written. The fixture
# holds port 9999, the echo server's.
kill -TERM "$fixture"
wait "$fixture"
"$ECHO_SERVER" -q >"$TMPDIR_TEST/server.out" 2>&1 &
track_pid $!
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9999 && break; sleep 0.1; done

# events_until_exit NAME WANT-STDERR SHELL-REDIRECTED-COMMAND: runs it in
# the background, makes connections until it exits (at most 5 s).
events_until_exit() {
	local name=$1 want=$2 cmd=$3 pid rc
	bash -c "$cmd" 2>"$TMPDIR_TEST/err" &
	pid=$!
	track_pid "$pid"
	for _ in $(seq 1 25); do
		kill -0 "$pid" 2>/dev/null || break
		"$ECHO_CLIENT" -m x >/dev/null 2>&1
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		check "$name: ends by itself" "ended" "still running"
		kill -TERM "$pid"
	fi
	wait "$pid"
	rc=$?
	check "$name: exit 2" 2 "$rc"
	check "$name: stderr" "$want" "$(cat "$TMPDIR_TEST/err")"
}
events_until_exit "-E >/dev/full" "$ENOSPC" "exec '$TCPSTAT' -E -p 9999 >/dev/full"
events_until_exit "-E -j >/dev/full" "$ENOSPC" "exec '$TCPSTAT' -E -j -p 9999 >/dev/full"
# Stdout closed: before the fix the netlink socket was fd 1 and took the lines.
events_until_exit "-E >&-" "$EBADF" "exec '$TCPSTAT' -E -p 9999 >&-"
events_until_exit "-E -B netlink >&-" "$EBADF" "exec '$TCPSTAT' -E -B netlink -p 9999 >&-"
# A reader that goes away, SIGPIPE ignored: EPIPE is a write error too.
trap '' PIPE
events_until_exit "-E | head -n1 (SIGPIPE ignored)" "$EPIPE" \
	"'$TCPSTAT' -E -p 9999 | head -n 1 >/dev/null; exit \${PIPESTATUS[0]}"
trap - PIPE
finish
