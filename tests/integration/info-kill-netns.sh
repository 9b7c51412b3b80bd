#!/bin/bash
# -i, -m, --sort, --top and -K on real sockets in a private network
# namespace: tcp_info and memory against ss -tni / ss -tnm on the same
# sockets, JSON keys by socket kind, a peer that does not read, sorting
# both ways with ties, and ending exactly the sockets selected (the client
# on them sees ECONNRESET, the others keep echoing; a TIME_WAIT ended frees
# the port for a bind without SO_REUSEADDR; unprivileged: one clear error).
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}" "${NONETLINK:?}"
command -v jq >/dev/null || { echo "FAIL: jq is needed" >&2; exit 1; }
command -v ss >/dev/null || { echo "FAIL: ss is needed (iproute2)" >&2; exit 1; }
netns_enter "$@"
# nonetlink.so is preloaded before ASan's runtime in CI's sanitized build.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

# wait_count N ARGS...: until tcpstat -c ARGS prints N (10 s at most).
wait_count() {
	local want=$1 i
	shift
	for i in $(seq 1 100); do
		[ "$("$TCPSTAT" -c "$@")" = "$want" ] && return 0
		sleep 0.1
	done
	echo "FAIL: tcpstat -c $* never reached $want (now $("$TCPSTAT" -c "$@"))" >&2
	return 1
}

"$ECHO_SERVER" -q >"$TMPDIR_TEST/server.out" 2>&1 &
server=$!
track_pid "$server"
wait_for_line "$TMPDIR_TEST/server.out" '^listening' || exit 1
# Three clients, one connection each, so each can be told apart by its port.
clients=()
for i in 1 2 3; do
	"$ECHO_CLIENT" --hold 30 -m "c$i" >"$TMPDIR_TEST/c$i.out" 2>"$TMPDIR_TEST/c$i.err" &
	clients+=($!)
	track_pid $!
	wait_count "$i" -s established --dport 9999 || exit 1
done
# One TIME_WAIT (the client's side: it closes first).
"$ECHO_CLIENT" -m tw >/dev/null || exit 1
wait_count 1 -s time-wait || exit 1
client_ports=$("$TCPSTAT" -H -O local-port -s established --dport 9999)
sleep 0.3   # let the connections go idle: no value moves between the two reads below

# --- -i against ss -tni ------------------------------------------------------
# Idle connections: rtt, cwnd, mss, bytes_acked and cong must be equal (ss
# prints rtt in ms, %g of rtt_us/1000; bytes_acked only when not 0).
ours=$("$TCPSTAT" -j -i -s established |
	jq -r '"\(.local_addr):\(.local_port) \(.peer_addr):\(.peer_port) \(.info.rtt_us) \(.info.cwnd) \(.info.mss) \(.info.bytes_acked) \(.info.cong)"' |
	awk '{ printf "%s %s rtt:%g cwnd:%s mss:%s bytes_acked:%s %s\n", $1, $2, $3 / 1000, $4, $5, $6, $7 }' | sort)
theirs=$(ss -tniH | awk '
	/^ESTAB/ { key = $4 " " $5; next }
	key != "" {
		rtt = ""; cwnd = ""; mss = ""; acked = 0; cong = $1
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^rtt:/) { split(substr($i, 5), r, "/"); rtt = r[1] }
			if ($i ~ /^cwnd:/) cwnd = substr($i, 6)
			if ($i ~ /^mss:/) mss = substr($i, 5)
			if ($i ~ /^bytes_acked:/) acked = substr($i, 13)
		}
		printf "%s rtt:%s cwnd:%s mss:%s bytes_acked:%s %s\n", key, rtt, cwnd, mss, acked, cong
		key = ""
	}' | sort)
check "-i: 6 connections" 6 "$(wc -l <<<"$ours")"
check "-i: rtt, cwnd, mss, bytes_acked, cong as ss -tni" "$theirs" "$ours"

# The table's compact set, and empty cells for LISTEN and TIME_WAIT.
header=$("$TCPSTAT" -i | head -1 | tr -s ' ')
check "-i: the table's columns" \
	"Proto Recv-Q Send-Q Local Address Foreign Address State RTT-us Cwnd MSS Retrans Bytes-Acked Bytes-Recv Cong" \
	"$header"
check "-i: LISTEN and TIME_WAIT cells are empty" "" \
	"$("$TCPSTAT" -H -O rtt,cwnd,cong,bytes-acked -s listen,time-wait | tr -d ' \n')"

# --- -m against ss -tnm ------------------------------------------------------
ours=$("$TCPSTAT" -j -m -s established |
	jq -r '"\(.local_addr):\(.local_port) \(.peer_addr):\(.peer_port) skmem:(r\(.memory.rmem_alloc),rb\(.memory.rcvbuf),t\(.memory.wmem_alloc),tb\(.memory.sndbuf),f\(.memory.fwd_alloc),w\(.memory.wmem_queued),o\(.memory.optmem),bl\(.memory.backlog),d\(.memory.drops))"' | sort)
