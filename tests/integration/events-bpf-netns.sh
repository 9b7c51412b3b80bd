#!/bin/bash
# -E from the kernel's tracepoint (--events-source bpf), on real
# connections between echo-server and echo-client: the tutorial's two
# sequences in full and in order (TIME_WAIT from its timer's events, and by
# netlink lookups where the timer handler is hidden), a reset, TIME_WAIT's
# entry and expiry (the one wait of 60 s runs beside everything else), a
# TIME_WAIT killed (-K) told gone at once, another namespace's
# churn unseen, and the port filter run in the kernel (no ring buffer
# entries for another port). Skipped in a build without eBPF or without
# root, except in CI (TCPSTAT_REQUIRE_NETNS=1), which builds it and is root.
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

# The changes of one socket as "OLD -> NEW" (or "gone ..."), in order:
# lines whose local and foreign endpoints match the two patterns (awk regexps).
changes_of() {
	awk -v l="$1" -v p="$2" '$2 ~ l && $3 ~ p {
		if ($4 == "gone") { s = $0; sub(/^.* gone/, "gone", s); print s }
		else print $4, $5, $6 }' "$3"
}

# The whole run's TIME_WAIT: this one -E lives until the first
# connection's minisocket expires, 60 s on.
"$TCPSTAT" -E --events-source bpf -4 -p 9999 >"$TMPDIR_TEST/long" 2>"$TMPDIR_TEST/long.err" &
long=$!
track_pid "$long"
"$TCPSTAT" -E --events-source bpf -v -4 -p 9999 >"$TMPDIR_TEST/seq" 2>"$TMPDIR_TEST/seq.err" &
ev=$!
track_pid "$ev"
"$TCPSTAT" -E --events-source bpf -j -4 -p 9999 >"$TMPDIR_TEST/seq.json" 2>&1 &
evj=$!
track_pid "$evj"
# The same, as where /proc/kallsyms hides the timer handler's address (internal switch).
TCPSTAT_BPF_TW_LOOKUP=1 "$TCPSTAT" -E --events-source bpf -v -4 -p 9999 \
	>"$TMPDIR_TEST/seq.lookup" 2>"$TMPDIR_TEST/seq.lookup.err" &
evl=$!
track_pid "$evl"
wait_bpf_attached "$long" "$ev" "$evj" "$evl"
"$ECHO_SERVER" -q >"$TMPDIR_TEST/server.out" 2>&1 &
server=$!
track_pid "$server"
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9999 && break; sleep 0.1; done
"$ECHO_CLIENT" -m tutorial >/dev/null
check "echo-client succeeds" 0 $?
sleep 0.3
kill -INT "$ev" "$evj" "$evl"
wait "$ev"
check "-E bpf ends with exit 0 on SIGINT" 0 $?
wait "$evj"
wait "$evl"

check "client: the tutorial's sequence, every state" "CLOSE -> SYN_SENT
SYN_SENT -> ESTABLISHED
ESTABLISHED -> FIN_WAIT1
FIN_WAIT1 -> FIN_WAIT2
FIN_WAIT2 -> TIME_WAIT" "$(changes_of '^127\.0\.0\.1:' '^127\.0\.0\.1:9999$' "$TMPDIR_TEST/seq")"
check "server: the tutorial's sequence, every state" "LISTEN -> SYN_RECV
SYN_RECV -> ESTABLISHED
ESTABLISHED -> CLOSE_WAIT
CLOSE_WAIT -> LAST_ACK
LAST_ACK -> CLOSE" "$(changes_of '^127\.0\.0\.1:9999$' '^127\.0\.0\.1:[0-9]+$' "$TMPDIR_TEST/seq")"
check "listener" "CLOSE -> LISTEN" "$(changes_of '^127\.0\.0\.1:9999$' '^0\.0\.0\.0:\*$' "$TMPDIR_TEST/seq")"
check "times to the microsecond" "0" "$(grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} ' "$TMPDIR_TEST/seq")"
check "time in the old state, in ms, where known" "0" \
	"$(grep -- '-> ESTABLISHED\|-> FIN_WAIT\|-> TIME_WAIT\|-> LAST_ACK' "$TMPDIR_TEST/seq" | grep -cvE ' [0-9]+\.[0-9]{3} ms( \[[0-9]+ [^]]*\])?$')"
check "the task at the change" "0" "$(grep -c -- '-> SYN_SENT \[[0-9]* echo-client\]$' "$TMPDIR_TEST/seq" | grep -cv '^1$')"
# 11 changes, and the minisocket's timer armed.
check "-v names the source and counts the entries" "1" \
	"$(grep -cE '^tcpstat: events: source bpf .*TIME_WAIT from its timer.s tracepoints.*; 12 ring buffer entries, ' "$TMPDIR_TEST/seq.err")"
check "lookup path: the same changes" "$(awk '{ $1 = ""; print }' "$TMPDIR_TEST/seq" | sed 's/ [0-9.]* ms.*//')" \
	"$(awk '{ $1 = ""; print }' "$TMPDIR_TEST/seq.lookup" | sed 's/ [0-9.]* ms.*//')"
check "lookup path: -v says so, 11 entries (no timer's)" "1" \
	"$(grep -cE '^tcpstat: events: source bpf .*TIME_WAIT by netlink lookups .*; 11 ring buffer entries, ' "$TMPDIR_TEST/seq.lookup.err")"
