#!/bin/bash
# Other network namespaces (issue 15): -N NAME, -N PATH, --netns-pid and
# --all-netns on three named namespaces and one unnamed one, each with its
# own sockets, compared with ss run inside each; owners across namespaces;
# -S per namespace; namespaces deleted while listed; an unprivileged user;
# 200 namespaces under a small fd limit (a leak would run out).
#
# The script runs in a private mount and network namespace with a tmpfs on
# /run/netns, so `ip netns add` never touches the host's; every name it
# makes is deleted by name on exit, every process it starts killed by pid.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"

if [ -z "${TCPSTAT_IN_NETNS:-}" ]; then
	if ! unshare -m -n --propagation private true 2>/dev/null ||
		! { [ -d /run/netns ] || mkdir -p /run/netns 2>/dev/null; }; then
		[ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ] && { echo "FAIL: no mount+net namespace" >&2; exit 1; }
		echo "SKIP: cannot create a mount and network namespace" >&2
		exit 77
	fi
	rm -rf "$TMPDIR_TEST"
	TCPSTAT_IN_NETNS=1 exec unshare -m -n --propagation private -- "$BASH" "$0" "$@"
fi
ip link set lo up || { echo "FAIL: cannot bring lo up" >&2; exit 1; }
mount -t tmpfs tcpstat-test /run/netns || { echo "FAIL: cannot mount /run/netns" >&2; exit 1; }

NAMES=()
cleanup_names() {
	local n
	for n in "${NAMES[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	cleanup_tracked
	umount /run/netns 2>/dev/null || true
}
trap cleanup_names EXIT

tag="ts$$"
add_ns() {
	ip netns add "$1" && NAMES+=("$1") && ip -n "$1" link set lo up
}
# in_bg NS CMD...: run CMD in namespace NS in the background, tracked.
in_bg() {
	local ns=$1; shift
	ip netns exec "$ns" "$@" &
	track_pid $!
}

blue=$tag-blue red=$tag-red green=$tag-green
add_ns "$blue" && add_ns "$red" && add_ns "$green" || exit 1

# blue: sockfixture's population (LISTEN, ESTABLISHED, TIME_WAIT, FIN_WAIT2, CLOSE_WAIT, v4 and v6).
in_bg "$blue" "$SOCKFIXTURE" >"$TMPDIR_TEST/blue.out"; blue_pid=$!
# red: a server on 7100 with two held clients; green: only a listener on 7200.
in_bg "$red" "$ECHO_SERVER" -q -p 7100; red_pid=$!
in_bg "$green" "$ECHO_SERVER" -q -p 7200; green_pid=$!
# The unnamed one: held only by the process unshare -n started.
unshare -n -- sh -c 'ip link set lo up && exec "$0" -q -p 7300' "$ECHO_SERVER" &
anon_pid=$!; track_pid "$anon_pid"
# Our own (the test's namespace): a listener on 7000 and one client.
"$ECHO_SERVER" -q -p 7000 & host_pid=$!; track_pid "$host_pid"
wait_for_line "$TMPDIR_TEST/blue.out" '^ready$' 10 || exit 1
sleep 0.3
in_bg "$red" "$ECHO_CLIENT" -n 2 --hold 60 127.0.0.1 7100 >/dev/null
"$ECHO_CLIENT" --hold 60 127.0.0.1 7000 >/dev/null & track_pid $!
sleep 0.5

ino_of() { stat -L -c %i "$1"; }
# What ss sees inside: "local peer STATE" lines, sorted, in tcpstat's names.
ss_in() {
	"$@" ss -tanH | awk '
		BEGIN { m["ESTAB"]="ESTABLISHED"; m["TIME-WAIT"]="TIME_WAIT"; m["FIN-WAIT-2"]="FIN_WAIT2";
			m["CLOSE-WAIT"]="CLOSE_WAIT"; m["LISTEN"]="LISTEN"; m["SYN-SENT"]="SYN_SENT";
			m["FIN-WAIT-1"]="FIN_WAIT1"; m["LAST-ACK"]="LAST_ACK"; m["CLOSING"]="CLOSING" }
		{ local = $4; peer = $5
		  # ss writes a dual-stack listener as *:PORT 0.0.0.0:*; tcpstat as [::]:PORT [::]:*.
		  if (local ~ /^\*:/) { sub(/^\*/, "[::]", local); peer = "[::]:*" }
		  print local, peer, (m[$1] ? m[$1] : $1) }' | sort
}
ts_lines() { "$TCPSTAT" -H -O local,peer,state "$@" | sort; }

