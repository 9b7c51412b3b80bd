#!/bin/bash
# Output kept byte for byte: tcpstat runs over the fixed population of
# tests/sockfixture.c with every option combination README and the tests
# show, on both backends, and the result must equal tests/golden/listing.txt
# (made by the tcpstat before the reshape of issue 11). What varies between
# runs is masked the same width: socket inodes, timer seconds, pids. Rows are
# sorted (the kernel's hash order mixes in the namespace), headers kept first.
#
#   golden-netns.sh            compare with tests/golden/listing.txt
#   golden-netns.sh --write F  write the normalised output to F instead
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
netns_enter "$@"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
golden=$(dirname "$0")/../golden/listing.txt

"$SOCKFIXTURE" --name fixture >"$TMPDIR_TEST/fixture.out" &
fixture_pid=$!
track_pid $fixture_pid
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1

# Every inode of the population.
MASK_INODES=$("$TCPSTAT" -j | sed -n 's/.*"inode":\([1-9][0-9]*\).*/\1/p' | tr '\n' ' ')
export MASK_INODES MASK_PID=$fixture_pid
mask() {
	# Each inode and the pid becomes a fixed word, with the padding after it
	# made up so a column still starts where it did, whatever its width.
	perl -pe '
		BEGIN { %tok = map { $_ => "INO" } split(" ", $ENV{MASK_INODES});
			$tok{$ENV{MASK_PID}} = "PID"; }
		# "PID/fixture" and the padding after it, as wide as the real pid made it.
		# Two spaces or more are padding; one is a separator (-H -O), kept.
		s{\b$ENV{MASK_PID}(/\S+)( *)}{ "PID$1" . (length($2) > 1
			? " " x (length($ENV{MASK_PID}) + length($2) - 3) : $2) }ge;
		s{\b(\d+)( *)}{ exists $tok{$1}
			? $tok{$1} . (length($2) > 1 ? " " x (length($1) + length($2) - length($tok{$1})) : $2)
			: "$1$2" }ge;
		s{([ (])\d+\.\d\d/}{$1SS.SS/}g;
		s{"timer_ms":\d+}{"timer_ms":MS}g;'
}
# A header line first as it is, the rows sorted (a row's place in the
# kernel's hash order changes with every namespace, so a first row is too,
# and one walk mixes the families). -H: no header, every line sorted.
sorted() {
	case " $1 " in
	*" -H "*) LC_ALL=C sort ;;
	*) awk 'NR == 1 && !/^(tcp|\{)/ { print; next } { print | "LC_ALL=C sort" }' ;;
	esac
}

combos=(
	"" "-o" "-e" "-e -o" "-H" "-l" "-l -p 9999" "-o -s time-wait" "-s connected"
	"-p 9999" "-p 40001-40003" "--sport 9999" "--dport 9999" "-4" "-6" "--src ::1"
	"--src 127.0.0.1" "-6 --dst 127.0.0.0/8" "-s TIME_WAIT,FIN_WAIT2" "-P" "-P -e -o"
	"-P -l" "--program fixture" "--program nothing" "-j" "-j -P" "-j -s listen" "-S" "-S -j"
	"-S -p 9999" "-c" "-c -j" "-c -s time-wait" "-O state,local,peer,timer"
	"-H -O state,local,peer,timer" "-O proto,recv-q,send-q,local-addr,local-port,peer-addr,peer-port,state,uid,inode,timer,process"
	"-H -O local-port,peer-port,state,process" "-q -p 9999" "-q -p 12345" "-p 12345"
	"-H -c -p 12345" "-e -H -s established"
)
run_all() {
	local backend c
	for backend in netlink proc; do
		for c in "${combos[@]}"; do
			# shellcheck disable=SC2086  # a combination is a word list
			out=$("$TCPSTAT" -B "$backend" $c 2>&1); rc=$?
			printf '### -B %s %s (exit %d)\n' "$backend" "$c" "$rc"
			[ -n "$out" ] && printf '%s\n' "$out" | sorted "$c" | mask
		done
	done
	for c in "--help" "-O help" "--version"; do
		# shellcheck disable=SC2086
		out=$("$TCPSTAT" $c 2>&1); rc=$?
		printf '### %s (exit %d)\n%s\n' "$c" "$rc" "$out"
	done
}

if [ "${1:-}" = --write ]; then
	run_all >"$2"
	exit 0
fi
run_all >"$TMPDIR_TEST/now.txt"
if diff -u "$golden" "$TMPDIR_TEST/now.txt" >"$TMPDIR_TEST/diff"; then
	check "output byte-identical to tests/golden/listing.txt" "" ""
else
	check "output byte-identical to tests/golden/listing.txt" "" "$(head -n 80 "$TMPDIR_TEST/diff")"
fi
finish
