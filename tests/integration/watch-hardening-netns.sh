#!/bin/bash
# -w under stress (issue 20): after a stall (SIGSTOP, then SIGCONT) the
# rounds resynchronise to the clock instead of running the missed ones back
# to back; on a terminal narrower than the rows (a pty from ptyrun.py) each
# line is clipped to the width; argv is escaped in the title.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
netns_enter "$@"
PTYRUN=$(dirname "$0")/../ptyrun.py

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' || exit 1

# A 3 s stall of -w 0.1: then at most a round or two come early.
"$TCPSTAT" -w 0.1 -c >"$TMPDIR_TEST/stall" 2>&1 &
w=$!
track_pid "$w"
sleep 0.5
kill -STOP "$w"
sleep 3
kill -CONT "$w"
sleep 1
kill -INT "$w"
wait "$w"
check "-w after SIGSTOP/SIGCONT: exit 0" 0 "$?"
# Milliseconds of the day of each "=== DATE HH:MM:SS.mmm" line; gaps under 50 ms.
back_to_back=$(awk '/^=== / { split($3, t, /[:.]/); ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]
	if (n++ && ms - last < 50) close_ones++; last = ms } END { print close_ones + 0 }' "$TMPDIR_TEST/stall")
check "-w after a 3 s stall: no burst of back-to-back rounds (gaps < 50 ms: $back_to_back)" yes \
	"$([ "$back_to_back" -le 2 ] && echo yes || echo no)"
rounds=$(grep -c '^=== ' "$TMPDIR_TEST/stall")
check "-w after a 3 s stall: rounds ($rounds) about the 1.5 s awake, not 4.5 s" yes \
	"$([ "$rounds" -le 25 ] && echo yes || echo no)"

# Drawn lines, without the terminal's control sequences and CRs.
drawn_lines() {
	sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r$//' "$1"
}

# A 40-column terminal: the rows (95 columns with -o -e) are clipped.
python3 "$PTYRUN" 40 24 1 "$TCPSTAT" -w 0.2 -o -e >"$TMPDIR_TEST/pty"
check "-w on a pty: exit 0" 0 "$?"
widest=$(drawn_lines "$TMPDIR_TEST/pty" | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')
check "-w on a 40-column pty: no line wider than 40 (widest $widest)" yes \
	"$([ "$widest" -le 40 ] && [ "$widest" -ge 30 ] && echo yes || echo no)"
check "-w on a 40-column pty: the rows are there, clipped" yes \
	"$(drawn_lines "$TMPDIR_TEST/pty" | grep -q '^tcp        0      0 127\.0\.0\.1:40001     $' && echo yes || echo no)"
# Every frame is title, counts, blank, header, 16 rows: 20 lines fit 24.
check "-w on a pty: each frame starts with the title" yes \
	"$(grep -c $'\x1b\[H\x1b\[2JEvery 0.2s:' "$TMPDIR_TEST/pty" | awk '{ print ($1 >= 2 ? "yes" : "no") }')"

# Control bytes in argv are escaped in the title.
python3 "$PTYRUN" 200 24 0.5 "$TCPSTAT" -w 0.2 --program $'x\e[31my' >"$TMPDIR_TEST/pty-title"
check "-w title: argv escaped" yes \
	"$(grep -qF 'Every 0.2s: '"$TCPSTAT"' -w 0.2 --program x\x1b[31my    ' "$TMPDIR_TEST/pty-title" && echo yes || echo no)"
check "-w title: no raw ESC from argv" 0 "$(grep -c $'\x1b\[31m' "$TMPDIR_TEST/pty-title")"

# The destroy reports need no privilege (issue 20: the docs said
# CAP_NET_ADMIN): an unprivileged tcpstat polling hears of root's
# connection reset between two polls, and -v, which speaks only when it
# cannot hear them, says nothing.
: "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
"$ECHO_SERVER" -q -p 9990 >"$TMPDIR_TEST/server.out" 2>&1 &
track_pid $!
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9990 && break; sleep 0.1; done
setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$TCPSTAT" -E --events-source poll -v -4 -p 9990 --interval 5 >"$TMPDIR_TEST/destroy" 2>"$TMPDIR_TEST/destroy.err" &
ev=$!
track_pid "$ev"
sleep 0.5
"$ECHO_CLIENT" --rst -m reset 127.0.0.1 9990 >/dev/null
sleep 0.3
kill -INT "$ev"; wait "$ev"
check "-E as nobody: root's reset connection, between polls" "1" \
	"$(grep -cE '^[0-9:.]+ 127\.0\.0\.1:9990 127\.0\.0\.1:[0-9]+ gone \(was [A-Z_0-9]+, between polls\)$' "$TMPDIR_TEST/destroy")"
check "-E -v as nobody: no 'no destroy reports' note" "" "$(cat "$TMPDIR_TEST/destroy.err")"
finish