ss_blue=$(ss_in ip netns exec "$blue")
ss_red=$(ss_in ip netns exec "$red")
ss_green=$(ss_in ip netns exec "$green")
ss_anon=$(ss_in nsenter -t "$anon_pid" -n)
ss_host=$(ss_in env)
check "blue has sockfixture's 15 sockets" 15 "$(printf '%s\n' "$ss_blue" | wc -l)"
check "red: a listener, 2 connections (4 ends)" 5 "$(printf '%s\n' "$ss_red" | wc -l)"

for backend in auto netlink proc; do
	b="[$backend]"
	check "$b -N $blue" "$ss_blue" "$(ts_lines -B "$backend" -N "$blue")"
	check "$b -N $red" "$ss_red" "$(ts_lines -B "$backend" -N "$red")"
	check "$b -N /run/netns/$green" "$ss_green" "$(ts_lines -B "$backend" -N "/run/netns/$green")"
	check "$b --netns-pid (unnamed)" "$ss_anon" "$(ts_lines -B "$backend" --netns-pid "$anon_pid")"
	check "$b -N /proc/PID/ns/net (unnamed)" "$ss_anon" \
		"$(ts_lines -B "$backend" -N "/proc/$anon_pid/ns/net")"
	check "$b --netns-pid of our own" "$ss_host" "$(ts_lines -B "$backend" --netns-pid $$)"
	check "$b filters compose: -N red -l" "127.0.0.1:7100 0.0.0.0:* LISTEN" \
		"$(ts_lines -B "$backend" -N "$red" -l)"
done

# --all-netns: every socket of each of ours once, labelled, by inode.
"$TCPSTAT" --all-netns -j -P >"$TMPDIR_TEST/all.json"; rc=$?
check "--all-netns: exit 0" 0 "$rc"
by_ino() {
	jq -r --argjson ino "$1" 'select(.netns_ino == $ino) |
		"\(if .proto == "tcp6" then "[\(.local_addr)]" else .local_addr end):\(if .local_port == 0 then "*" else .local_port end) \(if .proto == "tcp6" then "[\(.peer_addr)]" else .peer_addr end):\(if .peer_port == 0 then "*" else .peer_port end) \(.state)"' \
		"$TMPDIR_TEST/all.json" | sort
}
label_of() { jq -r --argjson ino "$1" 'select(.netns_ino == $ino) | .netns' "$TMPDIR_TEST/all.json" | sort -u; }
host_ino=$(ino_of /proc/self/ns/net)
# The lowest pid in ours but tcpstat's: the script's or one it tracks (the
# others in it come and go; once pids wrap around, they can be lower).
lowest=$(for p in $$ "${TRACKED_PIDS[@]}"; do [ "$(ino_of "/proc/$p/ns/net" 2>/dev/null)" = "$host_ino" ] && echo "$p"; done | sort -n | head -n 1)
for ns in blue red green; do
	name=${!ns}
	ino=$(ino_of "/run/netns/$name")
	eval "expected=\$ss_$ns"
	check "--all-netns: $ns's sockets, each once" "$expected" "$(by_ino "$ino")"
	check "--all-netns: $ns labelled by name" "$name" "$(label_of "$ino")"
done
anon_ino=$(ino_of "/proc/$anon_pid/ns/net")
check "--all-netns: the unnamed one's sockets" "$ss_anon" "$(by_ino "$anon_ino")"
check "--all-netns: the unnamed one labelled pid/comm" "$anon_pid/echo-server" "$(label_of "$anon_ino")"
check "--all-netns: our own, first" "$host_ino" "$(jq -s '.[0].netns_ino' "$TMPDIR_TEST/all.json")"
check "--all-netns: our own labelled by its lowest pid" "$lowest/$(cat "/proc/$lowest/comm")" "$(label_of "$host_ino")"
check "--all-netns: our own's sockets" "$ss_host" "$(by_ino "$host_ino")"
# Pids wrapped around: tcpstat the lowest in its namespace (pid 1 of a new
# pid namespace, a sleep as pid 2) still names the other process.
wrapped=$(timeout 20 unshare -p -f --mount-proc "$BASH" -c \
	'sleep 20 & exec "$0" --all-netns -H -O netns' "$TCPSTAT" | head -n 1)
