#!/bin/bash
# Issue 19 goal 4: -B proc with tcp and tcp6 each read ahead by a thread
# must list exactly what the sequential path lists, in the same order,
# with more IPv4 sockets (twpop) than tcp's queue holds (a file longer than
# the queue, twice over, is test_procfs_parse's test_ahead_thread).
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${TWPOP:?}"
netns_enter "$@"

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1
"$TWPOP" 3000 20000 >"$TMPDIR_TEST/twpop.out" || exit 1

check "IPv6 sockets are there" "yes" \
	"$("$TCPSTAT" -B proc -H -n -6 | grep -q . && echo yes)"
for args in "" "-n" "-e" "-j -s established" "-c" "-S" "-p 9999" "-s time-wait" "-l"; do
	# shellcheck disable=SC2086
	seq_out=$(TCPSTAT_PROC_SEQUENTIAL=1 "$TCPSTAT" -B proc $args 2>&1)
	# shellcheck disable=SC2086
	par_out=$("$TCPSTAT" -B proc $args 2>&1)
	check "[$args] both files read ahead = one file after the other" "$seq_out" "$par_out"
done
# Output to a reader that stops: tcpstat ends, the reader thread too.
check "to head: one line" "1" "$("$TCPSTAT" -B proc -n | head -n 1 | wc -l)"
finish
