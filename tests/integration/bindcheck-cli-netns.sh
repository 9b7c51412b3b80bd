#!/bin/bash
# tcpstat --bind-check and --connect-check on real sockets (issue 13): each
# case the explanation knows, built with tests/bindtrial.c, echo-server,
# echo-client and SIGINT, checked for the four verdicts, the blockers, the
# case (from -j), the exit status and the text; --wait-clear's success and
# timeout; the port budget with a narrowed ip_local_port_range; and that no
# check leaves a socket behind. Each case has a port of its own, since
# TIME_WAIT lasts 60 s.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${BINDTRIAL:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
netns_enter "$@"

# The unprivileged runs need copies they can read, in a folder they can enter.
chmod 0755 "$TMPDIR_TEST"
install -m 0755 "$BINDTRIAL" "$TMPDIR_TEST/bindtrial"
install -m 0755 "$TCPSTAT" "$TMPDIR_TEST/tcpstat"
BT=$TMPDIR_TEST/bindtrial
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# bc [RUNNER...] TARGET: the verdicts, the case, the blockers' states and
# whether a plain bind would do, from -j; then the exit status.
bc() {
	local target=${*: -1} out rc
	out=$("${@:1:$#-1}" "$TMPDIR_TEST/tcpstat" --bind-check "$target" -j 2>&1); rc=$?
	out=$(jq -r '([.verdicts.plain, .verdicts.reuseaddr, .verdicts.reuseport, .verdicts.both]
		| map(if .ok then "ok" else .errno end) | join(" "))
		+ " case=" + .case + " blockers=" + ([.blockers[].state] | join(","))
		+ " bindable=" + (.bindable | tostring)' <<<"$out" 2>/dev/null || echo "$out")
	echo "$out rc=$rc"
}

# listener NAME [-a] [-p] [-6] [-n] ADDR PORT: in the background until the script ends.
listener() {
	local name=$1
	shift
	"$BT" listen "$@" >"$TMPDIR_TEST/$name.out" &
	track_pid $!
	wait_for_line "$TMPDIR_TEST/$name.out" '^ready$' 10
}

# timewait_on PORT [SERVER OPTIONS]: a server on 127.0.0.1:PORT that closes
# first (SIGINT with a client connected), so TIME_WAIT holds PORT itself.
timewait_on() {
	local port=$1 server client
	shift
	"$ECHO_SERVER" -q -p "$port" "$@" >"$TMPDIR_TEST/server$port.out" &
	server=$!
	track_pid "$server"
	wait_for_line "$TMPDIR_TEST/server$port.out" '^listening' 10 || return 1
	"$ECHO_CLIENT" --hold 10 127.0.0.1 "$port" >/dev/null 2>&1 &
	client=$!
	track_pid "$client"
	for _ in $(seq 1 50); do
		[ "$("$TCPSTAT" -c --sport "$port" -s established)" = 1 ] && break
		sleep 0.1
	done
	kill -INT "$server"
	wait "$server"
	wait "$client" 2>/dev/null
	[ "$("$TCPSTAT" -c --sport "$port" -s time-wait)" = 1 ]
}

# ms: the monotonic-ish wall clock in milliseconds, for the waits.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

# --- --bind-check ------------------------------------------------------------
check "free port" "ok ok ok ok case=free blockers= bindable=true rc=0" "$(bc 127.0.0.1:9101)"
check "free port, [::]" "ok ok ok ok case=free blockers= bindable=true rc=0" "$(bc '[::]:9101')"
out=$("$TCPSTAT" --bind-check 9101)
check "free port: the text" "Binding 0.0.0.0:9101 as uid 0:
  plain                      ok
  SO_REUSEADDR               ok
  SO_REUSEPORT               ok
  SO_REUSEADDR+SO_REUSEPORT  ok

In the way: no socket.

Nothing is in the way: a plain bind() of 0.0.0.0:9101 succeeds now." "$out"

listener plain 127.0.0.1 9102
check "live listener" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN bindable=false rc=1" \
	"$(bc 127.0.0.1:9102)"
