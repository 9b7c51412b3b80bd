#!/bin/bash
# Which program holds the port: -P, --pid and --program on real sockets
# (tests/sockfixture.c, forked so that two processes share every socket),
# a program name with bytes that need escaping, and an unprivileged run.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
netns_enter "$@"

"$SOCKFIXTURE" --fork >"$TMPDIR_TEST/fixture.out" &
parent=$!
track_pid "$parent"
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1
child=$(awk '$1 == "child" { print $2 }' "$TMPDIR_TEST/fixture.out")
first=$(( parent < child ? parent : child )) second=$(( parent < child ? child : parent ))
both="$first/sockfixture,$second/sockfixture"

for backend in netlink proc; do
	ts() { "$TCPSTAT" -B "$backend" "$@"; }
	b="[$backend]"
	check "$b -P header" "State       PID/Program name" "$(ts -P -l -4 | head -n 1 | cut -c 69-)"
	check "$b -P: both holders, in pid order" "$both" "$(ts -H -P -l -4 | awk '{ print $7 }')"
	check "$b -P: TIME_WAIT has no owner" "- -" "$(ts -H -P -s time-wait | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $7 }')"
	check "$b -P -o: timer after the owner" "$both off (0.00/0/0)" \
		"$(ts -H -P -o -l -4 | awk '{ print $7, $8, $9 }')"
	check "$b --pid child" "13" "$(ts -c --pid "$child")"
	check "$b --pid parent -P" "$both" "$(ts -H -P --pid "$parent" -l -4 | awk '{ print $7 }')"
	check "$b --pid 1 (holds none of these)" "0" "$(ts -c --pid 1)"
	check "$b --program sockfixture" "13" "$(ts -c --program sockfixture)"
	check "$b --program with a filter" "1" "$(ts -c --program sockfixture -s fin-wait-2 -4)"
	out=$(ts --program nosuch); rc=$?
	check "$b --program nosuch: exit 1, header only" "1:Proto" "$rc:${out%% *}"
	check "$b -j -P" "[$first,$second] [\"sockfixture\",\"sockfixture\"]" \
		"$(ts -j -P -l -4 | jq -c '.pids, .programs' | paste -sd ' ')"
	check "$b -j without -P has no owner keys" "false" "$(ts -j -l -4 | jq 'has("pids")')"
	check "$b -O process implies the lookup" "$both" "$(ts -H -l -4 -O process)"
done

# A program may call itself anything: quotes, backslashes, control bytes,
# bytes that are not UTF-8. JSON stays valid; the table shows '?' for control bytes.
weird=$'we"ird\\\x01\xff'
unshare -n -- bash -c '
	ip link set lo up
	"$1" --name "$2" >"$3/weird.out" &
	pid=$!
	for _ in $(seq 1 100); do grep -q ready "$3/weird.out" && break; sleep 0.1; done
	"$4" -j -P -l -4 >"$3/weird.json"
	"$4" -H -P -l -4 >"$3/weird.table"
	kill "$pid"; wait "$pid"' _ "$SOCKFIXTURE" "$weird" "$TMPDIR_TEST" "$TCPSTAT"
check "odd comm: valid JSON" "1" "$(jq -s length "$TMPDIR_TEST/weird.json")"
check "odd comm: escaped" '["we\"ird\\\u0001\ufffd"]' \
	"$(jq -c --ascii-output .programs "$TMPDIR_TEST/weird.json")"
check "odd comm: table, escaped as \\xHH" 'we"ird\\\x01\xff' "$(awk '{ print $7 }' "$TMPDIR_TEST/weird.table" | cut -d/ -f2-)"

# Unprivileged: root's sockets still list, their owner is '-', and stderr says
# once that owners were not visible (unprivileged-netns.sh has the rest).
if command -v setpriv >/dev/null; then
	install -m 0755 "$TCPSTAT" "$TMPDIR_TEST/tcpstat"
	chmod 0755 "$TMPDIR_TEST"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TMPDIR_TEST/tcpstat" -H -P -l -4 2>"$TMPDIR_TEST/err"); rc=$?
	check "unprivileged -P: exit 0" 0 "$rc"
	check "unprivileged -P: owner -" "LISTEN -" "$(awk '{ print $6, $7 }' <<<"$out")"
	check "unprivileged -P: said on stderr" \
		"tcpstat: owners of 1 socket not visible without privileges (try sudo)" \
		"$(cat "$TMPDIR_TEST/err")"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TMPDIR_TEST/tcpstat" -c --program sockfixture 2>"$TMPDIR_TEST/err"); rc=$?
	# None visible is not none: exit 2, with the reason.
	check "unprivileged --program: nothing visible, exit 2" "2:0" "$rc:$out"
else
	echo "FAIL: setpriv (util-linux) is needed" >&2
	exit 1
fi
finish
