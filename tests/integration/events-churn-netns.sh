#!/bin/bash
# -E from the kernel's tracepoint under churn (issue 14): 20,000
# connections in a burst, echo-client -n in rounds against echo-server.
# Every connection's sequence, on both sides, must be complete, or lost
# events reported on stderr; never out of order, never a change that does
# not belong. Skipped in a build without eBPF or without root, except in CI.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
if [ "${TCPSTAT_HAVE_BPF:-0}" != 1 ] || [ "$(id -u)" != 0 ]; then
	if [ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ]; then
		echo "FAIL: CI must run the eBPF source (built with bpf: ${TCPSTAT_HAVE_BPF:-0}, uid $(id -u))" >&2
		exit 1
	fi
	echo "SKIP: built without eBPF, or not root" >&2
	exit 77
fi
netns_enter "$@"

TOTAL=20000 ROUND=500
# This namespace's own: room for 20,000 TIME_WAITs, and no port reused
# while one is in TIME_WAIT (loopback reuses them by default), so each
# client port names one connection.
sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=0 || exit 1

"$ECHO_SERVER" -q >/dev/null 2>&1 &
server=$!; track_pid "$server"
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9999 && break; sleep 0.1; done
"$TCPSTAT" -E --events-source bpf -v -4 -p 9999 >"$TMPDIR_TEST/ev" 2>"$TMPDIR_TEST/ev.err" &
ev=$!; track_pid "$ev"
wait_bpf_attached "$ev"
start=$(date +%s.%N)
for _ in $(seq 1 $((TOTAL / ROUND))); do
	"$ECHO_CLIENT" -n "$ROUND" -m churn >/dev/null || { echo "echo-client failed" >&2; break; }
done
end=$(date +%s.%N)
# Until every TIME_WAIT entry is told (or 20 s).
for _ in $(seq 1 200); do
	[ "$(grep -c -- '-> TIME_WAIT' "$TMPDIR_TEST/ev")" -ge "$TOTAL" ] && break
	sleep 0.1
done
kill -INT "$ev"; wait "$ev"
check "-E ends with exit 0" 0 $?
echo "# $TOTAL connections in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s; $(wc -l <"$TMPDIR_TEST/ev") events"

# Per connection (by client port), each side's changes must follow the
# tutorial's order; a side that lacks some is only allowed with lost events.
awk -v bad_ports="$TMPDIR_TEST/incomplete" '
BEGIN {
	n = split("SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>TIME_WAIT", c)
	for (i = 1; i <= n; i++) crank[c[i]] = i
	nc = n
	n = split("LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE", s)
	for (i = 1; i <= n; i++) srank[s[i]] = i
	ns = n
}
$5 != "->" { next }
$3 ~ /:9999$/ && $2 !~ /:\*$/ {            # the client side
	port = $2; sub(/.*:/, "", port); t = $4 ">" $6
	if (!(t in crank) || crank[t] <= clast[port]) bad++
	clast[port] = crank[t]; ccount[port]++
	next
}
$2 ~ /:9999$/ && $3 !~ /:\*$/ {            # the server side
	port = $3; sub(/.*:/, "", port); t = $4 ">" $6
	if (!(t in srank) || srank[t] <= slast[port]) bad++
	slast[port] = srank[t]; scount[port]++
	next
}
$2 ~ /:\*$/ && $4 == "CLOSE" && $6 == "SYN_SENT" { syn++ }
END {
	for (p in clast) {
		conns++
		if (ccount[p] == nc && clast[p] == nc) cfull++; else print p >bad_ports
	}
	for (p in slast) if (scount[p] == ns && slast[p] == ns) sfull++; else print p >bad_ports
	printf "bad %d\nconnections %d\nclient complete %d\nserver complete %d\nsyn_sent %d\n",
		bad, conns, cfull, sfull, syn
}' "$TMPDIR_TEST/ev" >"$TMPDIR_TEST/tally"
cat "$TMPDIR_TEST/tally" | sed 's/^/# /'
lost=$(sed -n 's/^tcpstat: \([0-9]*\) events were lost.*/\1/p' "$TMPDIR_TEST/ev.err")
check "never a change out of order or out of place" "bad 0" "$(grep '^bad' "$TMPDIR_TEST/tally")"
if [ -z "$lost" ]; then
	check "no loss reported: every connection seen, both sides complete" \
		"connections $TOTAL
client complete $TOTAL
server complete $TOTAL
syn_sent $TOTAL" "$(grep -v '^bad' "$TMPDIR_TEST/tally")"
	# What an incomplete connection did get, for the log.
	sort -u "$TMPDIR_TEST/incomplete" 2>/dev/null | head -n 5 | while read -r port; do
		grep -E "[:.]$port( |$)" "$TMPDIR_TEST/ev" | sed 's/^/# incomplete: /'
	done
	sed 's/^/# stderr: /' "$TMPDIR_TEST/ev.err"
else
	echo "# $lost events lost, reported"
	check "lost events reported on stderr, once" "1" "$(grep -c 'events were lost' "$TMPDIR_TEST/ev.err")"
fi
finish
