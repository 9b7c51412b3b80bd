#!/bin/bash
# Every bad command line: exactly one line on stderr naming the bad value
# and pointing to --help, exit status 2, nothing on stdout.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?set TCPSTAT to the tcpstat binary}"

# args (one string, split on spaces) | the expected stderr line
cases=(
	"-p 70000|tcpstat: invalid port '70000' (expected 1-65535 or a range such as 9000-9999); see 'tcpstat --help'"
	"-p 0|tcpstat: invalid port '0' (expected 1-65535 or a range such as 9000-9999); see 'tcpstat --help'"
	"--port abc|tcpstat: invalid port 'abc' (expected 1-65535, a range such as 9000-9999 or a service name); see 'tcpstat --help'"
	"-p 9999-9000|tcpstat: invalid port range '9999-9000' (start above end); see 'tcpstat --help'"
	"--sport 1-99999|tcpstat: invalid port '1-99999' (expected 1-65535 or a range such as 9000-9999); see 'tcpstat --help'"
	"--dport -5|tcpstat: invalid port '-5' (expected 1-65535 or a range such as 9000-9999); see 'tcpstat --help'"
	"-s FOO|tcpstat: invalid state 'FOO' (expected a state or group, such as established, time-wait, connected); see 'tcpstat --help'"
	"-s LISTEN,,TIME_WAIT|tcpstat: invalid state '' (expected a state or group, such as established, time-wait, connected); see 'tcpstat --help'"
	"--src 1.2.3|tcpstat: invalid address '1.2.3' (expected an IPv4 or IPv6 address, optionally /PREFIX); see 'tcpstat --help'"
	"--dst 10.0.0.0/33|tcpstat: invalid prefix length '33' in '10.0.0.0/33' (expected 0-32); see 'tcpstat --help'"
	"--src ::1/129|tcpstat: invalid prefix length '129' in '::1/129' (expected 0-128); see 'tcpstat --help'"
	"-B foo|tcpstat: invalid backend 'foo' (expected auto, netlink or proc); see 'tcpstat --help'"
	"-z|tcpstat: unknown option '-z'; see 'tcpstat --help'"
	"--frobnicate|tcpstat: unknown option '--frobnicate'; see 'tcpstat --help'"
	"--count=5|tcpstat: option '--count' takes no value; see 'tcpstat --help'"
	"-p|tcpstat: option '-p' needs a port (-P lists processes); see 'tcpstat --help'"
	"-lp|tcpstat: option '-p' needs a port (-P lists processes); see 'tcpstat --help'"
	"-lp -4|tcpstat: option '-p' needs a port, not '-4' (-P lists processes); see 'tcpstat --help'"
	"-p 22,x|tcpstat: invalid port 'x' in '22,x' (expected 1-65535, a range such as 9000-9999 or a service name); see 'tcpstat --help'"
	"--dst [::1]:80,81|tcpstat: invalid port '80,81' in '[::1]:80,81' (one port or range after the address); see 'tcpstat --help'"
	"--src fe80::1%nosuchif0|tcpstat: unknown interface 'nosuchif0' in 'fe80::1%nosuchif0'; see 'tcpstat --help'"
	"--state|tcpstat: option '--state' needs a value; see 'tcpstat --help'"
	"-l extra|tcpstat: filter: unexpected 'extra' at word 1; see 'tcpstat --help'"
	"sport = :80 or or|tcpstat: filter: unexpected 'or' at word 5 (after 'sport = :80 or'); see 'tcpstat --help'"
	"-H sport > :99999|tcpstat: filter: invalid port ':99999' at word 3 (expected 0-65535 or a service name, as :80 or :http); see 'tcpstat --help'"
	"timer < 5x|tcpstat: filter: invalid duration '5x' at word 3 (expected a number of s or ms, as 5s or 1.5s or 200ms); see 'tcpstat --help'"
	"-F /nonexistent|tcpstat: cannot read filter file '/nonexistent': No such file or directory; see 'tcpstat --help'"
	"-F /dev/zero|tcpstat: filter file '/dev/zero' is larger than 65536 bytes; see 'tcpstat --help'"
	"-O state,nosuch|tcpstat: invalid column 'nosuch' (see -O help for the names); see 'tcpstat --help'"
	"-S -O state|tcpstat: --summary prints no columns: it cannot go with --columns; see 'tcpstat --help'"
	"-S -c|tcpstat: --summary and --count cannot be combined; see 'tcpstat --help'"
	"--wait-clear --program x|tcpstat: --wait-clear cannot go with --processes, --pid and --program; see 'tcpstat --help'"
	"-E -c|tcpstat: --events cannot go with --count; see 'tcpstat --help'"
	"-w -E|tcpstat: --watch, --events and --wait-clear cannot be combined; see 'tcpstat --help'"
	"-w 0.05|tcpstat: invalid watch interval '0.05' (expected seconds, at least 0.1); see 'tcpstat --help'"
	"--interval 0|tcpstat: invalid interval '0' (expected seconds, at least 0.01); see 'tcpstat --help'"
	"--wait-clear=x|tcpstat: invalid timeout 'x' (expected seconds, more than 0); see 'tcpstat --help'"
	"--pid 0|tcpstat: invalid pid '0' (expected 1-4194304); see 'tcpstat --help'"
	"--pid 12x|tcpstat: invalid pid '12x' (expected 1-4194304); see 'tcpstat --help'"
	"--pid 4194305|tcpstat: invalid pid '4194305' (expected 1-4194304); see 'tcpstat --help'"
	"--p 80|tcpstat: ambiguous option '--p' (could be --port, --pid, --program, --processes); see 'tcpstat --help'"
	"--s|tcpstat: ambiguous option '--s' (could be --sport, --state, --src, --sort, --summary); see 'tcpstat --help'"
	"--wa=5|tcpstat: ambiguous option '--wa' (could be --watch, --wait-clear); see 'tcpstat --help'"
	"--ve|tcpstat: ambiguous option '--ve' (could be --verbose, --version); see 'tcpstat --help'"
	"-j --columns state|tcpstat: --json prints every key: it cannot go with --columns; see 'tcpstat --help'"
	"--metrics -j|tcpstat: --metrics prints no rows: it cannot go with --json and --columns; see 'tcpstat --help'"
	"--metrics-file /tmp/x.prom -S|tcpstat: --metrics cannot go with --summary, --count and --quiet; see 'tcpstat --help'"
	"--metrics -P|tcpstat: --metrics cannot go with --processes (--pid and --program select, and do); see 'tcpstat --help'"
	"--metrics -E|tcpstat: --metrics cannot go with --events and --wait-clear; see 'tcpstat --help'"
	"--metrics-top 5|tcpstat: --metrics-top goes with --metrics or --metrics-file; see 'tcpstat --help'"
	"--metrics --metrics-top 1001|tcpstat: invalid --metrics-top '1001' (expected 0-1000); see 'tcpstat --help'"
	"--metrics --metrics-top x|tcpstat: invalid --metrics-top 'x' (expected 0-1000); see 'tcpstat --help'"
	"--metrics-file /tmp/|tcpstat: invalid metrics file '/tmp/' (expected a file name); see 'tcpstat --help'"
	"--metrics-file /nonexistent-tcpstat/x.prom|tcpstat: metrics file '/nonexistent-tcpstat/x.prom': cannot create its temporary file: No such file or directory"
	"--bind-check 0|tcpstat: invalid port '0' in --bind-check '0' (expected 1-65535); see 'tcpstat --help'"
	"--bind-check 70000|tcpstat: invalid port '70000' in --bind-check '70000' (expected 1-65535); see 'tcpstat --help'"
	"--bind-check 1.2.3:80|tcpstat: invalid IPv4 address '1.2.3' in --bind-check '1.2.3:80'; see 'tcpstat --help'"
	"--bind-check ::1:80|tcpstat: invalid --bind-check '::1:80' (expected [ADDR:]PORT, IPv6 in brackets: [::1]:8080); see 'tcpstat --help'"
	"--bind-check|tcpstat: option '--bind-check' needs a value; see 'tcpstat --help'"
	"--connect-check 9999|tcpstat: invalid --connect-check '9999' (expected ADDR:PORT, IPv6 in brackets: [::1]:8080); see 'tcpstat --help'"
	"--connect-check 0.0.0.0:80|tcpstat: invalid --connect-check '0.0.0.0:80' (expected a destination address, not a wildcard); see 'tcpstat --help'"
	"--connect-check 127.0.0.1:0|tcpstat: invalid port '0' in --connect-check '127.0.0.1:0' (expected 1-65535); see 'tcpstat --help'"
	"--bind-check 9999 --connect-check 127.0.0.1:80|tcpstat: --bind-check and --connect-check cannot be combined; see 'tcpstat --help'"
	"--bind-check 9999 -w|tcpstat: --bind-check cannot go with --watch or --events; see 'tcpstat --help'"
	"--bind-check 9999 -c|tcpstat: --bind-check cannot go with --count or --summary; see 'tcpstat --help'"
	"--bind-check 9999 -p 80|tcpstat: --bind-check chooses the sockets itself: it cannot go with --port, --sport, --dport, --state, --listening, --ipv4, --ipv6, --src, --dst, --pid or --program; see 'tcpstat --help'"
	"--bind-check 9999 --wait-clear -j|tcpstat: --wait-clear cannot go with --json; see 'tcpstat --help'"
	"--connect-check 127.0.0.1:80 --wait-clear|tcpstat: --connect-check cannot go with --watch, --events or --wait-clear; see 'tcpstat --help'"
	"--connect-check 127.0.0.1:80 -P|tcpstat: --connect-check lists no sockets: it cannot go with --count, --summary, --columns, --no-header, --processes, --timers, --extend, --info, --memory, --kill, --sort or --top; see 'tcpstat --help'"
	"--bind-check 9999 --all-netns|tcpstat: --bind-check and --connect-check look at one network namespace: they cannot go with --all-netns (pick one with --netns or --netns-pid); see 'tcpstat --help'"
	"--connect-check 127.0.0.1:80 --all-netns|tcpstat: --bind-check and --connect-check look at one network namespace: they cannot go with --all-netns (pick one with --netns or --netns-pid); see 'tcpstat --help'"
	"--metrics --sort state|tcpstat: --metrics adds the sockets up: it cannot go with --sort; see 'tcpstat --help'"
	"--connect-check 127.0.0.1:80 --metrics|tcpstat: --bind-check and --connect-check cannot go with --metrics, --metrics-file or --metrics-top; see 'tcpstat --help'"
	"--connect-check 127.0.0.1:80 -s listen|tcpstat: --connect-check chooses the sockets itself: it cannot go with --port, --sport, --dport, --state, --listening, --ipv4, --ipv6, --src, --dst, --pid or --program; see 'tcpstat --help'"
)

