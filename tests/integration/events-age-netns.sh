#!/bin/bash
# -E's times for sockets older than tcpstat (issue 12), on real connections
# between echo-server and echo-client: a TIME_WAIT made 3 s before tcpstat
# starts and killed (-K) soon after is told gone with its real time in
# TIME_WAIT (60 s minus what its timer had left when first seen), not
# tcpstat's; a connection older than tcpstat is told "older than tcpstat"
# where only tcpstat's time is known; one made after is not. Both polling
# backends and, where it loads, the eBPF source. Then a reset connection
# (SO_LINGER 0, whose destroy report comes with its endpoints cleared) is
# told with its real 4-tuple under -p 9999, and no cleared line follows.
# No wait for a TIME_WAIT's 60 s: -K ends it.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
bpf=0
if [ "${TCPSTAT_HAVE_BPF:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
	bpf=1
elif [ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ]; then
	echo "FAIL: CI must run the eBPF source (built with bpf: ${TCPSTAT_HAVE_BPF:-0}, uid $(id -u))" >&2
	exit 1
fi
netns_enter "$@"

"$ECHO_SERVER" -q -p 9996 >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9996 && break; sleep 0.1; done

# Before tcpstat: one TIME_WAIT (the client closes first), one connection held 5 s.
"$ECHO_CLIENT" -m tw 127.0.0.1 9996 >/dev/null
check "a TIME_WAIT before tcpstat" "1" "$("$TCPSTAT" -c -s time-wait --dport 9996)"
"$ECHO_CLIENT" --hold 5 -m held 127.0.0.1 9996 >/dev/null &
held=$!
track_pid "$held"
sleep 3

# Each watcher: name, then its arguments.
watchers=(poll poll-proc poll-json)
declare -A pids
start() {
	local name=$1
	shift
	"$TCPSTAT" -E -4 -p 9996 "$@" >"$TMPDIR_TEST/$name" 2>"$TMPDIR_TEST/$name.err" &
	pids[$name]=$!
	track_pid $!
}
start poll --events-source poll
start poll-proc --events-source poll -B proc
start poll-json --events-source poll -j
if [ "$bpf" = 1 ]; then
	watchers+=(bpf bpf-json)
	start bpf --events-source bpf
	start bpf-json --events-source bpf -j
	wait_bpf_attached "${pids[bpf]}" "${pids[bpf-json]}"
fi
sleep 1
"$TCPSTAT" -K -s time-wait --dport 9996 >/dev/null
check "-K ends the TIME_WAIT" 0 $?
# After tcpstat: a connection of its own.
"$ECHO_CLIENT" --hold 0.5 -m new 127.0.0.1 9996 >/dev/null
wait "$held"
check "the held connection ends well" 0 $?
for w in "${watchers[@]}"; do
	wait_for_line "$TMPDIR_TEST/$w" 'TIME_WAIT' 5
done
sleep 0.5
for w in "${watchers[@]}"; do
	kill -INT "${pids[$w]}"
	wait "${pids[$w]}"
	check "$w: exit 0 on SIGINT" 0 $?
	check "$w: nothing on stderr" "" "$(cat "$TMPDIR_TEST/$w.err")"
done

# The TIME_WAIT's line: its time in TIME_WAIT, at least the 3 s waited before tcpstat.
tw_age() {
	sed -nE 's/^[0-9:.]+ 127\.0\.0\.1:[0-9]+ 127\.0\.0\.1:9996 gone \(was TIME_WAIT, older than tcpstat, ([0-9]+\.[0-9]) s\)$/\1/p' "$1"
}
for w in poll poll-proc bpf; do
	[ "$bpf" = 1 ] || [ "$w" != bpf ] || continue
	age=$(tw_age "$TMPDIR_TEST/$w")
	check "$w: the killed TIME_WAIT gone, older than tcpstat, after its real time (3 to 10 s)" "yes" \
		"$(awk -v a="$age" 'BEGIN { print (a != "" && a >= 3.0 && a < 10.0) ? "yes" : "no: " a }')"
done

# The server's end of the held connection: only tcpstat's time is known, and it says so;
# the connection made after tcpstat started: no such words.
for w in poll poll-proc; do
	check "$w: the held connection's server end, older than tcpstat" "1" \
		"$(grep -cE '^[0-9:.]+ 127\.0\.0\.1:9996 127\.0\.0\.1:[0-9]+ gone \(was [A-Z_]+, older than tcpstat, seen [0-9]+\.[0-9] s\)$' "$TMPDIR_TEST/$w")"
	check "$w: the new connection's server end, seen" "1" \
		"$(grep -cE '^[0-9:.]+ 127\.0\.0\.1:9996 127\.0\.0\.1:[0-9]+ gone \(was [A-Z_]+, seen [0-9]+\.[0-9] s\)$' "$TMPDIR_TEST/$w")"
done

# -j: the same facts as keys; seen_ms keeps its meaning (tcpstat's time).
check "poll -j: the TIME_WAIT's in_state_ms (3 to 10 s), older_than_tcpstat, seen_ms shorter" "true" \
	"$(jq -s '[.[] | select(.event == "gone" and .state == "TIME_WAIT" and .peer_port == 9996)] |
		length == 1 and all(.[]; .older_than_tcpstat == true and .in_state_ms >= 3000 and
		.in_state_ms < 10000 and .seen_ms < .in_state_ms)' "$TMPDIR_TEST/poll-json")"
check "poll -j: the held server end older_than_tcpstat, no in_state_ms" "true" \
	"$(jq -s '[.[] | select(.event == "gone" and .local_port == 9996 and .older_than_tcpstat)] |
		length == 1 and all(.[]; .in_state_ms == null)' "$TMPDIR_TEST/poll-json")"
check "poll -j: every event has its RFC 3339 timestamp" "true" \
	"$(jq -s 'length > 0 and all(.[]; .timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{15}[+-][0-9]{2}:[0-9]{2}$"))' \
		"$TMPDIR_TEST/poll-json")"
