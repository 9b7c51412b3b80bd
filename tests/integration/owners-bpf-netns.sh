#!/bin/bash
# -P, --pid and --program's owners from the kernel's task-file iterator
# (--owners-source bpf, issue 19) are the /proc walk's, byte for byte: on
# sockfixture's sockets shared by a fork (two owners), on sockets made by
# threads (one renamed: the owner is its process, named as /proc names it;
# one with a file table of its own: in no /proc/PID/fd, so no owner), for
# -P, -P -j, --pid and --program. Unprivileged, auto falls back to the walk
# and -v says why; a forced bpf is one line on stderr and exit 2. In a
# build without eBPF the same two: bpf an error, auto the walk.
# Skipped (77) only where eBPF cannot be had (not root, or the kernel
# refuses the program), except in CI, which builds it and is root.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}"
command -v setpriv >/dev/null || { echo "FAIL: setpriv (util-linux) is needed" >&2; exit 1; }
# Debian's python3, not one under root's home that nobody cannot run.
python=/usr/bin/python3
[ -x "$python" ] || { echo "FAIL: $python (Debian's python3) is needed" >&2; exit 1; }
have_bpf=${TCPSTAT_HAVE_BPF:-0}
if [ "$have_bpf" = 1 ] && [ "$(id -u)" != 0 ]; then
	if [ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ]; then
		echo "FAIL: CI must run the eBPF owner source as root (uid $(id -u))" >&2
		exit 1
	fi
	echo "SKIP: the eBPF owner source needs root" >&2
	exit 77
fi
netns_enter "$@"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
chmod 755 "$TMPDIR_TEST"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# holder.py BASE: holds a listener on 127.0.0.1:BASE made by a thread that
# renamed itself, and one on BASE+1 made by a thread that then had a file
# table of its own (unshare CLONE_FILES); the process is named "holder".
# Prints "ready PID", holds until SIGTERM or 60 s.
cat >"$TMPDIR_TEST/holder.py" <<'EOF'
import ctypes, os, socket, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NAME, CLONE_FILES = 15, 0x400
base = int(sys.argv[1])
libc.prctl(PR_SET_NAME, b"holder", 0, 0, 0)
made, keep = threading.Barrier(3), []
def listen(port, unshare_files):
    if unshare_files and libc.unshare(CLONE_FILES) != 0:
        sys.exit("holder: unshare: " + os.strerror(ctypes.get_errno()))
    libc.prctl(PR_SET_NAME, b"sockthread", 0, 0, 0)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    keep.append(s)
    made.wait(10)
    time.sleep(60)
for port, own in ((base, False), (base + 1, True)):
    threading.Thread(target=listen, args=(port, own), daemon=True).start()
made.wait(10)
print("ready", os.getpid(), flush=True)
time.sleep(60)
EOF

"$SOCKFIXTURE" --fork >"$TMPDIR_TEST/fixture.out" &
parent=$!
track_pid "$parent"
"$python" "$TMPDIR_TEST/holder.py" 9100 >"$TMPDIR_TEST/holder.out" &
track_pid $!
# setpriv itself, not a function's subshell, so that $! is the holder's pid.
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$python" "$TMPDIR_TEST/holder.py" 9200 >"$TMPDIR_TEST/nobody.out" &
track_pid $!
for f in fixture holder nobody; do
	wait_for_line "$TMPDIR_TEST/$f.out" '^ready' 10 || exit 1
done
child=$(awk '$1 == "child" { print $2 }' "$TMPDIR_TEST/fixture.out")
holder=$(awk '$1 == "ready" { print $2 }' "$TMPDIR_TEST/holder.out")
nobody=$(awk '$1 == "ready" { print $2 }' "$TMPDIR_TEST/nobody.out")
first=$(( parent < child ? parent : child )) second=$(( parent < child ? child : parent ))

# run NAME WHO ARGS...: tcpstat ARGS as WHO (root or nobody), its stdout,
# stderr and exit status in $TMPDIR_TEST/NAME.{out,err,rc}.
run() {
	local name=$1 who=$2
	shift 2
	if [ "$who" = nobody ]; then
		as_nobody "$TCPSTAT" "$@"
	else
		"$TCPSTAT" "$@"
	fi >"$TMPDIR_TEST/$name.out" 2>"$TMPDIR_TEST/$name.err"
	echo $? >"$TMPDIR_TEST/$name.rc"
}
result() { cat "$TMPDIR_TEST/$1.rc" "$TMPDIR_TEST/$1.out"; }

# The listings each source must print byte for byte alike, with the same
# exit status (-j without TIME_WAIT: its timer_ms counts down between runs).
cases=("-P" "-P -j exclude time-wait" "-P -a" "-P -l -B proc" "-P -j -l -e" "--pid $parent"
	"--pid $child -P" "--pid $holder -P -l" "--pid $parent --pid $holder -P -j -l"
	"--program sockfixture" "--program sockfixture -P -j -4 exclude time-wait"
	"--program holder -P" "--program nosuch" "-c --program sockfixture" "-P -s fin-wait-2")

