#!/bin/bash
# Issue 19: both families in one walk of the kernel's tables (the legacy
# request, read ahead by a thread) must list exactly the rows the
# sequential path lists, each family's in the same order (the walk mixes
# the two as the tables hold them), for the default table and the
# script-facing formats, with several receive buffers' worth of AF_INET
# sockets (twpop) around the IPv6 ones. The per-family dumps at once (what
# a kernel refusing the one walk gets) must list byte for byte what the
# sequential path lists.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${TWPOP:?}" "${NONETLINK:?}"
# The shim is preloaded before an ASan build's runtime.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
netns_enter "$@"

"$SOCKFIXTURE" >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1
"$TWPOP" 3000 20000 >"$TMPDIR_TEST/twpop.out" || exit 1

check "IPv6 sockets are there" "yes" \
	"$("$TCPSTAT" -H -n -6 | grep -q . && echo yes)"
# --sport: dumps of 300 and 1000 sockets, received on the main thread in
# several parts, and past 64 KiB by the reader.
for args in "" "-n" "-e" "-j -s established" "-c" "-S" "-p 9999" "-s time-wait" "-l" \
	"-n --sport 20000-20299" "-n --sport 20000-20999"; do
	# shellcheck disable=SC2086
	seq_out=$(TCPSTAT_NL_SEQUENTIAL=1 "$TCPSTAT" -B netlink $args 2>&1)
	# shellcheck disable=SC2086
	par_out=$(TCPSTAT_NL_PER_FAMILY=1 "$TCPSTAT" -B netlink $args 2>&1)
	check "[$args] both families at once = one after the other" "$seq_out" "$par_out"
	# shellcheck disable=SC2086
	one_out=$("$TCPSTAT" -B netlink $args 2>&1)
	check "[$args] one walk: the same rows" \
		"$(sort <<<"$seq_out")" "$(sort <<<"$one_out")"
	# The table's header, -c's count, -S's first line (JSON Lines has none).
	header=$(head -n 1 <<<"$seq_out" | grep -v -E '^(tcp|\{)')
	[ -z "$header" ] || check "[$args] one walk: the same first line" \
		"$header" "$(head -n 1 <<<"$one_out")"
	check "[$args] one walk: IPv6 rows in their dump's order" \
		"$(grep -E 'tcp6' <<<"$seq_out")" "$(grep -E 'tcp6' <<<"$one_out")"
	check "[$args] one walk: IPv4 rows in their dump's order" \
		"$(grep -v -E 'tcp6' <<<"$seq_out")" "$(grep -v -E 'tcp6' <<<"$one_out")"
done
check "one walk: IPv4 and IPv6 rows mixed, so the order was tested" "yes" \
	"$("$TCPSTAT" -B netlink -H -n | awk '{print $1}' | uniq | wc -l |
		awk '$1 > 2 {print "yes"}')"
# A kernel that refuses the one walk: the per-family dumps, so their order.
for args in "-n" "-j -s established"; do
	# shellcheck disable=SC2086
	check "[$args] the one walk refused: each family's dump" \
		"$(TCPSTAT_NL_SEQUENTIAL=1 "$TCPSTAT" -B netlink $args 2>&1)" \
		"$(NONETLINK_ONLY_LEGACY=1 LD_PRELOAD="$NONETLINK" "$TCPSTAT" -B netlink $args 2>&1)"
done
# Output to a reader that stops: tcpstat ends, the read-ahead thread too.
check "to head: one line" "1" "$("$TCPSTAT" -B netlink -n | head -n 1 | wc -l)"
finish