check "--all-netns: tcpstat's own pid not the label, even when lowest" "2" "${wrapped%%/*}"
check "--all-netns: NETNS is the first column" "NETNS" "$("$TCPSTAT" --all-netns | head -n 1 | cut -d' ' -f1)"
check "--all-netns -O picks its place" "127.0.0.1:7200 $green" \
	"$("$TCPSTAT" --all-netns -H -O local,netns --sport 7200 | grep " $tag-")"

# Owners across namespaces: one /proc walk, inodes unique host-wide.
check "-P: red's listener held by red's server" "[$red_pid]" \
	"$(jq -c --argjson ino "$(ino_of "/run/netns/$red")" 'select(.netns_ino == $ino and .state == "LISTEN") | .pids' "$TMPDIR_TEST/all.json")"
check "-P: the unnamed one's listener" "[$anon_pid]" \
	"$(jq -c --argjson ino "$anon_ino" 'select(.state == "LISTEN" and .netns_ino == $ino) | .pids' "$TMPDIR_TEST/all.json")"
check "-P: blue's 9999 listener held by sockfixture" "[$blue_pid]" \
	"$(jq -c --argjson ino "$(ino_of "/run/netns/$blue")" 'select(.netns_ino == $ino and .local_port == 9999 and .state == "LISTEN") | .pids' "$TMPDIR_TEST/all.json")"
check "--pid across namespaces" "127.0.0.1:7100 $red" \
	"$("$TCPSTAT" --all-netns -H -O local,netns -l --pid "$red_pid")"

# -S with --all-netns: a block (object) per namespace, then the total.
"$TCPSTAT" --all-netns -S -j >"$TMPDIR_TEST/sum.json"
check "-S -j: red's object" "1 4 5" \
	"$(jq -r --arg n "$red" 'select(.netns == $n) | "\(.LISTEN) \(.ESTABLISHED) \(.total)"' "$TMPDIR_TEST/sum.json")"
check "-S -j: blue's total" 15 "$(jq -r --arg n "$blue" 'select(.netns == $n) | .total' "$TMPDIR_TEST/sum.json")"
check "-S -j: the last object is the sum, without netns" "true" \
	"$(jq -s '(.[-1] | has("netns") | not) and (.[-1].total == (.[0:-1] | map(.total) | add))' "$TMPDIR_TEST/sum.json")"
check "-S table: a NETNS line per block" "$("$TCPSTAT" --all-netns -S -j | grep -c netns_ino)" \
	"$("$TCPSTAT" --all-netns -S | grep -c '^NETNS ')"
# (Other namespaces on the host change between two runs: a port of red's only.)
check "-c --all-netns is the sum" "$("$TCPSTAT" --all-netns -S -j --sport 7100 | jq -s '.[-1].total')" \
	"$("$TCPSTAT" --all-netns -c --sport 7100)"

# -E labels each event with its namespace (polling; events-bpf-netns.sh has the eBPF source's).
"$TCPSTAT" --all-netns -E --events-source poll --sport 7200 --interval 0.05 >"$TMPDIR_TEST/events.out" 2>&1 &
ev=$!; track_pid $ev
sleep 0.4
ip netns exec "$green" "$ECHO_CLIENT" --hold 0.5 127.0.0.1 7200 >/dev/null
sleep 0.4
kill -TERM $ev; wait $ev
check "-E: new connection in green, labelled" "$green 127.0.0.1:7200" \
	"$(awk -v g="$green" '$5 == "new" && $2 == g { print $2, $3; exit }' "$TMPDIR_TEST/events.out")"