if [ "$have_bpf" != 1 ]; then
	# A build without eBPF: bpf cannot be had, auto is the walk.
	run forced root -P --owners-source bpf
	check "no eBPF build: --owners-source bpf: exit 2, nothing on stdout" "2" "$(result forced)"
	check "no eBPF build: --owners-source bpf: one line" \
		"tcpstat: eBPF owners: built without eBPF: Operation not supported" \
		"$(cat "$TMPDIR_TEST/forced.err")"
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086  # each case is a word list
		run auto root $c -v
		# shellcheck disable=SC2086
		run proc root $c --owners-source proc
		check "no eBPF build: $c: auto = proc" "$(result proc)" "$(result auto)"
	done
	run auto root -P -v
	check "no eBPF build: -v says why not eBPF" \
		"tcpstat: eBPF owners: built without eBPF: Operation not supported; owners from /proc/PID/fd" \
		"$(grep owners "$TMPDIR_TEST/auto.err")"
	finish
fi

# Root: can the kernel load the program at all (lockdown, no BTF)?
run probe root -c -P --owners-source bpf
if [ "$(cat "$TMPDIR_TEST/probe.rc")" != 0 ]; then
	if [ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ]; then
		echo "FAIL: CI must load the eBPF owner source: $(cat "$TMPDIR_TEST/probe.err")" >&2
		exit 1
	fi
	echo "SKIP: the kernel refuses the eBPF owner source: $(cat "$TMPDIR_TEST/probe.err")" >&2
	exit 77
fi

# libbpf is loaded only when eBPF is asked for: tcpstat does not need it to
# start, and where it cannot be loaded (here: every libbpf.so.* hidden
# under /dev/null in a mount namespace of the run's own) auto falls back to
# the walk and says why, and a forced source is one line and exit 2.
check "tcpstat is not linked against libbpf" "" \
	"$(readelf -d "$TCPSTAT" | grep -F NEEDED | grep -F libbpf)"
libbpfs=$(ldconfig -p | awk '$1 ~ /^libbpf\.so\./ { print $NF }' | xargs -r readlink -f | sort -u)
[ -n "$libbpfs" ] || { echo "FAIL: ldconfig knows no libbpf.so.*" >&2; exit 1; }
# without_libbpf NAME ARGS...: run NAME root ARGS with libbpf hidden.
without_libbpf() {
	local name=$1
	shift
	# shellcheck disable=SC2016  # the inner shell expands $f and $@
	unshare -m --propagation private sh -c \
		'for f in $0; do mount --bind /dev/null "$f" || exit 99; done; exec "$@"' \
		"$libbpfs" "$TCPSTAT" "$@" >"$TMPDIR_TEST/$name.out" 2>"$TMPDIR_TEST/$name.err"
	echo $? >"$TMPDIR_TEST/$name.rc"
}
# dlerror's path is the loader's: the reason is compared with it as PATH.
said() { sed 's|(/[^ ]*: file too short)|(PATH: file too short)|' "$TMPDIR_TEST/$1.err"; }
without_libbpf nolib -P -v
run proc root -P --owners-source proc
check "no libbpf: -P is the walk's" "$(result proc)" "$(result nolib)"
check "no libbpf: -v says why" \
	"tcpstat: eBPF: cannot load $TCPSTAT_LIBBPF_SONAME (PATH: file too short): Operation not supported; owners from /proc/PID/fd" \
	"$(said nolib | grep owners)"
without_libbpf nolib -E --events-source bpf
check "no libbpf: -E --events-source bpf: exit 2, nothing on stdout, one line" \
	"2
tcpstat: eBPF: cannot load $TCPSTAT_LIBBPF_SONAME (PATH: file too short): Operation not supported" \
	"$(result nolib; said nolib)"

for c in "${cases[@]}"; do
	# shellcheck disable=SC2086
	run bpf root $c --owners-source bpf -v
	# shellcheck disable=SC2086
	run proc root $c --owners-source proc
	check "$c: bpf = proc" "$(result proc)" "$(result bpf)"
	check "$c: stderr = proc's but for -v" "$(cat "$TMPDIR_TEST/proc.err")" \
		"$(grep -v -e '^tcpstat: backend' -e '^tcpstat: owners from bpf' "$TMPDIR_TEST/bpf.err")"
	check "$c: -v says bpf" "tcpstat: owners from bpf (one pass of the task-file iterator)" \
		"$(grep owners "$TMPDIR_TEST/bpf.err")"
done

# Not vacuous: what the cases above compared.
run bpf root -H -P -l -4 --owners-source bpf
check "fork: both holders, in pid order" \
	"127.0.0.1:9100 $holder/holder
127.0.0.1:9101 -
127.0.0.1:9200 $nobody/holder
127.0.0.1:9201 -
127.0.0.1:9999 $first/sockfixture,$second/sockfixture" \
	"$(awk '{ print $4, $7 }' "$TMPDIR_TEST/bpf.out" | sort)"
