#!/bin/bash
# tests/echo/basic.sh - echo-server and echo-client command lines, and a
# plain echo over IPv4, IPv6 and a dual-stack listener.
set -u
. "$(dirname "$0")/../lib.sh"
netns_enter "$@"
. "$(dirname "$0")/echo-lib.sh"

T=$TMPDIR_TEST

# expect_usage_error NAME EXPECTED-STDERR PROGRAM ARGS...: exit 2, nothing
# on stdout, exactly one given line on stderr.
expect_usage_error() {
	local name=$1 expected=$2 rc
	shift 2
	"$@" >"$T/u.out" 2>"$T/u.err"
	rc=$?
	check "$name: exit 2" 2 "$rc"
	check "$name: stdout empty" "" "$(cat "$T/u.out")"
	check "$name: stderr" "$expected" "$(cat "$T/u.err")"
}

# --- Command lines (no socket needed) ---

for p in server client; do
	if [ $p = server ]; then bin=$ECHO_SERVER; else bin=$ECHO_CLIENT; fi
	out=$("$bin" --version); rc=$?
	check "echo-$p --version: exit 0" 0 "$rc"
	check "echo-$p --version: text" 1 "$(grep -Ec "^echo-$p \(tcpstat\) [0-9]+\.[0-9]+" <<<"$out")"
	out=$("$bin" -h 2>&1); rc=$?
	check "echo-$p -h: exit 0" 0 "$rc"
	check "echo-$p -h: usage line" 1 "$(head -n1 <<<"$out" | grep -c "^Usage: echo-$p \[OPTION\]\.\.\.")"
done

S=$ECHO_SERVER
expect_usage_error "server -p 70000" \
	"echo-server: invalid port '70000' (expected 1-65535)" "$S" -p 70000
expect_usage_error "server -p 0" \
	"echo-server: invalid port '0' (expected 1-65535)" "$S" -p 0
expect_usage_error "server -p -1" \
	"echo-server: invalid port '-1' (expected 1-65535)" "$S" -p -1
expect_usage_error "server -p ' 80'" \
	"echo-server: invalid port ' 80' (expected 1-65535)" "$S" -p ' 80'
expect_usage_error "server -p 80x" \
	"echo-server: invalid port '80x' (expected 1-65535)" "$S" -p 80x
expect_usage_error "server -p (no value)" \
	"echo-server: option '-p' needs a value" "$S" -p
expect_usage_error "server -b localhost" \
	"echo-server: invalid address 'localhost' (expected a numeric IPv4 or IPv6 address)" \
	"$S" -b localhost
expect_usage_error "server -b 1.2.3.4.5" \
	"echo-server: invalid address '1.2.3.4.5' (expected a numeric IPv4 or IPv6 address)" \
	"$S" -b 1.2.3.4.5
expect_usage_error "server --backlog 0" \
	"echo-server: invalid backlog '0' (expected 1-65535)" "$S" --backlog 0
expect_usage_error "server --close-delay 1.5s" \
	"echo-server: invalid close delay '1.5s' (expected seconds, 0-86400, up to 3 decimals)" \
	"$S" --close-delay 1.5s
expect_usage_error "server --close-delay 0.0001" \
	"echo-server: invalid close delay '0.0001' (expected seconds, 0-86400, up to 3 decimals)" \
	"$S" --close-delay 0.0001
expect_usage_error "server --close-delay (no value)" \
	"echo-server: option '--close-delay' needs a value" "$S" --close-delay
expect_usage_error "server --bogus" \
	"echo-server: unknown option '--bogus' (see --help)" "$S" --bogus
expect_usage_error "server -z" \
	"echo-server: unknown option '-z' (see --help)" "$S" -z
expect_usage_error "server extra argument" \
	"echo-server: unexpected argument 'extra' (see --help)" "$S" extra

# Values are echoed with control bytes escaped: one line, nothing raw.
expect_usage_error "server -p with a newline" \
	"echo-server: invalid port '80\\n81' (expected 1-65535)" "$S" -p $'80\n81'
expect_usage_error "server -b with ESC and a tab" \
	"echo-server: invalid address '\\x1b[2J\\t1' (expected a numeric IPv4 or IPv6 address)" \
	"$S" -b $'\e[2J\t1'
