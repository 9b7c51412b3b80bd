#!/bin/sh
# build.sh - set up, build and run tcpstat, or its tests, on Debian 12.
#
#   ./build.sh run [TCPSTAT ARGS...]   build, then run build/tcpstat
#   ./build.sh test                    build, then run every test
#
# Missing Debian packages are installed with apt-get when run as root;
# otherwise the exact apt-get line to run is printed. With CI=true (as CI
# runs it) the build uses -Werror and ASan+UBSan, in build-ci/, and the
# integration and fuzz tests must not skip. `test` runs the fuzz suite too
# (7 targets, ~30 s each, tests/fuzz/run.sh).
set -eu
cd "$(dirname "$0")"

usage() {
	echo "usage: ./build.sh run [TCPSTAT ARGS...] | ./build.sh test" >&2
	exit 2
}
[ $# -ge 1 ] || usage
mode=$1
shift

# scdoc: the man pages are built from doc/*.scd.
build_pkgs="gcc libc6-dev meson ninja-build pkg-config libmnl-dev scdoc"
# clang, bpftool, libbpf-dev: -E from the kernel's tracepoint (meson -Dbpf).
bpf_pkgs="clang bpftool libbpf-dev"
# iproute2: ip and ss; util-linux: unshare; procps: process checks; jq: JSON
# checks; hyperfine, time, net-tools (netstat): the quick benchmark;
# mandoc: man page lint; bash-completion: its completionsdir and loader;
# prometheus (promtool), prometheus-node-exporter, curl: the --metrics tests,
# which start their own node_exporter in a private network namespace;
# netbase: /etc/services, for the filter language's port names; python3:
# the filter tests' expression generator and the pty driver of the -w
# tests; strace: the namespace fd-leak check; lsof, python3-psutil: the
# benchmark's peers; gnuplot-nox: its plot; libxml2-utils: xmllint, which checks the plot.
test_pkgs="libcmocka-dev iproute2 util-linux procps jq hyperfine time net-tools mandoc bash-completion
	prometheus prometheus-node-exporter curl netbase python3 strace"
test_pkgs="$test_pkgs lsof python3-psutil gnuplot-nox"
test_pkgs="$test_pkgs libxml2-utils"
# libFuzzer's runtime for clang (in bpf_pkgs): the fuzz suite (tests/fuzz/run.sh).
test_pkgs="$test_pkgs libclang-rt-14-dev"
case $mode in
run) pkgs="$build_pkgs $bpf_pkgs" ;;
test) pkgs="$build_pkgs $bpf_pkgs $test_pkgs" ;;
*) usage ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "build.sh: installing:$missing" >&2
		# Packages with a service (prometheus, node_exporter) must not start
		# it on this machine: a policy-rc.d saying "no" while apt runs, unless
		# the machine has one of its own.
		policy=/usr/sbin/policy-rc.d
		own_policy=""
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\n# build.sh: start no service while it installs packages.\nexit 101\n' >"$policy"
			chmod 755 "$policy"
			own_policy=$policy
			trap 'rm -f "$own_policy"' EXIT
		fi
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
		if [ -n "$own_policy" ]; then
			rm -f "$own_policy"
			trap - EXIT
		fi
	else
		echo "build.sh: missing packages; run:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
		echo "or, where sudo is not installed:" >&2
		echo "  su -c 'apt-get update && apt-get install -y$missing'" >&2
		exit 1
	fi
fi

if [ "${CI:-}" = true ]; then
	builddir=build-ci
	setup_args="-Dwerror=true -Db_sanitize=address,undefined -Dtests=enabled -Dbpf=enabled"
	export TCPSTAT_REQUIRE_NETNS=1
	export TCPSTAT_REQUIRE_FUZZ=1
	export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
else
	builddir=build
	setup_args=""
fi
if [ "$mode" = test ]; then
	setup_args="$setup_args -Dtests=enabled"
fi

if [ -f "$builddir/build.ninja" ]; then
	# shellcheck disable=SC2086  # setup_args is a word list
	# Quiet: configure prints every option it knows; its errors still show.
	meson configure "$builddir" $setup_args >/dev/null
else
	# shellcheck disable=SC2086
	meson setup "$builddir" $setup_args >&2
fi
ninja -C "$builddir" >&2

case $mode in
run) exec "$builddir/tcpstat" "$@" ;;
test)
	# Said on the console, not only in the log: why the namespace tests skip.
	if ! unshare -n true 2>/dev/null; then
		echo "build.sh: cannot create a network namespace (unshare -n needs root):" \
			"the integration tests on real sockets will be skipped; run" \
			"'sudo ./build.sh test' to run them" >&2
	fi
	exec meson test -C "$builddir" --print-errorlogs ;;
esac
