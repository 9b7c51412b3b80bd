#!/bin/bash
# Watching it change, on real connections between echo-server and
# echo-client: -E events in order on both backends, the destroy reports
# for a connection that lives and dies between two polls, --wait-clear's
# exit statuses, and -w on a terminal (a pty from script(1)) and off one.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
netns_enter "$@"

"$ECHO_SERVER" -q --close-delay 1 >"$TMPDIR_TEST/server.out" 2>&1 &
track_pid $!
for _ in $(seq 1 50); do "$TCPSTAT" -q -l --sport 9999 && break; sleep 0.1; done

# The events of one endpoint (local side), as "EVENT-TEXT" lines in order.
events_of() {
	awk -v ep="$1" '$2 == ep { $1 = ""; $2 = ""; $3 = ""; sub(/^ +/, ""); print }' "$2"
}

for backend in netlink proc; do
	b="[$backend]"
	out=$TMPDIR_TEST/events-$backend
	"$TCPSTAT" -B "$backend" -E --events-source poll -4 -p 9999 >"$out" 2>"$out.err" &
	ev=$!
	track_pid "$ev"
	sleep 0.5
	# ESTABLISHED for 1 s, then the client closes first; the server waits
	# 1 s (--close-delay) in CLOSE_WAIT, the client meanwhile in FIN_WAIT2.
	"$ECHO_CLIENT" --hold 1 -m step >/dev/null
	sleep 1.5
	kill -INT "$ev"
	wait "$ev"
	check "$b -E ends with exit 0 on SIGINT" 0 $?
	client=$(awk '$3 == "127.0.0.1:9999" && $4 == "new" { print $2; exit }' "$out")
	# The states the client went through, in order (FIN_WAIT1 may be too
	# short for a poll to catch; so may the handshake, but a loaded machine
	# sometimes polls in the middle of it: SYN_SENT, SYN_RECV first).
	path=$(events_of "$client" "$out" | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $NF }')
	check "$b -E client: new, through the close, to TIME_WAIT" "yes" \
		"$([[ $path =~ ^(SYN_SENT\ )?ESTABLISHED\ (FIN_WAIT1\ )?FIN_WAIT2\ TIME_WAIT$ ]] && echo yes || echo "no: $path")"
	first=$(events_of "$client" "$out" | head -n 1)
	check "$b -E client: the first event is new" "yes" \
		"$([[ $first == "new ESTABLISHED" || $first == "new SYN_SENT" ]] && echo yes || echo "no: $first")"
	check "$b -E server side: new, CLOSE_WAIT, gone" "new ESTABLISHED
ESTABLISHED -> CLOSE_WAIT" "$(events_of 127.0.0.1:9999 "$out" | grep -v '^gone' |
		sed '1s/^new SYN_RECV$/new ESTABLISHED/; /^SYN_RECV -> ESTABLISHED$/d')"
	check "$b -E server side gone" "1" "$(events_of 127.0.0.1:9999 "$out" | grep -c '^gone (was [A-Z_]*, seen [0-9.]* s)$')"
	check "$b -E timestamps" "0" "$(grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' "$out")"
	check "$b -E stderr empty" "" "$(cat "$out.err")"
done

# JSON events: one object each.
"$TCPSTAT" -E --events-source poll -j -4 -p 9999 >"$TMPDIR_TEST/events.json" &
ev=$!
track_pid "$ev"
sleep 0.3
"$ECHO_CLIENT" --hold 0.5 -m json >/dev/null
sleep 0.5
kill -INT "$ev"; wait "$ev"
check "-E -j: valid objects with an event and a state" "0" \
	"$(jq -c 'select((.event | test("^(new|change|gone)$")) and .state != null and .time != null) | not' "$TMPDIR_TEST/events.json" | grep -c true)"
check "-E -j: a new ESTABLISHED" "true" \
	"$(jq -s 'any(.[]; .event == "new" and .state == "ESTABLISHED")' "$TMPDIR_TEST/events.json")"