theirs=$(ss -tnmH | awk '/^ESTAB/ { key = $4 " " $5; next } key != "" { print key, $1; key = "" }' | sort)
check "-m: skmem as ss -tnm" "$theirs" "$ours"

# --- JSON keys by socket kind ------------------------------------------------
keys() {
	"$TCPSTAT" -j -i -m "$@" | jq -r '[has("info"), has("memory")] | map(tostring) | join(" ")' | sort -u
}
check "JSON: ESTABLISHED has info and memory" "true true" "$(keys -s established)"
check "JSON: LISTEN has memory, no info" "false true" "$(keys -l)"
check "JSON: TIME_WAIT has neither" "false false" "$(keys -s time-wait)"
check "JSON: no -i, no -m: neither" "false false" \
	"$("$TCPSTAT" -j -s established | jq -r '[has("info"), has("memory")] | map(tostring) | join(" ")' | sort -u)"
check "JSON: info keys of a connection" \
	"rtt_us rttvar_us min_rtt_us rto_us mss cwnd bytes_acked bytes_received send_rate_bps cong" \
	"$("$TCPSTAT" -j -i -s established --dport 9999 | head -1 |
		jq -r '.info | [.rtt_us, .rttvar_us, .min_rtt_us, .rto_us, .mss, .cwnd, .bytes_acked, .bytes_received, .send_rate_bps, .cong] | if all(. != null) then "rtt_us rttvar_us min_rtt_us rto_us mss cwnd bytes_acked bytes_received send_rate_bps cong" else "missing" end')"

# --- a peer that does not read: notsent ---------------------------------------
"$ECHO_SERVER" -q -p 7000 >"$TMPDIR_TEST/stalled.out" 2>&1 &
stalled=$!
track_pid "$stalled"
wait_for_line "$TMPDIR_TEST/stalled.out" '^listening' || exit 1
kill -STOP "$stalled"
# bash's /dev/tcp writes until the stopped server's window closes; it is
# killed below (and by the trap).
( exec 3<>/dev/tcp/127.0.0.1/7000 && head -c 50000000 /dev/zero >&3 ) 2>/dev/null &
writer=$!
track_pid "$writer"
for _ in $(seq 1 50); do      # until the send queue stops growing
	a=$("$TCPSTAT" -H -O send-q --dport 7000)
	sleep 0.2
	b=$("$TCPSTAT" -H -O send-q --dport 7000)
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" -gt 0 ] && break
done
ours=$("$TCPSTAT" -H -O notsent,unacked --dport 7000)
theirs=$(ss -tniH '( dport = :7000 )' | awk 'NR == 2 {
	n = 0; u = 0
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^notsent:/) n = substr($i, 9)
		if ($i ~ /^unacked:/) u = substr($i, 9)
	}
	print n, u }')
check "stalled peer: notsent > 0" yes "$([ "${ours%% *}" -gt 0 ] 2>/dev/null && echo yes)"
check "stalled peer: notsent and unacked as ss -tni" "$theirs" "$(tr -s ' ' <<<"$ours" | sed 's/^ //')"
kill "$writer" 2>/dev/null
kill -CONT "$stalled"
kill "$stalled"
wait "$stalled" "$writer" 2>/dev/null
wait_count 0 -p 7000 -s all || true

# --- --sort and --top ---------------------------------------------------------
# The kernel's order of idle sockets is the same from one dump to the next,
# so the unsorted listing sorted by sort(1) -s (stable) must match.
plain=$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q)
check "--sort=state: stable (ties in the kernel's order)" \
	"$(sort -s -k3,3 <<<"$plain")" "$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q --sort=state)"
check "--sort=-state: descending, ties still in order" \
	"$(sort -s -k3,3r <<<"$plain")" "$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q --sort=-state)"
check "--sort=state,-peer-port: two keys" \
	"$(sed 's/\*/0/' <<<"$plain" | sort -s -k3,3 -k2,2nr | sed 's/^\([0-9]*\) 0 /\1 * /')" \
	"$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q --sort=state,-peer-port)"
check "--sort=local-port: numeric" \
	"$(sort -s -k1,1n <<<"$plain")" "$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q --sort=local-port)"
check "--sort=-local-port --top 2" \
	"$(sort -s -k1,1nr <<<"$plain" | head -2)" \
	"$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q --sort=-local-port --top 2)"
check "--top 3 without --sort: the first 3" \
	"$(head -3 <<<"$plain")" "$("$TCPSTAT" -H -O local-port,peer-port,state,recv-q --top 3)"
check "--sort=-rtt: connections first, by rtt" \
	"$("$TCPSTAT" -H -O rtt -s established | sort -nr)" \
	"$("$TCPSTAT" -H -O rtt --sort=-rtt | head -6)"