expect_usage_error "server --idle-timeout with CR" \
	"echo-server: invalid idle timeout '5\\r' (expected seconds, 0-86400, up to 3 decimals)" \
	"$S" --idle-timeout $'5\r'
expect_usage_error "server unknown long option with a newline" \
	"echo-server: unknown option '--a\\nb' (see --help)" "$S" $'--a\nb'
expect_usage_error "server unknown short option DEL" \
	"echo-server: unknown option '-\\x7f' (see --help)" "$S" $'-\x7f'
expect_usage_error "server argument with a backslash" \
	"echo-server: unexpected argument 'a\\\\b' (see --help)" "$S" 'a\b'
expect_usage_error "server long value is cut" \
	"echo-server: invalid backlog '$(printf '%0252d' 0)...' (expected 1-65535)" \
	"$S" --backlog "$(printf '%0400d' 0)"

C=$ECHO_CLIENT
expect_usage_error "client port 70000" \
	"echo-client: invalid port '70000' (expected 1-65535)" "$C" 127.0.0.1 70000
expect_usage_error "client -n 0" \
	"echo-client: invalid connection count '0' (expected 1-50000)" "$C" -n 0
expect_usage_error "client -n many" \
	"echo-client: invalid connection count 'many' (expected 1-50000)" "$C" -n many
expect_usage_error "client -m ''" \
	"echo-client: invalid message '' (expected at least one byte)" "$C" -m ''
expect_usage_error "client --hold -1" \
	"echo-client: invalid hold '-1' (expected seconds, 0-86400, up to 3 decimals)" \
	"$C" --hold -1
expect_usage_error "client -t 0" \
	"echo-client: invalid timeout '0' (expected seconds, 0.001-86400, up to 3 decimals)" \
	"$C" -t 0
expect_usage_error "client host name" \
	"echo-client: invalid host 'localhost' (expected a numeric IPv4 or IPv6 address such as 127.0.0.1 or ::1)" \
	"$C" localhost
expect_usage_error "client third argument" \
	"echo-client: unexpected argument 'x' (see --help)" "$C" 127.0.0.1 9999 x
expect_usage_error "client --rst=1" \
	"echo-client: option '--rst' takes no value" "$C" --rst=1
expect_usage_error "client host with a newline" \
	"echo-client: invalid host '127.0.0.1\\nx' (expected a numeric IPv4 or IPv6 address such as 127.0.0.1 or ::1)" \
	"$C" $'127.0.0.1\nx'
expect_usage_error "client port with a newline" \
	"echo-client: invalid port '1\\n2' (expected 1-65535)" "$C" 127.0.0.1 $'1\n2'
expect_usage_error "client -n with a newline" \
	"echo-client: invalid connection count '3\\n4' (expected 1-50000)" "$C" -n $'3\n4'
expect_usage_error "client -t with a tab" \
	"echo-client: invalid timeout '\\t1' (expected seconds, 0.001-86400, up to 3 decimals)" \
	"$C" -t $'\t1'
expect_usage_error "client --hold with ESC" \
	"echo-client: invalid hold '\\x1b' (expected seconds, 0-86400, up to 3 decimals)" \
	"$C" --hold $'\e'
expect_usage_error "client --rst= with a newline" \
	"echo-client: option '--rst' takes no value" "$C" $'--rst=\n'

# --- Nobody listening: a failure, said on stderr ---

"$C" >"$T/c.out" 2>"$T/c.err"; rc=$?
check "client, no server: exit 1" 1 "$rc"
check "client, no server: stderr" "echo-client: connection 1: connect: Connection refused" \
	"$(cat "$T/c.err")"
check "client, no server: no byte came back" \
	"0 of 1 connections to 127.0.0.1:9999 echoed 0 bytes" "$(cat "$T/c.out")"
"$C" -n 3 >"$T/c.out" 2>"$T/c.err"
check "client -n 3, no server: no byte came back" \
	"0 of 3 connections to 127.0.0.1:9999 echoed 0 bytes" "$(cat "$T/c.out")"

# --- IPv4 ---

