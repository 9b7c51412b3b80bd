#!/bin/bash
# The script-facing output on real sockets (tests/sockfixture.c): JSON
# Lines, chosen columns and the per-state summary, on both backends, must
# describe the same sockets as the table and the count.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
command -v jq >/dev/null || { echo "FAIL: jq is needed (apt-get install jq)" >&2; exit 1; }
netns_enter "$@"

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1

for backend in netlink proc; do
	ts() { "$TCPSTAT" -B "$backend" "$@"; }
	b="[$backend]"

	ts -j >"$TMPDIR_TEST/json"
	check "$b every -j line is one JSON object" "$(ts -c)" \
		"$(jq -c 'select(type == "object")' "$TMPDIR_TEST/json" | wc -l)"
	check "$b -j lines = lines" "$(ts -c)" "$(wc -l <"$TMPDIR_TEST/json")"
	check "$b -j keys, in order" \
		"proto,state,local_addr,local_port,peer_addr,peer_port,recv_q,send_q,timer,timer_ms,retrans,probes,uid,inode,user" \
		"$(jq -r '[keys_unsorted[]] | join(",")' "$TMPDIR_TEST/json" | sort -u)"
	# Field by field, the objects and the -e table rows say the same.
	from_json=$(jq -r '
		def ep(a; p): (if (a | test(":")) then "[" + a + "]" else a end) + ":" +
			(if p == 0 then "*" else (p | tostring) end);
		[.proto, .recv_q, .send_q, ep(.local_addr; .local_port), ep(.peer_addr; .peer_port),
		 .state, .uid, .inode, .timer] | map(tostring) | join(" ")' "$TMPDIR_TEST/json" |
		LC_ALL=C sort)
	from_table=$(ts -H -en -o | awk '{ print $1, $2, $3, $4, $5, $6, $7, $8, $9 }' | LC_ALL=C sort)
	check "$b -j and the table agree" "$from_table" "$from_json"
	check "$b -j TIME_WAIT timer_ms below 60 s" "2" \
		"$(ts -j -s time-wait | jq 'select(.timer == "timewait" and .timer_ms > 0 and .timer_ms <= 60000)' | jq -s length)"
	check "$b -j -c" '{"count":15}' "$(ts -j -c)"
	check "$b -j -c -p 9997" '{"count":3}' "$(ts -j -c -p 9997)"

	# -S: a fixed order, counts that equal -c per state, the total -c.
	ts -S >"$TMPDIR_TEST/summary"
	check "$b -S order" "ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING TOTAL" \
		"$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' "$TMPDIR_TEST/summary")"
	for st in ESTABLISHED TIME_WAIT LISTEN CLOSE_WAIT FIN_WAIT2 SYN_SENT; do
		check "$b -S $st = -c -s $st" "$(ts -c -s "$st")" \
			"$(awk -v s="$st" '$1 == s { print $2 }' "$TMPDIR_TEST/summary")"
	done
	check "$b -S TOTAL = -c" "$(ts -c)" "$(awk '$1 == "TOTAL" { print $2 }' "$TMPDIR_TEST/summary")"
	check "$b -S with a filter" "3" "$(ts -S -p 9997 | awk '$1 == "TOTAL" { print $2 }')"
	check "$b -j -S" '{"ESTABLISHED":6,"SYN_SENT":0,"SYN_RECV":0,"FIN_WAIT1":0,"FIN_WAIT2":2,"TIME_WAIT":2,"CLOSE":0,"CLOSE_WAIT":2,"LAST_ACK":0,"LISTEN":3,"CLOSING":0,"total":15}' \
		"$(ts -j -S)"

	# -O: chosen columns; with -H, fields awk can split.
	check "$b -O -H: one space between fields" "LISTEN :: 9997 off(0.00/0/0)
LISTEN ::1 9998 off(0.00/0/0)
LISTEN 127.0.0.1 9999 off(0.00/0/0)" "$(ts -H -l -O state,local-addr,local-port,timer | LC_ALL=C sort -t ' ' -k3)"
	check "$b -O -H cut -d' ' -f2" "127.0.0.1" "$(ts -H -l -4 -O state,local-addr | cut -d ' ' -f 2)"
	check "$b -O header" "State       Local Address" "$(ts -l -4 -O state,local | head -n 1)"
	check "$b -O peer-port of a listener" "*" "$(ts -H -l -4 -O peer-port)"
	check "$b -O aligned with a header" "     *" "$(ts -l -4 -O peer-port | tail -n 1)"
done

# Output options that cannot go together are errors, with nothing on stdout.
for args in "-S -O state" "-S -c" "-j -O state" "-O nosuch"; do
	# shellcheck disable=SC2086
	out=$("$TCPSTAT" $args 2>"$TMPDIR_TEST/err"); rc=$?
	check "tcpstat $args: exit 2, no output" "2:" "$rc:$out"
done
check "-O help lists the columns" "65" "$("$TCPSTAT" -O help | grep -c '^  [a-z]')"
finish