# Unprivileged: entering needs CAP_SYS_ADMIN; /proc/PID/net of one's own process does not.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
out=$(nobody "$TCPSTAT" -N "$blue" 2>"$TMPDIR_TEST/err"); rc=$?
check "unprivileged -N: exit 2, nothing on stdout" "2:" "$rc:$out"
check "unprivileged -N: one line naming it and the privilege" "1 yes" \
	"$(wc -l <"$TMPDIR_TEST/err") $(grep -q "'$blue'.*CAP_SYS_ADMIN" "$TMPDIR_TEST/err" && echo yes)"
ip netns exec "$red" setpriv --reuid=65534 --regid=65534 --clear-groups sleep 60 &
mine=$!; track_pid $mine
sleep 0.2
check "unprivileged --netns-pid of one's own process: /proc/PID/net" "$ss_red" \
	"$(nobody "$TCPSTAT" -H -O local,peer,state --netns-pid "$mine" | sort)"
check "unprivileged -v says how" "yes" \
	"$(nobody "$TCPSTAT" -v -c --netns-pid "$mine" 2>&1 | grep -q "/proc/$mine/net" && echo yes)"

# Gone while listed: namespaces deleted during runs are skipped, silently.
for i in $(seq 1 20); do add_ns "$tag-x$i" || exit 1; done
( for i in $(seq 1 20); do ip netns del "$tag-x$i"; sleep 0.01; done ) &
deleter=$!; track_pid $deleter
bad=0
for _ in $(seq 1 15); do
	"$TCPSTAT" --all-netns -c >/dev/null 2>"$TMPDIR_TEST/race.err" || { [ $? = 1 ] || bad=1; }
	[ -s "$TMPDIR_TEST/race.err" ] && bad=1
done
wait $deleter
check "namespaces deleted mid-run: no error, nothing on stderr" 0 "$bad"
"$TCPSTAT" --all-netns -w 0.1 -H -O netns,local --sport 7200 >"$TMPDIR_TEST/watch.out" 2>&1 &
w=$!; track_pid $w
sleep 0.4
kill "$green_pid"; wait "$green_pid" 2>/dev/null; ip netns del "$green"
sleep 0.4
kill -TERM $w; wait $w; rc=$?
# (Other namespaces on the host may have a port 7200 too: only green's rows count.)
last_block=$(awk '/^===/ { block = "" } !/^===/ { block = block $0 "\n" } END { printf "%s", block }' "$TMPDIR_TEST/watch.out")
check "-w --all-netns: green seen, then gone, exit 0" "yes yes 0" \
	"$(grep -q "^$green " "$TMPDIR_TEST/watch.out" && echo yes) $(grep -q "^$green " <<<"$last_block" || echo yes) $rc"
check "-N of a deleted namespace: exit 2" 2 "$("$TCPSTAT" -N "$green" >/dev/null 2>&1; echo $?)"

# 200 namespaces, every one opened and closed: under 20 fds a leak would fail.
for i in $(seq 1 200); do ip netns add "$tag-m$i" && NAMES+=("$tag-m$i") || exit 1; done
# Other namespaces on the host come and go: count only ours.
ours() { grep -c "^$tag-"; }
n=$( (ulimit -n 20; "$TCPSTAT" --all-netns -H -O netns -B netlink) | ours); rc=${PIPESTATUS[0]}
check "200 namespaces under ulimit -n 20: exit 0" 0 "$rc"
check "200 namespaces: ours all there (blue, red)" "$(( $(printf '%s\n' "$ss_blue" | wc -l) + $(printf '%s\n' "$ss_red" | wc -l) ))" "$n"
fds=$(strace -f -e trace=openat,close -o "$TMPDIR_TEST/strace" "$TCPSTAT" --all-netns -c >/dev/null; \
	awk '/openat\(.*(\/run\/netns\/|ns\/net).*= [0-9]+$/ { open[$NF] = 1 }
	     /close\(/ { fd = $0; sub(/.*close\(/, "", fd); sub(/[ )].*/, "", fd); delete open[fd] }
	     END { n = 0; for (fd in open) n++; print n }' "$TMPDIR_TEST/strace")
check "strace: every namespace fd opened is closed" 0 "$fds"
check "200 namespaces listed" 1 "$(( $("$TCPSTAT" --all-netns -S -j | grep -c '"netns"') >= 205 ))"
finish