for entry in "${cases[@]}"; do
	args=${entry%%|*}
	want=${entry#*|}
	# shellcheck disable=SC2086  # the arguments are a word list on purpose
	"$TCPSTAT" $args >"$TMPDIR_TEST/out" 2>"$TMPDIR_TEST/err"
	rc=$?
	check "tcpstat $args: exit 2" 2 "$rc"
	check "tcpstat $args: stderr" "$want" "$(cat "$TMPDIR_TEST/err")"
	check "tcpstat $args: stdout empty" "" "$(cat "$TMPDIR_TEST/out")"
done

# Values with control bytes or bytes that are not UTF-8 are echoed escaped:
# still one line, nothing the terminal acts on (issue 20).
check_escaped() {
	local want=$1
	shift
	"$TCPSTAT" "$@" >"$TMPDIR_TEST/out" 2>"$TMPDIR_TEST/err"
	check "escaped $want: exit 2" 2 "$?"
	check "escaped $want: stderr" "$want" "$(cat "$TMPDIR_TEST/err")"
	check "escaped $want: one line" 1 "$(wc -l <"$TMPDIR_TEST/err")"
	check "escaped $want: stdout empty" "" "$(cat "$TMPDIR_TEST/out")"
}
check_escaped "tcpstat: invalid port '80\\n81' (expected 1-65535, a range such as 9000-9999 or a service name); see 'tcpstat --help'" -p $'80\n81'
check_escaped "tcpstat: invalid state '\\x1b[2J' (expected a state or group, such as established, time-wait, connected); see 'tcpstat --help'" -s $'\e[2J'
check_escaped "tcpstat: invalid address '\\xff\\x9b1' (expected an IPv4 or IPv6 address, optionally /PREFIX); see 'tcpstat --help'" --src $'\xff\x9b1'
check_escaped "tcpstat: unknown option '--a\\rb'; see 'tcpstat --help'" $'--a\rb'
check_escaped "tcpstat: filter: unexpected 'x\\x1by' at word 1; see 'tcpstat --help'" $'x\ey'
check_escaped "tcpstat: filter: invalid port '\\x1b' at word 3 (expected 0-65535 or a service name, as :80 or :http); see 'tcpstat --help'" sport = $'\e'
# (Found by fuzz_options: a parser outside options.c echoed the value raw.)
check_escaped "$("$TCPSTAT" --connect-check x 2>&1 | sed "s/'x'/'\\\\rT'/")" --connect-check $'\rT'
check_escaped "tcpstat: invalid program name '' (expected a process name); see 'tcpstat --help'" --program ''
check_escaped "tcpstat: invalid column 'café' (see -O help for the names); see 'tcpstat --help'" -O 'café'

# Leading zeros: 0000000080 is 80, as 080 is; past 20 characters, refused.
# (Not in a namespace: any count may come, but no error.)
accepted() {
	"$TCPSTAT" "$@" -q -B proc 2>"$TMPDIR_TEST/err"
	[ $? -le 1 ] && [ ! -s "$TMPDIR_TEST/err" ] && echo yes || echo no
}
check "--sport 0000000080: accepted" yes "$(accepted --sport 0000000080)"
check "--pid 00000000000000000001 (20 characters): accepted" yes \
	"$(accepted --pid 00000000000000000001)"
check "--sport 000000000000000000080 (21): refused" \
	"tcpstat: invalid port '000000000000000000080' (expected 1-65535 or a range such as 9000-9999); see 'tcpstat --help'" \
	"$("$TCPSTAT" --sport 000000000000000000080 -c 2>&1)"
# A --program name longer than the kernel keeps: -v says how it is compared.
check "--program of 16 bytes, -v: the note" \
	"tcpstat: --program 'systemd-resolved': only its first 15 bytes, 'systemd-resolve', are compared (the kernel keeps no more of a process name)" \
	"$("$TCPSTAT" -v -c -B proc --program systemd-resolved 2>&1 >/dev/null | head -n 1)"

# Unique abbreviations of long options work, as getopt_long allows.
out=$("$TCPSTAT" --sp 1 --st listen --cou -B proc 2>&1)
check "--sp 1 --st listen --cou: a count" "0" "$out"
check "--vers: the version" "tcpstat ${TCPSTAT_VERSION:?}" "$("$TCPSTAT" --vers)"

# Help and version go to stdout with exit 0.
out=$("$TCPSTAT" --help)
check "--help exit 0" 0 $?
check "--help starts with usage" "Usage: tcpstat [OPTION]... [EXPRESSION]" "$(head -n 1 <<<"$out")"
check "--version" "tcpstat ${TCPSTAT_VERSION:?set by meson}" "$("$TCPSTAT" -V)"
finish