run bpf root -j -P -l -4 --sport 9999 --owners-source bpf
check "fork, -j: two pids, two programs" "[$first,$second] [\"sockfixture\",\"sockfixture\"]" \
	"$(jq -c '.pids, .programs' "$TMPDIR_TEST/bpf.out" | paste -sd ' ')"
run bpf root -H -P --pid "$holder" --owners-source bpf
check "--pid of the threads' process: the renamed thread's socket, not the unshared one's" \
	"127.0.0.1:9100 $holder/holder" "$(awk '{ print $4, $7 }' "$TMPDIR_TEST/bpf.out")"
run bpf root -c --program sockthread --owners-source bpf
check "a thread's name is not its process's: none, exit 1" "1:0" \
	"$(cat "$TMPDIR_TEST/bpf.rc"):$(cat "$TMPDIR_TEST/bpf.out")"

# A listing that stops early (-q, --top N, a closed pipe) stops the one
# dump: the owners come first, so nothing may start a second, /proc-style
# dump after emit said stop (-v's count would then be of both dumps).
run bpf root -q -P -l -4 --owners-source bpf -v
check "-q -P: one dump, stopped at the first match" "0:tcpstat: backend netlink, 1 matching socket" \
	"$(cat "$TMPDIR_TEST/bpf.rc"):$(grep '^tcpstat: backend' "$TMPDIR_TEST/bpf.err")"
run plain root --top 1 -l -4 -v
run bpf root --top 1 -P -l -4 --owners-source bpf -v
check "--top 1 -P: one row, one dump, counted as without -P" \
	"1 $(grep '^tcpstat: backend' "$TMPDIR_TEST/plain.err")" \
	"$(tail -n +2 "$TMPDIR_TEST/bpf.out" | wc -l) $(grep '^tcpstat: backend' "$TMPDIR_TEST/bpf.err")"

# auto as root: bpf, but --pid alone reads those processes from /proc.
run auto root -P -v
check "auto as root: -v says bpf" "tcpstat: owners from bpf (one pass of the task-file iterator)" \
	"$(grep owners "$TMPDIR_TEST/auto.err")"
run auto root --pid "$parent" -v
check "auto --pid: -v says /proc" "tcpstat: owners from /proc/PID/fd" \
	"$(grep owners "$TMPDIR_TEST/auto.err")"

# Unprivileged: auto falls back, says why, and gives what the walk gives
# nobody (its own process's owner, root's not visible, said once); with
# --pid alone (no -P) auto reads /proc anyway, so there is nothing to fall from.
fell="tcpstat: eBPF owners: load (needs root, or CAP_BPF and CAP_PERFMON): Operation not permitted; owners from /proc/PID/fd"
walk="tcpstat: owners from /proc/PID/fd"
for c in "-P" "-P -j exclude time-wait" "--program holder -P" "--program sockfixture" \
	"--pid $nobody -P" "--pid $nobody"; do
	why=$fell
	[ "$c" != "--pid $nobody" ] || why=$walk
	# shellcheck disable=SC2086
	run auto nobody $c -v
	# shellcheck disable=SC2086
	run proc nobody $c --owners-source proc
	check "nobody $c: auto = proc" "$(result proc)" "$(result auto)"
	check "nobody $c: stderr = proc's but for -v" "$(cat "$TMPDIR_TEST/proc.err")" \
		"$(grep -v '^tcpstat: backend' "$TMPDIR_TEST/auto.err" | grep -v -F -x -e "$why")"
	check "nobody $c: -v says where from, and why" "$why" \
		"$(grep -e 'eBPF' -e 'owners from' "$TMPDIR_TEST/auto.err")"
done
run auto nobody -H -P -l -4
check "nobody -P: its own process's owner, not root's" \
	"127.0.0.1:9100 -
127.0.0.1:9101 -
127.0.0.1:9200 $nobody/holder
127.0.0.1:9201 -
127.0.0.1:9999 -" "$(awk '{ print $4, $7 }' "$TMPDIR_TEST/auto.out" | sort)"

# A forced bpf that cannot load: one line, exit 2, nothing on stdout.
run forced nobody -P --owners-source bpf
check "nobody --owners-source bpf: exit 2, nothing on stdout" "2" "$(result forced)"
check "nobody --owners-source bpf: one line on stderr" \
	"tcpstat: eBPF owners: load (needs root, or CAP_BPF and CAP_PERFMON): Operation not permitted" \
	"$(cat "$TMPDIR_TEST/forced.err")"
run bad root -P --owners-source ebpf
check "--owners-source ebpf: exit 2, nothing on stdout" "2" "$(result bad)"
check "--owners-source ebpf: one line naming it" \
	"tcpstat: invalid owners source 'ebpf' (expected auto, bpf or proc); see 'tcpstat --help'" \
	"$(cat "$TMPDIR_TEST/bad.err")"
finish