check "live listener, from the wildcard" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN bindable=false rc=1" \
	"$(bc 9102)"
check "live listener, another address: free, nothing in the way" \
	"ok ok ok ok case=free blockers= bindable=true rc=0" "$(bc 127.0.0.2:9102)"
check "-j -P: the listener's owner" '["bindtrial"]' \
	"$("$TCPSTAT" --bind-check 9102 -j -P | jq -c '.blockers[0].programs')"
check "-j: blockers are the usual socket objects" \
	"$("$TCPSTAT" -j --sport 9102 -l | jq -c 'keys_unsorted')" \
	"$("$TCPSTAT" --bind-check 9102 -j | jq -c '.blockers[0] | keys_unsorted')"
out=$("$TCPSTAT" --bind-check 9102 -P -e)
check "-P -e: the table row with its owner" "yes" \
	"$(grep -Eq '^tcp +0 +16 127\.0\.0\.1:9102 +0\.0\.0\.0:\* +LISTEN +root +[0-9]+ +[0-9]+/bindtrial$' \
		<<<"$out" && echo yes)"
check "-P: the header of the usual table" "yes" \
	"$(grep -q '^Proto Recv-Q Send-Q Local Address .*PID/Program name$' <<<"$out" && echo yes)"
check "listener: the explanation" "yes" \
	"$(grep -q '^A listening socket holds the port' <<<"$out" && echo yes)"
check "-H: no header" "0" "$("$TCPSTAT" --bind-check 9102 -H | grep -c '^Proto')"

listener reuseaddr -a 127.0.0.1 9103
check "SO_REUSEADDR on both does not pass a listener" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN bindable=false rc=1" \
	"$(bc 127.0.0.1:9103)"

listener reuseport -p 127.0.0.1 9104
check "SO_REUSEPORT on both, same uid" \
	"EADDRINUSE EADDRINUSE ok ok case=listener-reuseport blockers=LISTEN bindable=false rc=1" \
	"$(bc 127.0.0.1:9104)"
check "SO_REUSEPORT on both, another uid (unprivileged)" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener-other-uid blockers=LISTEN bindable=false rc=1" \
	"$(bc "${NOBODY[@]}" 127.0.0.1:9104)"
check "another uid: the explanation names both uids" "yes" \
	"$("${NOBODY[@]}" "$TMPDIR_TEST/tcpstat" --bind-check 127.0.0.1:9104 -j |
		jq -r .explanation | grep -q 'uid 0 .*this is uid 65534' && echo yes)"

listener dual :: 9105
check "[::] listener blocks 0.0.0.0" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN bindable=false rc=1" \
	"$(bc 9105)"
listener v6only -6 :: 9106
check "[::] IPV6_V6ONLY listener leaves 0.0.0.0 free (listed, not counted)" \
	"ok ok ok ok case=free blockers=LISTEN bindable=true rc=0" "$(bc 9106)"
check "[::] IPV6_V6ONLY listener blocks [::]" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=listener blockers=LISTEN bindable=false rc=1" \
	"$(bc '[::]:9106')"

timewait_on 9107 || echo "not ok - no TIME_WAIT on 9107"
check "TIME_WAIT, server had SO_REUSEADDR" \
	"EADDRINUSE ok EADDRINUSE ok case=timewait-reusable blockers=TIME_WAIT bindable=false rc=1" \
	"$(bc 127.0.0.1:9107)"
free_in=$("$TCPSTAT" --bind-check 9107 -j | jq .free_in_s)
check "TIME_WAIT: free_in_s within 60 s" "yes" \
	"$(awk -v s="$free_in" 'BEGIN { exit !(s > 50 && s <= 60) }' && echo yes)"
out=$("$TCPSTAT" --bind-check 9107 -o)
check "TIME_WAIT: 'free for a plain bind in N s'" "yes" \
	"$(grep -Eq '^free for a plain bind in [1-6]?[0-9]\.[0-9] s$' <<<"$out" && echo yes)"
check "TIME_WAIT -o: the row with its timer" "yes" \
	"$(grep -Eq '^tcp .*127\.0\.0\.1:9107 .* TIME_WAIT +timewait \([0-9.]+/0/0\)$' <<<"$out" &&
		echo yes)"

