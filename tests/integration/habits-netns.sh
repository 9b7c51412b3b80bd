#!/bin/bash
# netstat's and ss's habits on real sockets (issue 12): -tanp and friends,
# port lists, ss's :PORT, ADDR:PORT in --src/--dst, on both backends.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
netns_enter "$@"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

"$SOCKFIXTURE" --name fixture >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1

# "STATE LOCAL PEER", sorted, from the table.
triples() { awk '{ print $6, $4, $5 }' | LC_ALL=C sort; }

for backend in netlink proc; do
	ts() { "$TCPSTAT" -B "$backend" "$@"; }
	b="[$backend]"
	all=$(ts -H | triples)
	check "$b -tan lists what no option lists" "$all" "$(ts -H -tan | triples)"
	check "$b -an" "$all" "$(ts -H -an | triples)"
	check "$b -n" "$all" "$(ts -H -n | triples)"
	check "$b -tanp: netstat's -p, the process column" "PID/Program name" \
		"$(ts -tanp | head -n 1 | sed 's/.*State *//')"
	check "$b -tanp rows" "$all" "$(ts -H -tanp | triples)"
	check "$b -tlnp: listeners with processes" "$(ts -H -l -P)" "$(ts -H -tlnp)"
	check "$b -tanp 9999: a port follows, so -p is the port" "$(ts -H -p 9999)" \
		"$(ts -H -tanp 9999)"
	check "$b -tanp -l" "$(ts -H -P -l)" "$(ts -H -tanp -l)"
	check "$b -p 40001,40012 is -p 40001 -p 40012" "$(ts -H -p 40001 -p 40012 | triples)" \
		"$(ts -H -p 40001,40012 | triples)"
	check "$b --sport :9999 is --sport 9999" "$(ts -H --sport 9999 | triples)" \
		"$(ts -H --sport :9999 | triples)"
	check "$b --dst 127.0.0.1:9999: address and port together" \
		"ESTABLISHED 127.0.0.1:40001 127.0.0.1:9999
FIN_WAIT2 127.0.0.1:40003 127.0.0.1:9999
TIME_WAIT 127.0.0.1:40002 127.0.0.1:9999" "$(ts -H --dst 127.0.0.1:9999 | triples)"
	check "$b --dst [::1]:9998" "ESTABLISHED [::1]:40011 [::1]:9998
FIN_WAIT2 [::1]:40013 [::1]:9998
TIME_WAIT [::1]:40012 [::1]:9998" "$(ts -H --dst '[::1]:9998' | triples)"
	check "$b --src 127.0.0.1:9999 --dst 127.0.0.1:40003" \
		"CLOSE_WAIT 127.0.0.1:9999 127.0.0.1:40003" \
		"$(ts -H --src 127.0.0.1:9999 --dst 127.0.0.1:40003 | triples)"
	# Each entry is its own pair: 127.0.0.1 with 9998 is nothing.
	ts -H --dst 127.0.0.1:9998 >"$TMPDIR_TEST/none"
	check "$b --dst 127.0.0.1:9998 matches nothing: exit 1" 1 $?
	check "$b --dst 127.0.0.1:9998 prints nothing" "" "$(cat "$TMPDIR_TEST/none")"
	# -e names the user; -n keeps the uid.
	check "$b -e: user names" "root" "$(ts -H -e -l --sport 9999 | awk '{ print $7 }')"
	check "$b -en: uids" "0" "$(ts -H -en -l --sport 9999 | awk '{ print $7 }')"
done
if getent services ssh >/dev/null; then
	check "-p ssh is -p 22 (none here: exit 1)" 1 "$("$TCPSTAT" -q -p ssh; echo $?)"
	check "-p ssh,9999 lists port 9999's sockets" "$("$TCPSTAT" -H -p 9999 | triples)" \
		"$("$TCPSTAT" -H -p ssh,9999 | triples)"
fi
finish
