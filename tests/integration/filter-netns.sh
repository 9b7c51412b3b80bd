#!/bin/bash
# The filter language on real sockets in a private network namespace
# (tests/sockfixture.c's population): random expressions in ss's grammar
# (tests/filtergen/gen.py, seeded; FILTER_SEED and FILTER_COUNT override)
# keep the same (state, local, peer) set in `ss -tanH EXPR` and in
# `tcpstat -H EXPR` on both backends; then each predicate ss does not have
# against the sockets built to exercise it.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
netns_enter "$@"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
GEN="$(dirname "$0")/../filtergen/gen.py"
SEED=${FILTER_SEED:-$(date +%s)}
COUNT=${FILTER_COUNT:-500}

"$SOCKFIXTURE" --name filterfix >"$TMPDIR_TEST/fixture.out" &
track_pid $!
FIXTURE_PID=$!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1

# "STATE LOCAL PEER", sorted, from tcpstat's table and from ss's.
triples() { awk '{ print $6, $4, $5 }' | LC_ALL=C sort; }
ss_triples() {
	awk 'BEGIN { n["ESTAB"] = "ESTABLISHED"; n["SYN-SENT"] = "SYN_SENT"; n["SYN-RECV"] = "SYN_RECV"
		n["FIN-WAIT-1"] = "FIN_WAIT1"; n["FIN-WAIT-2"] = "FIN_WAIT2"; n["TIME-WAIT"] = "TIME_WAIT"
		n["UNCONN"] = "CLOSE"; n["CLOSE-WAIT"] = "CLOSE_WAIT"; n["LAST-ACK"] = "LAST_ACK"
		n["LISTEN"] = "LISTEN"; n["CLOSING"] = "CLOSING" }
		# With one state asked for, ss leaves its State column out: "-".
		NF == 4 { $0 = "- " $0 }
		{ l = $4; p = $5; sub(/^\*:/, "[::]:", l); if (p == "*:*") p = "[::]:*"
		  print ($1 in n) ? n[$1] : $1, l, p }' | LC_ALL=C sort
}

# One expression through the three, as separate words (ss takes its
# "state" words only so); prints the first difference, if any. KEPT: the
# number of sockets kept.
compare() {
	local -a words
	local want got backend
	read -ra words <<<"$1"
	want=$(ss -tanH "${words[@]}" 2>&1 | ss_triples)
	KEPT=$(grep -c . <<<"$want")
	for backend in netlink proc; do
		got=$("$TCPSTAT" -B "$backend" -H "${words[@]}" 2>&1 | triples)
		if [ "${want:0:2}" = "- " ]; then
			got=$(awk '{ $1 = "-"; print }' <<<"$got" | LC_ALL=C sort)
		fi
		if [ "$want" != "$got" ]; then
			echo "[$backend] $1"
			diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/#   /'
			return 1
		fi
	done
}
# No word of an expression is a pattern for the shell: set -f below.

