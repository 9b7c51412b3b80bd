#!/bin/bash
# Real sockets in a private network namespace (tests/sockfixture.c makes
# LISTEN, ESTABLISHED, TIME_WAIT, FIN_WAIT2/CLOSE_WAIT on 127.0.0.1 and ::1,
# and an IPv4-mapped connection); both backends must list exactly those,
# with each filter and without, and agree with ss.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${NONETLINK:?}"
netns_enter "$@"
# tcpstat may be built with ASan, which wants to come first in the link order.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1

ALL="CLOSE_WAIT 127.0.0.1:9999 127.0.0.1:40003
CLOSE_WAIT [::1]:9998 [::1]:40013
ESTABLISHED 127.0.0.1:40001 127.0.0.1:9999
ESTABLISHED 127.0.0.1:40021 127.0.0.1:9997
ESTABLISHED 127.0.0.1:9999 127.0.0.1:40001
ESTABLISHED [::1]:40011 [::1]:9998
ESTABLISHED [::1]:9998 [::1]:40011
ESTABLISHED [::ffff:127.0.0.1]:9997 [::ffff:127.0.0.1]:40021
FIN_WAIT2 127.0.0.1:40003 127.0.0.1:9999
FIN_WAIT2 [::1]:40013 [::1]:9998
LISTEN 127.0.0.1:9999 0.0.0.0:*
LISTEN [::1]:9998 [::]:*
LISTEN [::]:9997 [::]:*
TIME_WAIT 127.0.0.1:40002 127.0.0.1:9999
TIME_WAIT [::1]:40012 [::1]:9998"

# The lines of ALL matching an extended regex (on "STATE LOCAL PEER").
expect() { grep -E -- "$1" <<<"$ALL"; }

# "STATE LOCAL PEER", sorted, from tcpstat's table.
triples() { awk '{ print $6, $4, $5 }' | LC_ALL=C sort; }

for backend in netlink proc; do
	ts() { "$TCPSTAT" -B "$backend" "$@"; }
	b="[$backend]"

	check "$b everything" "$ALL" "$(ts -H | triples)"
	check "$b header" "Proto Recv-Q Send-Q Local Address           Foreign Address         State" \
		"$(ts | head -n 1)"
	check "$b -p 40001" "$(expect ':40001( |$)')" "$(ts -H -p 40001 | triples)"
	check "$b -p 40001-40003" "$(expect ':4000[123]( |$)')" "$(ts -H -p 40001-40003 | triples)"
	check "$b -p repeated" "$(expect ':(40001|40012)( |$)')" "$(ts -H -p 40001 --port 40012 | triples)"
	check "$b --sport 9999" "$(expect '^[A-Z_0-9]+ [^ ]+:9999 ')" "$(ts -H --sport 9999 | triples)"
	check "$b --dport 9999" "$(expect ':9999$')" "$(ts -H --dport 9999 | triples)"
	check "$b --sport and --dport" "$(expect '^[A-Z_0-9]+ [^ ]+:9999 [^ ]+:40003$')" \
		"$(ts -H --sport 9999 --dport 40003 | triples)"
	check "$b -s TIME_WAIT" "$(expect '^TIME_WAIT ')" "$(ts -H -s TIME_WAIT | triples)"
	check "$b -s time-wait,fin-wait-2" "$(expect '^(TIME_WAIT|FIN_WAIT2) ')" \
		"$(ts -H -s time-wait,fin-wait-2 | triples)"
	check "$b -s close_wait -s LISTEN" "$(expect '^(CLOSE_WAIT|LISTEN) ')" \
		"$(ts -H -s close_wait -s LISTEN | triples)"
	check "$b -s connected" "$(grep -v "^LISTEN " <<<"$ALL")" \
		"$(ts -H -s connected | triples)"
	check "$b -s bucket" "$(expect '^TIME_WAIT ')" "$(ts -H -s bucket | triples)"
	check "$b -l" "$(expect '^LISTEN ')" "$(ts -H -l | triples)"
	check "$b -l -p 9999" "$(expect '^LISTEN 127')" "$(ts -H -l -p 9999 | triples)"
	check "$b -4" "$(expect '^[A-Z_0-9]+ 127')" "$(ts -H -4 | triples)"
	check "$b -6" "$(expect '^[A-Z_0-9]+ \[')" "$(ts -H --ipv6 | triples)"
	check "$b --src ::1" "$(expect '^[A-Z_0-9]+ \[::1\]')" "$(ts -H --src ::1 | triples)"
	check "$b --src 127.0.0.1 (mapped too)" "$(expect '^[A-Z_0-9]+ (127|\[::ffff:127)')" \
		"$(ts -H --src 127.0.0.1 | triples)"
	check "$b --dst 127.0.0.0/8 -6" "$(expect '^[A-Z_0-9]+ \[::ffff')" \
		"$(ts -H -6 --dst 127.0.0.0/8 | triples)"
	check "$b --dst [::1]/128 -s established" "$(expect '^ESTABLISHED [^ ]+ \[::1\]')" \
		"$(ts -H --dst '[::1]/128' -s established | triples)"
	check "$b --src 127.0.0.2" "" "$(ts -H --src 127.0.0.2)"

	check "$b -c" "15" "$(ts -c)"
	check "$b -c -s TIME_WAIT" "2" "$(ts -c -s TIME_WAIT)"
	out=$(ts -q -p 9999); rc=$?
	check "$b -q match: exit 0, silent" "0:" "$rc:$out"
	out=$(ts -q -p 12345); rc=$?
	check "$b -q no match: exit 1, silent" "1:" "$rc:$out"
	out=$(ts -p 12345); rc=$?
	check "$b no match: exit 1, header only" "1:Proto" "$rc:${out%% *}"
	out=$(ts -H -c -p 12345); rc=$?
	check "$b -c no match: prints 0, exit 1" "1:0" "$rc:$out"

	# -o: netstat's timer column; TIME_WAIT counts down from 60 s.
	check "$b -o TIME_WAIT timers" "2" \
		"$(ts -H -o -s TIME_WAIT | grep -cE ' timewait \(([0-5][0-9]|60)\.[0-9]{2}/0/0\)$')"
	check "$b -o no timer" "off (0.00/0/0)" "$(ts -H -o -s LISTEN -4 | awk '{ print $7, $8 }')"
	# -e: uid (its name; -n the number) and inode; TIME_WAIT sockets have neither.
	check "$b -en TIME_WAIT uid/inode" "0 0
