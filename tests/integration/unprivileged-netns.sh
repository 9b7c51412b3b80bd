#!/bin/bash
# What an unprivileged user cannot see is said (issue 12): root's fixture
# holds the sockets, tcpstat runs as nobody, so no owner can be read.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
netns_enter "$@"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
command -v setpriv >/dev/null || { echo "FAIL: setpriv (util-linux) is needed" >&2; exit 1; }

"$SOCKFIXTURE" --name fixture >"$TMPDIR_TEST/fixture.out" &
track_pid $!
wait_for_line "$TMPDIR_TEST/fixture.out" '^ready$' 10 || exit 1
chmod 755 "$TMPDIR_TEST"

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPSTAT" "$@"; }
hidden="tcpstat: owners of 3 sockets not visible without privileges (try sudo)"

as_nobody -P -l >"$TMPDIR_TEST/out" 2>"$TMPDIR_TEST/err"
check "-P -l as nobody: exit 0 (listeners matched)" 0 $?
check "-P -l as nobody: said once on stderr" "$hidden" "$(cat "$TMPDIR_TEST/err")"
check "-P -l as nobody: - for the owners" "- - -" \
	"$(tail -n +2 "$TMPDIR_TEST/out" | awk '{ print $7 }' | tr '\n' ' ' | sed 's/ $//')"

as_nobody -q -l --program fixture 2>"$TMPDIR_TEST/err"
check "--program as nobody, none visible: exit 2, not 1" 2 $?
check "--program as nobody: the reason" "$hidden" "$(cat "$TMPDIR_TEST/err")"

as_nobody -q --sport 9999 -l --pid "$(pgrep -xo fixture)" 2>"$TMPDIR_TEST/err"
check "--pid of root's process as nobody: exit 2" 2 $?
check "--pid as nobody: 1 socket, singular" \
	"tcpstat: owners of 1 socket not visible without privileges (try sudo)" \
	"$(cat "$TMPDIR_TEST/err")"

# As root every owner is seen: nothing said, and none is none (exit 1).
"$TCPSTAT" -q --program nosuchprogram 2>"$TMPDIR_TEST/err"
check "--program nosuch as root: exit 1" 1 $?
check "--program nosuch as root: nothing on stderr" "" "$(cat "$TMPDIR_TEST/err")"
# Without owners asked for, nobody sees the sockets as ever, silently.
as_nobody -q -l 2>"$TMPDIR_TEST/err"
check "-l as nobody: exit 0" 0 $?
check "-l as nobody: nothing on stderr" "" "$(cat "$TMPDIR_TEST/err")"
finish