start_server v4 || finish
pid4=$SERVER_PID
out=$("$C" 2>"$T/c.err"); rc=$?
check "v4: exit 0" 0 "$rc"
check "v4: summary" "1 of 1 connections to 127.0.0.1:9999 echoed 5 bytes" "$out"
check "v4: stderr empty" "" "$(cat "$T/c.err")"
out=$("$C" -n 3 -m 'two words' 127.0.0.1 9999 2>"$T/c.err"); rc=$?
check "v4 -n 3 -m: exit 0" 0 "$rc"
check "v4 -n 3 -m: summary (bytes over all connections)" \
	"3 of 3 connections to 127.0.0.1:9999 echoed 27 bytes" "$out"
# A 5000-byte message takes several 1024-byte server reads.
long=$(printf '%05000d' 0)
"$C" -m "$long" >/dev/null 2>"$T/c.err"; rc=$?
check "v4 5000-byte message: exit 0" 0 "$rc"
wait_for_line "$T/v4.out" '^client 127\.0\.0\.1:[0-9]+ disconnected$' 5
check "v4: server printed what was said" 4 "$(grep -c '^client say: hello$\|^client say: two words$' "$T/v4.out")"
check "v4: connect lines" 5 "$(grep -c '^client 127\.0\.0\.1:[0-9]* connected$' "$T/v4.out")"
kill -TERM "$pid4"
wait_exit "$pid4" 5
check "v4: SIGTERM exits 0" 0 "$WAIT_RC"
check "v4: server stderr empty" "" "$(cat "$T/v4.err")"
check "v4: last line" "caught SIGTERM, closed 0 clients, exiting" "$(tail -n1 "$T/v4.out")"

# --- -q: no "client say" lines, the rest stays ---

start_server quiet -q || finish
pidq=$SERVER_PID
"$C" >/dev/null 2>&1
wait_for_line "$T/quiet.out" 'disconnected$' 5
check "-q: no message lines" 0 "$(grep -c '^client say' "$T/quiet.out")"
check "-q: connect line kept" 1 "$(grep -c ' connected$' "$T/quiet.out")"
kill -INT "$pidq"
wait_exit "$pidq" 5
check "-q: SIGINT exits 0" 0 "$WAIT_RC"

# --- IPv6 ---

start_server v6 -b ::1 -p 9998 || finish
pid6=$SERVER_PID
check "v6: listening line" "listening on [::1]:9998 (SO_REUSEADDR on)" "$(head -n1 "$T/v6.out")"
out=$("$C" ::1 9998 2>"$T/c.err"); rc=$?
check "v6: exit 0" 0 "$rc"
check "v6: summary" "1 of 1 connections to [::1]:9998 echoed 5 bytes" "$out"
"$C" 127.0.0.1 9998 >/dev/null 2>&1; rc=$?
check "v6-only listener refuses 127.0.0.1" 1 "$rc"
kill -TERM "$pid6"
wait_exit "$pid6" 5
check "v6: exit 0" 0 "$WAIT_RC"

# --- -b :: takes IPv4 and IPv6 ---

start_server any -b :: -p 9997 || finish
pida=$SERVER_PID
"$C" 127.0.0.1 9997 >/dev/null 2>"$T/c.err"; rc=$?
check "-b :: serves 127.0.0.1" 0 "$rc"
"$C" ::1 9997 >/dev/null 2>"$T/c.err"; rc=$?
check "-b :: serves ::1" 0 "$rc"
kill -TERM "$pida"
wait_exit "$pida" 5
check "-b ::: exit 0" 0 "$WAIT_RC"

# --- --reuseport: two servers share one port ---

start_server rp1 --reuseport -p 9996 || finish
pidr1=$SERVER_PID
start_server rp2 --reuseport -p 9996 || finish
pidr2=$SERVER_PID
check "--reuseport: listening line" "listening on 127.0.0.1:9996 (SO_REUSEADDR on, SO_REUSEPORT on)" \
	"$(head -n1 "$T/rp2.out")"
"$C" -n 20 127.0.0.1 9996 >/dev/null 2>"$T/c.err"; rc=$?
check "--reuseport: 20 clients served" 0 "$rc"
kill -TERM "$pidr1" "$pidr2"
wait_exit "$pidr1" 5
check "--reuseport: first exits 0" 0 "$WAIT_RC"
wait_exit "$pidr2" 5
check "--reuseport: second exits 0" 0 "$WAIT_RC"

finish