0 0" "$(ts -H -en -s TIME_WAIT | awk '{ print $7, $8 }')"
	check "$b -e TIME_WAIT user (uid 0's name)" "root 0
root 0" "$(ts -H -e -s TIME_WAIT | awk '{ print $7, $8 }')"
	check "$b -e LISTEN has an inode" "3" "$(ts -H -e -l | awk '$8 > 0' | wc -l)"
	check "$b -e -o header" "State       User       Inode      Timer" \
		"$(ts -e -o | head -n 1 | cut -c 69-)"
done

# The two backends print the same lines (but the listener's Send-Q, which
# only netlink knows, and the timers, read at different moments).
same() { awk '{ $3 = ""; print }' | LC_ALL=C sort; }
check "netlink and proc agree (-e)" "$("$TCPSTAT" -B netlink -H -e | same)" \
	"$("$TCPSTAT" -B proc -H -e | same)"
check "netlink backlog as Send-Q of a listener" "16" \
	"$("$TCPSTAT" -B netlink -H -l -4 | awk '{ print $3 }')"

# auto: netlink when it works, /proc when it is refused, an error when neither.
"$TCPSTAT" -v -c >/dev/null 2>"$TMPDIR_TEST/err"
check "auto uses netlink" "tcpstat: backend netlink, 15 matching sockets" "$(cat "$TMPDIR_TEST/err")"
out=$(LD_PRELOAD=$NONETLINK "$TCPSTAT" -v -H 2>"$TMPDIR_TEST/err" | triples)
check "auto falls back to /proc" "$ALL" "$out"
check "auto says why" "tcpstat: netlink unavailable (netlink: cannot open a NETLINK_SOCK_DIAG socket: Operation not permitted); using /proc
tcpstat: backend proc, 15 matching sockets" "$(cat "$TMPDIR_TEST/err")"
out=$(LD_PRELOAD=$NONETLINK "$TCPSTAT" -B netlink 2>"$TMPDIR_TEST/err"); rc=$?
check "-B netlink refused: exit 2, nothing on stdout" "2:" "$rc:$out"
check "-B netlink refused: message" \
	"tcpstat: netlink: cannot open a NETLINK_SOCK_DIAG socket: Operation not permitted" \
	"$(cat "$TMPDIR_TEST/err")"
out=$(LD_PRELOAD=$NONETLINK NONETLINK_DENY_PROC=1 "$TCPSTAT" 2>"$TMPDIR_TEST/err"); rc=$?
check "no source at all: exit 2, nothing on stdout" "2:" "$rc:$out"
check "no source at all: message" "tcpstat: cannot open /proc/net/tcp: Permission denied" \
	"$(cat "$TMPDIR_TEST/err")"

# ss sees the same (state, local, peer) set, in its own spelling.
if command -v ss >/dev/null; then
	from_ss=$(ss -Htan | awk '
		BEGIN { n["ESTAB"] = "ESTABLISHED"; n["SYN-SENT"] = "SYN_SENT"; n["SYN-RECV"] = "SYN_RECV"
			n["FIN-WAIT-1"] = "FIN_WAIT1"; n["FIN-WAIT-2"] = "FIN_WAIT2"; n["TIME-WAIT"] = "TIME_WAIT"
			n["UNCONN"] = "CLOSE"; n["CLOSE-WAIT"] = "CLOSE_WAIT"; n["LAST-ACK"] = "LAST_ACK"
			n["LISTEN"] = "LISTEN"; n["CLOSING"] = "CLOSING" }
		{ l = $4; p = $5
		  # ss writes a dual-stack wildcard as "*"; tcpstat as "[::]".
		  sub(/^\*:/, "[::]:", l); if (p == "*:*") p = "[::]:*"
		  print n[$1], l, p }' | LC_ALL=C sort)
	check "ss -tan agrees" "$from_ss" "$("$TCPSTAT" -H | triples)"
else
	echo "# ss not installed: comparison with ss skipped"
fi
finish