timewait_on 9108 --no-reuseaddr || echo "not ok - no TIME_WAIT on 9108"
check "TIME_WAIT, server without SO_REUSEADDR" \
	"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=timewait-no-reuseaddr blockers=TIME_WAIT bindable=false rc=1" \
	"$(bc 127.0.0.1:9108)"

check "port below 1024, unprivileged" \
	"EACCES EACCES EACCES EACCES case=privileged-port blockers= bindable=false rc=1" \
	"$(bc "${NOBODY[@]}" 80)"
check "port below 1024, root" "ok ok ok ok case=free blockers= bindable=true rc=0" "$(bc 80)"
check "address not on the host" \
	"EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL case=not-local-address blockers= bindable=false rc=1" \
	"$(bc 192.0.2.1:9109)"
check "IPv6 address not on the host" \
	"EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL EADDRNOTAVAIL case=not-local-address blockers= bindable=false rc=1" \
	"$(bc '[2001:db8::1]:9109')"

# Bound but not listening: listed by kernels from 6.8 on (TCP_BOUND_INACTIVE).
listener bound -n 127.0.0.1 9111
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
if [ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 8 ]; }; then
	check "bound-inactive socket (kernel $kmaj.$kmin)" \
		"EADDRINUSE EADDRINUSE EADDRINUSE EADDRINUSE case=connected-no-reuseaddr blockers=CLOSE bindable=false rc=1" \
		"$(bc 127.0.0.1:9111)"
	check "bound-inactive: not in the ordinary listing" "0" "$("$TCPSTAT" -c -p 9111)"
else
	echo "ok - bound-inactive socket: kernel $kmaj.$kmin lists none (# SKIP)"
fi

check "-q: nothing, the exit status" "rc=1" "$("$TCPSTAT" -q --bind-check 9108; echo "rc=$?")"

# --wait-clear: a listener that goes away after 2 s, then a TIME_WAIT that stays.
"$BT" listen 127.0.0.1 9110 >"$TMPDIR_TEST/gone.out" &
gone=$!
track_pid "$gone"
wait_for_line "$TMPDIR_TEST/gone.out" '^ready$' 10
(sleep 2; kill -TERM "$gone") &
killer=$!
t0=$(ms)
out=$("$TCPSTAT" --bind-check 127.0.0.1:9110 --wait-clear=10); rc=$?
t1=$(ms)
wait "$killer"
check "--wait-clear: exit 0 once the listener is gone" "0" "$rc"
check "--wait-clear: nothing on stdout" "" "$out"
check "--wait-clear: waited for it (1.5-9 s)" "yes" \
	"$([ $((t1 - t0)) -ge 1500 ] && [ $((t1 - t0)) -lt 9000 ] && echo yes)"
check "--wait-clear: the port is free now" "rc=0" "$("$TCPSTAT" -q --bind-check 9110; echo "rc=$?")"
t0=$(ms)
"$TCPSTAT" --bind-check 127.0.0.1:9108 --wait-clear=0.5 --interval 0.1; rc=$?
t1=$(ms)
check "--wait-clear=0.5 on a TIME_WAIT port: exit 1" "1" "$rc"
check "--wait-clear=0.5: timed out in 0.5-3 s" "yes" \
	"$([ $((t1 - t0)) -ge 500 ] && [ $((t1 - t0)) -lt 3000 ] && echo yes)"

# Nothing left behind: the same sockets before and after checks of every
# kind, and the checked ports free again at once.
before=$("$TCPSTAT" -H)
for _ in 1 2 3; do
	"$TCPSTAT" --bind-check 127.0.0.1:9112 >/dev/null
	"$TCPSTAT" --bind-check 9102 -P >/dev/null
	"$TCPSTAT" --bind-check 127.0.0.1:9104 -j >/dev/null
	"$TCPSTAT" --bind-check '[::]:9106' >/dev/null
	"$TCPSTAT" --bind-check 9107 -o >/dev/null
	"$TCPSTAT" --bind-check 127.0.0.1:9108 --wait-clear=0.2 >/dev/null
	"$TCPSTAT" --connect-check 127.0.0.1:9102 >/dev/null
