#!/bin/bash
# Issue 19: both families dumped at once (AF_INET6 read ahead by a thread)
# must list exactly what the sequential path lists, in the same order, for
# the default table and the script-facing formats, with several receive
# buffers' worth of AF_INET sockets (twpop) before the IPv6 ones.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${TWPOP:?}"
netns_enter "$@"

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1
"$TWPOP" 3000 20000 >"$TMPDIR_TEST/twpop.out" || exit 1

check "IPv6 sockets are there" "yes" \
	"$("$TCPSTAT" -H -n -6 | grep -q . && echo yes)"
for args in "" "-n" "-e" "-j -s established" "-c" "-S" "-p 9999" "-s time-wait" "-l"; do
	# shellcheck disable=SC2086
	seq_out=$(TCPSTAT_NL_SEQUENTIAL=1 "$TCPSTAT" -B netlink $args 2>&1)
	# shellcheck disable=SC2086
	par_out=$("$TCPSTAT" -B netlink $args 2>&1)
	check "[$args] both families at once = one after the other" "$seq_out" "$par_out"
done
# Output to a reader that stops: tcpstat ends, the read-ahead thread too.
check "to head: one line" "1" "$("$TCPSTAT" -B netlink -n | head -n 1 | wc -l)"
finish