if [ "$bpf" = 1 ]; then
	check "bpf -j: the TIME_WAIT's in_state_ms (3 to 10 s), older_than_tcpstat" "true" \
		"$(jq -s '[.[] | select(.event == "gone" and .state == "TIME_WAIT" and .peer_port == 9996)] |
			length == 1 and all(.[]; .older_than_tcpstat == true and .in_state_ms >= 3000 and
			.in_state_ms < 10000)' "$TMPDIR_TEST/bpf-json")"
fi

# A reset connection, held past a poll: its destroy report comes as
# 0.0.0.0:PORT to 127.0.0.1:*; the last poll's socket of that cookie gives
# the endpoints back, so -p 9999 keeps it and the unfiltered run prints no
# cleared line beside the poll's gone.
"$ECHO_SERVER" -q >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9999 && break; sleep 0.1; done
"$TCPSTAT" -E --events-source poll -4 -p 9999 >"$TMPDIR_TEST/rst" 2>&1 &
rp=$!
track_pid "$rp"
"$TCPSTAT" -E --events-source poll -4 >"$TMPDIR_TEST/rst.all" 2>&1 &
ra=$!
track_pid "$ra"
sleep 0.5
"$ECHO_CLIENT" --rst --hold 1 -m rst >/dev/null
check "echo-client --rst succeeds" 0 $?
sleep 0.5
kill -INT "$rp" "$ra"
wait "$rp"
wait "$ra"
client=$(awk '$3 == "127.0.0.1:9999" && $4 == "new" { print $2; exit }' "$TMPDIR_TEST/rst")
check "reset, -p 9999: the client's end is seen" "yes" \
	"$([[ $client =~ ^127\.0\.0\.1:[0-9]+$ ]] && echo yes || echo "no: '$client'")"
check "reset, -p 9999: the client's end gone once, with its 4-tuple" "1" \
	"$(grep -cE "^[0-9:.]+ ${client//./\\.} 127\\.0\\.0\\.1:9999 gone \\(was ESTABLISHED, seen [0-9.]+ s\\)$" "$TMPDIR_TEST/rst")"
check "reset, -p 9999: both ends gone, nothing between polls" "2 0" \
	"$(grep -c ' gone (was ESTABLISHED, ' "$TMPDIR_TEST/rst") $(grep -c 'between polls' "$TMPDIR_TEST/rst")"
check "reset, no filter: no line with the cleared endpoints" "0" \
	"$(grep -cE ' 0\.0\.0\.0:[0-9]+ | 127\.0\.0\.1:\* gone' "$TMPDIR_TEST/rst.all")"
check "reset, no filter: the client's end gone once" "1" \
	"$(grep -cE "^[0-9:.]+ ${client//./\\.} 127\\.0\\.0\\.1:9999 gone " "$TMPDIR_TEST/rst.all")"
finish