# Opened and reset within one poll (5 s apart): only the kernel's destroy
# reports can tell; the lines say it happened between polls.
"$TCPSTAT" -E --events-source poll -v -4 -p 9999 --interval 5 >"$TMPDIR_TEST/destroy" 2>"$TMPDIR_TEST/destroy.err" &
ev=$!
track_pid "$ev"
sleep 0.5
"$ECHO_CLIENT" --rst -m reset >/dev/null
sleep 0.3
kill -INT "$ev"; wait "$ev"
# (The client's own report comes with its addresses already cleared by the
# reset, 0.0.0.0:PORT to 127.0.0.1:*, so -p 9999 matches only the server's.)
check "-E destroy reports: the reset connection" "1" \
	"$(grep -cE '^[0-9:.]+ 127\.0\.0\.1:9999 127\.0\.0\.1:[0-9]+ gone \(was [A-Z_0-9]+, between polls\)$' "$TMPDIR_TEST/destroy")"
check "-E destroy reports: -v says nothing when they are heard" "" "$(cat "$TMPDIR_TEST/destroy.err")"

# --wait-clear: 0 soon after the held connection goes; 1 after the timeout
# while its TIME_WAIT stays.
"$ECHO_CLIENT" --hold 1 -m wait >/dev/null &
client=$!
track_pid "$client"
for _ in $(seq 1 50); do "$TCPSTAT" -q -s established -p 9999 && break; sleep 0.1; done
start=$(date +%s%N)
"$TCPSTAT" -s established -p 9999 --wait-clear=10
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "--wait-clear: 0 when the connection is gone" 0 "$rc"
check "--wait-clear: within 3 s" "yes" "$([ "$took" -lt 3000 ] && echo yes || echo "no ($took ms)")"
wait "$client"
start=$(date +%s%N)
"$TCPSTAT" -s time-wait -p 9999 --wait-clear=1
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "--wait-clear: 1 after the timeout, TIME_WAIT remains" 1 "$rc"
check "--wait-clear: after about 1 s" "yes" "$([ "$took" -ge 900 ] && [ "$took" -lt 2500 ] && echo yes || echo "no ($took ms)")"
check "--wait-clear: nothing matches, 0 at once" 0 "$("$TCPSTAT" -p 4444 --wait-clear=1; echo $?)"

# -w off a terminal: timestamped blocks, SIGINT ends it with 0.
"$TCPSTAT" -w 0.2 -l >"$TMPDIR_TEST/watch.log" &
w=$!
track_pid "$w"
sleep 0.9
kill -INT "$w"; wait "$w"
check "-w (no terminal): exit 0 on SIGINT" 0 $?
blocks=$(grep -cE '^=== [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+$' "$TMPDIR_TEST/watch.log")
check "-w (no terminal): several blocks" "yes" "$([ "$blocks" -ge 3 ] && echo yes || echo "no ($blocks)")"
check "-w (no terminal): each with the listener" "$blocks" "$(grep -c '127.0.0.1:9999 .* LISTEN' "$TMPDIR_TEST/watch.log")"

# -w on a terminal: redrawn in place with the counts, the screen restored.
TERM=xterm script -qfec "'$TCPSTAT' -w 0.2 -l -p 9999 & p=\$!; sleep 0.9; kill -INT \$p; wait \$p; echo rc=\$?" \
	"$TMPDIR_TEST/pty.log" </dev/null >/dev/null
check "-w (terminal): exit 0 on SIGINT" "1" "$(grep -c 'rc=0' "$TMPDIR_TEST/pty.log")"
check "-w (terminal): title and counts redrawn" "yes" \
	"$([ "$(grep -c 'LISTEN 1  total 1' "$TMPDIR_TEST/pty.log")" -ge 2 ] && echo yes || echo no)"
check "-w (terminal): alternate screen left" "1" "$(grep -c $'\e\\[?1049l' "$TMPDIR_TEST/pty.log")"
check "-w (terminal): the title" "1" "$(grep -m1 -c "Every 0.2s: $TCPSTAT -w 0.2 -l -p 9999" "$TMPDIR_TEST/pty.log")"
finish
