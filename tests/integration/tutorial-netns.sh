#!/bin/bash
# README's tutorial, run exactly as written (issue 12): the indented lines
# between <!-- tutorial --> and <!-- /tutorial --> in README.md are the
# session; each "$ " line is a command, the lines below it what it prints.
# The commands run in order, in one bash (so %echo-server and & work as
# typed), in a fresh network namespace, with a pause of 0.3 s after each
# (a person's pace; a "sleep" in the session is typed like any command).
# Foreground commands must print what README shows, rows in any order, with
# what differs between runs masked: ephemeral ports, pids, timer seconds.
# "(exit status N ...)" after the output is the status expected (else 0).
# What a command that starts a job (&) prints is not compared.
#
#   tutorial-netns.sh            check README.md
#   tutorial-netns.sh --print    print the session as it ran, for README.md
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${ECHO_SERVER:?}" "${ECHO_CLIENT:?}"
netns_enter "$@"
# A client's connect() may take over a TIME_WAIT socket's ports on loopback
# (tcp_tw_reuse 2, the default), and a TIME_WAIT row the session shows
# would be gone: not in this namespace.
sysctl -qw net.ipv4.tcp_tw_reuse=0
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
readme=$(dirname "$0")/../../README.md
mode=${1:-check}

# The session: "C<tab>command" and "O<tab>output line" records.
sed -n '/^<!-- tutorial -->$/,/^<!-- \/tutorial -->$/p' "$readme" |
	sed -n 's/^    \$ /C\t/p; t; s/^    \(.*\)$/O\t\1/p' >"$TMPDIR_TEST/session"
n_cmds=$(grep -c '^C' "$TMPDIR_TEST/session")
[ "$n_cmds" -gt 5 ] || { echo "FAIL: no tutorial between the markers in README.md" >&2; exit 1; }
grep -q '^C	export PATH=.*build:.*build/server' "$TMPDIR_TEST/session" ||
	{ echo "FAIL: the tutorial does not give the PATH line (build/, build/server/)" >&2; exit 1; }

# One script that runs every command, each one's output and status in files.
script=$TMPDIR_TEST/run.sh
{
	echo 'cd "$1" || exit 1'
	# The session's PATH line names build/ of a clone; here the build is meson's.
	printf 'PATH=%q:%q:$PATH\n' "$(dirname "$TCPSTAT")" "$(dirname "$ECHO_SERVER")"
	i=0
	while IFS=$'\t' read -r kind text; do
		[ "$kind" = C ] || continue
		i=$((i + 1))
		case $text in
		"export PATH="*) echo ": $i; echo 0 >rc.$i; : >out.$i" ;;
		*)
			# As typed, its output into a file; a job it starts is tracked by pid.
			printf '{ %s\n} >out.%d 2>&1; echo $? >rc.%d\n' "$text" "$i" "$i"
			echo '[ -n "$!" ] && echo $! >>pids'
			;;
		esac
		echo 'sleep 0.3'
	done <"$TMPDIR_TEST/session"
	echo 'kill $(jobs -p) 2>/dev/null; wait'
} >"$script"
: >"$TMPDIR_TEST/pids"
bash "$script" "$TMPDIR_TEST" &
track_pid $!
wait $!
while read -r pid; do track_pid "$pid"; done <"$TMPDIR_TEST/pids"

# Masks what differs between runs, sorts the rows under a header.
mask() {
	perl -pe 's{:(3[2-9]|[4-6]\d)\d{3}\b}{:EPH}g; s{\b\d+/echo-}{PID/echo-}g;
		s{\(\d+\.\d\d/}{(SS.SS/}g; s{[ \t]+$}{}' |
		awk 'NR == 1 && /^Proto/ { print; next } { print | "LC_ALL=C sort" }'
}

i=0
expected=""
want_rc=0
flush() {
	[ "$i" -gt 0 ] || return 0
	case $cmd in "export PATH="*) return 0 ;; esac
	if [ "$mode" = --print ]; then
		printf '    $ %s\n' "$cmd"
		sed 's/^/    /' "$TMPDIR_TEST/out.$i"
		rc=$(cat "$TMPDIR_TEST/rc.$i")
		[ "$rc" = 0 ] || echo "    (exit status $rc)"
		return 0
	fi
	check "\$ $cmd: exit status" "$want_rc" "$(cat "$TMPDIR_TEST/rc.$i")"
	case $cmd in *"&"*) return 0 ;; esac
	check "\$ $cmd: output" "$(printf '%s' "$expected" | mask)" "$(mask <"$TMPDIR_TEST/out.$i")"
}
while IFS=$'\t' read -r kind text; do
	if [ "$kind" = C ]; then
		flush
		i=$((i + 1))
		cmd=$text
		expected=""
		want_rc=0
		continue
	fi
	if [[ $text =~ ^(.*[^ ])?\ *\(exit\ status\ ([0-9]+)[^\)]*\)$ ]]; then
		want_rc=${BASH_REMATCH[2]}
		text=${BASH_REMATCH[1]}
		[ -n "$text" ] || continue
	fi
	expected+="$text"$'\n'
done <"$TMPDIR_TEST/session"
flush
[ "$mode" = --print ] && exit 0
finish