# ---- what ss has no word for -------------------------------------------------
ALL=$("$TCPSTAT" -H -B netlink | triples)
# First, while the TIME_WAIT sockets (60 s) are there to time.
check "TIME_WAIT sockets to time" "2" "$(grep -c '^TIME_WAIT ' <<<"$ALL")"
for backend in netlink proc; do
	ts() { "$TCPSTAT" -B "$backend" -H "$@"; }
	b="[$backend]"
	# The fixture's CLOSE_WAIT sides hold one unread byte each.
	check "$b rq > 0" "$(grep '^CLOSE_WAIT ' <<<"$ALL")" "$(ts 'rq > 0' | triples)"
	check "$b rq = 1" "$(grep '^CLOSE_WAIT ' <<<"$ALL")" "$(ts 'rq = 1' | triples)"
	check "$b rq = 0 is the rest" "$(grep -v '^CLOSE_WAIT ' <<<"$ALL")" "$(ts 'rq = 0' | triples)"
	check "$b exclude listening sq = 0" "$(grep -v '^LISTEN ' <<<"$ALL")" \
		"$(ts 'exclude listening sq = 0' | triples)"
	# TIME_WAIT counts down from 60 s; nothing else here has a timer running.
	check "$b timer <= 60s" "$(grep '^TIME_WAIT ' <<<"$ALL")" "$(ts 'timer <= 60s' | triples)"
	check "$b timer > 60s" "" "$(ts 'timer > 60s' | triples)"
	check "$b timer > 100ms" "$(grep '^TIME_WAIT ' <<<"$ALL")" "$(ts 'timer > 100ms' | triples)"
	check "$b not timer < 1000s" "$(grep -v '^TIME_WAIT ' <<<"$ALL")" \
		"$(ts 'not timer < 1000s' | triples)"
	# TIME_WAIT sockets have no inode and uid 0; the rest are ours.
	check "$b inode = 0" "$(grep '^TIME_WAIT ' <<<"$ALL")" "$(ts 'inode = 0' | triples)"
	inode=$(ts -e -l -4 | awk '{ print $8 }')
	check "$b inode = N" "$(grep '^LISTEN 127' <<<"$ALL")" "$(ts "inode = $inode" | triples)"
	check "$b inode != N" "$(grep -v '^LISTEN 127' <<<"$ALL")" "$(ts "inode != $inode" | triples)"
	check "$b uid = mine, inode > 0" "$(grep -v '^TIME_WAIT ' <<<"$ALL")" \
		"$(ts "uid = $(id -u) and inode > 0" | triples)"
	check "$b uid > mine" "" "$(ts "uid > $(id -u)" | triples)"
	# Either side, which ss refuses.
	check "$b port = :9999" "$(grep -E ':9999( |$)' <<<"$ALL")" "$(ts 'port = :9999' | triples)"
	check "$b port >= :40000" "$(grep -E ':400[0-9][0-9]( |$)' <<<"$ALL")" \
		"$(ts 'port >= :40000' | triples)"
	# autobound: a local port in the ephemeral range.
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	check "$b autobound" "$(awk -v lo="$lo" -v hi="$hi" '{ n = split($2, a, ":"); p = a[n] + 0
		if (p >= lo && p <= hi) print }' <<<"$ALL")" "$(ts autobound | triples)"
	check "$b pid, program" "$(grep -v '^TIME_WAIT ' <<<"$ALL")" \
		"$(ts "pid = $FIXTURE_PID or program = filterfix" | triples)"
	check "$b program != filterfix" "$(grep '^TIME_WAIT ' <<<"$ALL")" \
		"$(ts 'program != filterfix' | triples)"
done


# A thousand short runs: leaks are looked for by the other tests.
asan_options=$ASAN_OPTIONS
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
set -f
start=$SECONDS
n=0 differ=0 nonempty=0
while IFS= read -r expr; do
	n=$((n + 1))
	# A TIME_WAIT socket may end between two of the runs: judge twice.
	if ! compare "$expr" >/dev/null && ! compare "$expr" >"$TMPDIR_TEST/diff"; then
		differ=$((differ + 1))
		[ "$differ" -le 5 ] && cat "$TMPDIR_TEST/diff"
	fi
	[ "$KEPT" -gt 0 ] && nonempty=$((nonempty + 1))
	[ $((SECONDS - start)) -lt 200 ] || break
done < <(python3 "$GEN" "$SEED" "$COUNT")
export ASAN_OPTIONS=$asan_options
set +f
echo "# $n expressions in $((SECONDS - start)) s, $nonempty keeping some socket, $differ differing"
if [ "$differ" -ne 0 ] || [ "$n" -lt "$COUNT" ]; then
	echo "# seed $SEED (rerun with FILTER_SEED=$SEED)"
fi
check "random expressions: ss and both backends agree (seed $SEED)" "0 $COUNT" "$differ $n"
check "random expressions keep sockets often enough" "yes" \
	"$([ "$nonempty" -ge $((n / 5)) ] && [ "$nonempty" -le $((n - n / 10)) ] && echo yes)"


# -F: the same as the words; options AND the expression.
printf '# comment\nstate established\n( sport = :9999\n  or dport = :9999 )\n' >"$TMPDIR_TEST/f"
check "-F FILE" "$("$TCPSTAT" -H 'state established ( sport = :9999 or dport = :9999 )' | triples)" \
	"$("$TCPSTAT" -H -F "$TMPDIR_TEST/f" | triples)"
check "options AND the expression" "$(grep -E '^ESTABLISHED 127[^ ]+:9999 ' <<<"$ALL")" \
	"$("$TCPSTAT" -H -4 --sport 9999 state established | triples)"
out=$("$TCPSTAT" -H 'sport = :80 or or' 2>"$TMPDIR_TEST/err"); rc=$?
check "bad expression: exit 2, nothing on stdout" "2:" "$rc:$out"
check "bad expression: the word" \
	"tcpstat: filter: unexpected 'or' at word 5 (after 'sport = :80 or'); see 'tcpstat --help'" \
	"$(cat "$TMPDIR_TEST/err")"
finish