check "--sort with a header: one header line first" "Proto" \
	"$("$TCPSTAT" --sort=-local-port | head -1 | cut -d' ' -f1)"

# --- -K -----------------------------------------------------------------------
p2=$(sed -n 2p <<<"$client_ports")
check "-K --dry-run: prints the match" "127.0.0.1:9999 127.0.0.1:$p2 ESTABLISHED" \
	"$("$TCPSTAT" -K --dry-run -H --sport 9999 --dport "$p2" | awk '{ print $4, $5, $6 }')"
check "-K --dry-run: ends nothing" 3 "$("$TCPSTAT" -c -s established --dport 9999)"
out=$("$TCPSTAT" -K -H --sport 9999 --dport "$p2" 2>"$TMPDIR_TEST/kill.err"); rc=$?
check "-K: exit 0" 0 "$rc"
check "-K: prints the socket ended" "127.0.0.1:9999 127.0.0.1:$p2 ESTABLISHED" \
	"$(awk '{ print $4, $5, $6 }' <<<"$out")"
check "-K: nothing on stderr" "" "$(cat "$TMPDIR_TEST/kill.err")"
wait "${clients[1]}"; rc=$?
check "-K: that client fails" 1 "$rc"
check "-K: that client sees ECONNRESET" yes \
	"$(grep -q 'Connection reset by peer' "$TMPDIR_TEST/c2.err" && echo yes)"
check "-K: the other two are still connected" 2 "$("$TCPSTAT" -c -s established --dport 9999)"
check "-K: the others keep echoing (a new client too)" 0 \
	"$("$ECHO_CLIENT" -m again >/dev/null 2>&1; echo $?)"
out=$("$TCPSTAT" -K --sport 1234 2>&1); rc=$?
check "-K: no match: exit 1, nothing printed" "1 " "$rc $out"
out=$("$TCPSTAT" -K 2>&1); rc=$?
check "-K alone: refused, exit 2" \
	"2 tcpstat: --kill without a selection would end every socket: add --all to mean it; see 'tcpstat --help'" \
	"$rc $out"
out=$("$TCPSTAT" -K -B proc -p 9999 2>&1); rc=$?
check "-K -B proc: exit 2 naming the option" \
	"2 tcpstat: --kill needs the netlink backend: it cannot go with --backend proc; see 'tcpstat --help'" \
	"$rc $out"
out=$("$TCPSTAT" -i -B proc 2>&1); rc=$?
check "-i -B proc: exit 2 naming the option" \
	"2 tcpstat: --info needs the netlink backend: it cannot go with --backend proc; see 'tcpstat --help'" \
	"$rc $out"
out=$(LD_PRELOAD=$NONETLINK "$TCPSTAT" -i -v -H -O state,rtt -s established 2>"$TMPDIR_TEST/err"); rc=$?
check "-i, auto fell back to /proc: rows, with empty cells" "0 4" \
	"$rc $(grep -cx 'ESTABLISHED *' <<<"$out")"
check "-i, auto fell back to /proc: -v says why" yes \
	"$(grep -q 'no tcp_info or socket memory' "$TMPDIR_TEST/err" && echo yes)"

# The restart that fails, and "free the port now": stopping the server while
# two clients are connected leaves its side of each in TIME_WAIT on 9999.
kill -INT "$server"
wait "$server"
wait_count 2 -s time-wait --sport 9999 || exit 1
check "TIME_WAIT on 9999: echo-server --no-reuseaddr cannot bind" 1 \
	"$(timeout 5 "$ECHO_SERVER" --no-reuseaddr -q >/dev/null 2>&1; echo $?)"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPSTAT" -K -s time-wait --sport 9999 2>&1); rc=$?
check "-K unprivileged: exit 2, one clear line" \
	"2 tcpstat: cannot end sockets: SOCK_DESTROY needs root (CAP_NET_ADMIN): Operation not permitted" \
	"$rc $out"
check "-K unprivileged: ended nothing" 2 "$("$TCPSTAT" -c -s time-wait --sport 9999)"
out=$("$TCPSTAT" -K -H -s time-wait --sport 9999 -O local-port,state); rc=$?
check "-K -s time-wait --sport 9999: both ended" "0 9999 TIME_WAIT 9999 TIME_WAIT" \
	"$rc $(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
check "-K: no TIME_WAIT left on 9999" 0 "$("$TCPSTAT" -c -s time-wait --sport 9999)"
"$ECHO_SERVER" --no-reuseaddr >"$TMPDIR_TEST/again.out" 2>&1 &
track_pid $!
check "-K freed the port: echo-server --no-reuseaddr binds" yes \
	"$(wait_for_line "$TMPDIR_TEST/again.out" '^listening' 5 && echo yes)"

finish