done
check "no socket left behind" "$before" "$("$TCPSTAT" -H)"
check "no socket on a checked free port" "0" "$("$TCPSTAT" -c -p 9112 -p 9101)"

# --- --connect-check ---------------------------------------------------------
# 20 local ports, no TIME_WAIT reuse, and the 20 filled by TIME_WAIT towards
# one server: echo-client closes first, so TIME_WAIT is on its ports.
sysctl -q -w net.ipv4.ip_local_port_range="40000 40019" net.ipv4.tcp_tw_reuse=0
"$ECHO_SERVER" -q -p 9120 >"$TMPDIR_TEST/s9120.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/s9120.out" '^listening' 10
"$ECHO_SERVER" -q -p 9121 >"$TMPDIR_TEST/s9121.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/s9121.out" '^listening' 10
check "20 connections echoed" "20 of 20 connections to 127.0.0.1:9120 echoed 100 bytes" \
	"$("$ECHO_CLIENT" -n 20 127.0.0.1 9120 2>&1)"
# The server's FIN may still be on its way when the client returns.
for _ in $(seq 1 50); do
	n=$("$TCPSTAT" -c --sport 40000-40019 -s time-wait --dport 9120)
	[ "$n" = 20 ] && break
	sleep 0.1
done
check "20 TIME_WAIT on the local port range" "20" "$n"

cc() {
	local out rc
	out=$("$TCPSTAT" --connect-check "$1" -j); rc=$?
	jq -r '"budget=\(.budget) towards=\(.towards.total) tw=\(.towards.by_state.TIME_WAIT // 0) reusable=\(.tw_reusable) remaining=\(.remaining) can_connect=\(.can_connect) tw_reuse=\(.tw_reuse.value)/\(.tw_reuse.meaning)"' <<<"$out"
	echo "rc=$rc"
}
check "connect-check: exhausted towards 127.0.0.1:9120" \
	"budget=20 towards=20 tw=20 reusable=0 remaining=0 can_connect=false tw_reuse=0/off
rc=1" "$(cc 127.0.0.1:9120)"
check "connect-check: the kernel agrees (connect fails)" "yes" \
	"$("$ECHO_CLIENT" -t 2 127.0.0.1 9120 2>&1 | grep -q 'Cannot assign requested address' && echo yes)"
out=$("$TCPSTAT" --connect-check 127.0.0.1:9120)
check "connect-check text: the verdict and what helps" "yes" \
	"$(tr '\n' ' ' <<<"$out" | grep -q 'would fail with EADDRNOTAVAIL .*What helps: a wider net.ipv4.ip_local_port_range (now 40000-40019)' && echo yes)"
check "connect-check text: the counts" "  local port range    40000-40019 (20 ports, 0 reserved)
  budget              20
  in use towards it   20 (TIME_WAIT 20)
  tcp_tw_reuse        0 (off): 0 TIME_WAIT reusable
  held by listeners   0
  remaining           0" "$(sed -n 2,7p <<<"$out")"
check "connect-check: another destination port is fine" \
	"budget=20 towards=0 tw=0 reusable=0 remaining=20 can_connect=true tw_reuse=0/off
rc=0" "$(cc 127.0.0.1:9121)"
check "connect-check: the kernel agrees (connect works)" \
	"1 of 1 connections to 127.0.0.1:9121 echoed 5 bytes" "$("$ECHO_CLIENT" 127.0.0.1 9121 2>&1)"
sysctl -q -w net.ipv4.tcp_tw_reuse=1
check "connect-check: tcp_tw_reuse=1 makes the TIME_WAIT ports usable" \
	"budget=20 towards=20 tw=20 reusable=20 remaining=20 can_connect=true tw_reuse=1/on
rc=0" "$(cc 127.0.0.1:9120)"
check "connect-check -q: nothing, the exit status" "rc=0" \
	"$("$TCPSTAT" -q --connect-check '[::1]:9120'; echo "rc=$?")"

finish