check "JSON: the new keys on every change" "0" \
	"$(jq -c 'select(.event == "change") | (.time_us > 0 and .task_pid > 0 and (.task_comm | type) == "string" and .old_state != null) | not' "$TMPDIR_TEST/seq.json" | grep -c true)"
check "JSON: in_state_ms where known" "true" \
	"$(jq -s 'any(.[]; .old_state == "FIN_WAIT2" and .state == "TIME_WAIT" and (.in_state_ms | type) == "number")' "$TMPDIR_TEST/seq.json")"

# A reset: ESTABLISHED -> CLOSE on the client, no TIME_WAIT.
"$TCPSTAT" -E --events-source bpf -4 -p 9999 >"$TMPDIR_TEST/rst" 2>&1 &
ev=$!
track_pid "$ev"
wait_bpf_attached "$ev"
"$ECHO_CLIENT" --rst -m reset >/dev/null
sleep 0.3
kill -INT "$ev"; wait "$ev"
check "reset: the client goes ESTABLISHED -> CLOSE" "CLOSE -> SYN_SENT
SYN_SENT -> ESTABLISHED
ESTABLISHED -> CLOSE" "$(changes_of '^127\.0\.0\.1:' '^127\.0\.0\.1:9999$' "$TMPDIR_TEST/rst")"
check "reset: no TIME_WAIT" "0" "$(grep -c TIME_WAIT "$TMPDIR_TEST/rst")"

# A TIME_WAIT killed (here by -K; a RST or a reused port do the same): gone
# at once, with its real time, from its timer's stop. Port 9997, so the
# long run on 9999 waits for a real expiry.
"$ECHO_SERVER" -q -p 9997 >/dev/null 2>&1 &
killed=$!
track_pid "$killed"
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9997 && break; sleep 0.1; done
"$TCPSTAT" -E --events-source bpf -4 -p 9997 >"$TMPDIR_TEST/kill" 2>&1 &
ev=$!
track_pid "$ev"
wait_bpf_attached "$ev"
"$ECHO_CLIENT" -m kill 127.0.0.1 9997 >/dev/null
sleep 0.5
"$TCPSTAT" -K -s time-wait --dport 9997 >/dev/null
check "-K ends the TIME_WAIT" 0 $?
wait_for_line "$TMPDIR_TEST/kill" ' gone \(was TIME_WAIT, ' 5
kill -INT "$ev"; wait "$ev"
line=$(grep ' gone (was TIME_WAIT, ' "$TMPDIR_TEST/kill")
check "killed TIME_WAIT: gone at once, after its real time" "yes" \
	"$([[ $line =~ gone\ \(was\ TIME_WAIT,\ [0-2]\.[0-9]\ s\)$ ]] && echo yes || echo "no: $line")"
kill "$killed"; wait "$killed" 2>/dev/null

# Another namespace's churn, with no filter at all here: nothing.
"$TCPSTAT" -E --events-source bpf -v >"$TMPDIR_TEST/iso" 2>"$TMPDIR_TEST/iso.err" &
ev=$!
track_pid "$ev"
wait_bpf_attached "$ev"
unshare -n -- "$BASH" -c 'ip link set lo up
	"$0" -q -p 9998 >/dev/null 2>&1 & s=$!
	sleep 0.3; "$1" -n 20 127.0.0.1 9998 >/dev/null; kill $s; wait $s' \
	"$ECHO_SERVER" "$ECHO_CLIENT"
sleep 0.3
kill -INT "$ev"; wait "$ev"
check "isolation: no event from another namespace" "" "$(cat "$TMPDIR_TEST/iso")"
check "isolation: no ring buffer entry either" "1" \
	"$(grep -c '; 0 ring buffer entries' "$TMPDIR_TEST/iso.err")"

# The port filter runs in the kernel: traffic on 9998 puts nothing in the ring buffer.
"$ECHO_SERVER" -q -p 9998 >/dev/null 2>&1 &
other=$!
track_pid "$other"
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9998 && break; sleep 0.1; done
"$TCPSTAT" -E --events-source bpf -v -p 9999 >"$TMPDIR_TEST/port" 2>"$TMPDIR_TEST/port.err" &
ev=$!
track_pid "$ev"
wait_bpf_attached "$ev"
"$ECHO_CLIENT" -n 50 127.0.0.1 9998 >/dev/null
sleep 0.3
kill -INT "$ev"; wait "$ev"
check "-p 9999: no event for 9998" "" "$(cat "$TMPDIR_TEST/port")"
check "-p 9999: no ring buffer entry, every change turned away in the kernel" "1" \
	"$(grep -cE '; 0 ring buffer entries, [1-9][0-9]+ changes turned away in the kernel$' "$TMPDIR_TEST/port.err")"

# TIME_WAIT's expiry, from the minisocket's own timer: 60 s after its entry,
# give or take the kernel's timer wheel, whose slots at 60 s are 4.096 s wide
# (a timer fires up to one slot late): seen here 60.0 to 62.0 s.
wait_for_line "$TMPDIR_TEST/long" ' gone \(was TIME_WAIT, ' 75
line=$(grep ' gone (was TIME_WAIT, ' "$TMPDIR_TEST/long" | head -n 1)
check "TIME_WAIT expiry: gone after 60 s" "yes" \
	"$([[ $line =~ gone\ \(was\ TIME_WAIT,\ 6[0-4]\.[0-9]\ s\)$ ]] && echo yes || echo "no: $line")"
kill -INT "$long"; wait "$long"
check "the long run: nothing on stderr" "" "$(cat "$TMPDIR_TEST/long.err")"
finish
