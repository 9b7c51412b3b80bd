# tests/lib.sh - shared by the integration scripts (sourced, not run).
#
# netns_enter "$@": re-runs the calling script inside a private network
# namespace (unshare -n) with lo up, so every socket it makes lives on a
# loopback no other program sees. Where no namespace can be made the script
# is skipped (exit 77), unless TCPSTAT_REQUIRE_NETNS=1 (CI), where that is a
# failure (exit 1).
#
# After it: $TMPDIR_TEST is a private scratch folder, removed on exit, and
# every pid given to track_pid is killed (TERM, then KILL) on exit.

netns_enter() {
	if [ -z "${TCPSTAT_IN_NETNS:-}" ]; then
		if ! unshare -n true 2>/dev/null; then
			if [ "${TCPSTAT_REQUIRE_NETNS:-0}" = 1 ]; then
				echo "FAIL: cannot create a network namespace (unshare -n)" >&2
				exit 1
			fi
			echo "SKIP: cannot create a network namespace (unshare -n)" >&2
			exit 77
		fi
		# The script starts over in the namespace, with a scratch folder of its own.
		rm -rf "$TMPDIR_TEST"
		TCPSTAT_IN_NETNS=1 exec unshare -n -- "$BASH" "$0" "$@"
	fi
	ip link set lo up || { echo "FAIL: cannot bring lo up" >&2; exit 1; }
	# A TIME_WAIT lasts its 60 s here (RFC 1337): on a busy machine a
	# segment can arrive late (the two CPUs' loopback queues reorder), and
	# the RST the peer answers it with would kill the TIME_WAIT a test is
	# looking at (its port then reused by the next connect()).
	sysctl -qw net.ipv4.tcp_rfc1337=1 || { echo "FAIL: cannot set tcp_rfc1337" >&2; exit 1; }
}

TMPDIR_TEST=$(mktemp -d)
TRACKED_PIDS=()

track_pid() {
	TRACKED_PIDS+=("$1")
}

cleanup_tracked() {
	local pid
	for pid in "${TRACKED_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${TRACKED_PIDS[@]}"; do
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMPDIR_TEST"
}
trap cleanup_tracked EXIT

# wait_for_line FILE PATTERN [SECONDS]: wait until FILE has a line matching
# PATTERN (grep -E); fails after SECONDS (default 10).
wait_for_line() {
	local file=$1 pattern=$2 secs=${3:-10} i
	for i in $(seq 1 $((secs * 10))); do
		grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "FAIL: timed out waiting for '$pattern' in $file" >&2
	return 1
}

# wait_bpf_attached PID...: wait until each -E --events-source bpf has
# attached its programs: its bpf_link fds, counted 0.1 s apart, agree and
# are not zero (a fixed sleep is too short when the machine is busy and the
# load takes longer). Fails after 10 s.
wait_bpf_attached() {
	local pid n last i
	for pid in "$@"; do
		last=0
		for i in $(seq 1 100); do
			n=$(find "/proc/$pid/fd" -lname 'anon_inode:bpf_link' 2>/dev/null | wc -l)
			[ "$n" -gt 0 ] && [ "$n" = "$last" ] && continue 2
			last=$n
			sleep 0.1
		done
		echo "FAIL: pid $pid attached no eBPF program in 10 s" >&2
		return 1
	done
}

FAILED=0
PASSED=0
# check NAME EXPECTED ACTUAL: compare two strings, report a diff on mismatch.
check() {
	local name=$1 expected=$2 actual=$3
	if [ "$expected" = "$actual" ]; then
		PASSED=$((PASSED + 1))
		echo "ok - $name"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $name"
		diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | sed 's/^/#   /'
	fi
}

# finish: print the tally and exit 0 or 1.
finish() {
	echo "# $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}
