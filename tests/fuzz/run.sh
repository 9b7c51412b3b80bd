#!/bin/bash
# tests/fuzz/run.sh NAME [SECONDS] - build the libFuzzer target fuzz_NAME.c
# with clang (-fsanitize=fuzzer,address,undefined) straight from the
# sources, then run it for SECONDS (default $FUZZ_SECONDS, else 30) on a
# scratch copy of corpus/NAME/ (the seeds in the tree are never written).
# Extra libFuzzer flags may come in $FUZZ_FLAGS (e.g. -jobs=1 -runs=N).
# Skipped (exit 77) without clang's libFuzzer, unless TCPSTAT_REQUIRE_FUZZ=1
# (CI), where that is a failure. The build and any crash input stay in
# $FUZZ_OUT (default a temporary folder, removed unless something failed).
set -u
name=${1:?usage: run.sh NAME [SECONDS]}
secs=${2:-${FUZZ_SECONDS:-30}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
clang=${CLANG:-$(command -v clang || command -v clang-14 || true)}

skip() {
	if [ "${TCPSTAT_REQUIRE_FUZZ:-0}" = 1 ]; then
		echo "FAIL: $1" >&2
		exit 1
	fi
	echo "SKIP: $1" >&2
	exit 77
}
[ -n "$clang" ] || skip "no clang"
out=${FUZZ_OUT:-$(mktemp -d)}
mkdir -p "$out"
keep=${FUZZ_OUT:+yes}

# shellcheck source=targets.sh
. "$here/targets.sh"
srcs=$(fuzz_sources "$name") || { echo "run.sh: no fuzz target '$name'" >&2; exit 2; }
incs=$(fuzz_includes "$root")
cd "$root" || exit 1
# shellcheck disable=SC2086  # word lists
if ! "$clang" -g -O1 -std=c11 -D_GNU_SOURCE -DTCPSTAT_VERSION='"fuzz"' \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	$incs "tests/fuzz/fuzz_$name.c" $srcs -lmnl -o "$out/fuzz_$name" 2>"$out/build.log"; then
	if grep -q "libclang_rt.fuzzer\|fuzzer.*not found\|cannot find.*fuzzer" "$out/build.log"; then
		skip "clang has no libFuzzer (Debian: libclang-rt-14-dev)"
	fi
	cat "$out/build.log" >&2
	exit 1
fi

mkdir -p "$out/corpus-$name"
cp "$here/corpus/$name"/* "$out/corpus-$name/" 2>/dev/null || true
# shellcheck disable=SC2086
"$out/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$out/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
	"$out/corpus-$name" >"$out/fuzz.log" 2>&1
rc=$?
grep -E '^(#[0-9]+.*(DONE|pulse)|stat::|Done )' "$out/fuzz.log" | tail -n 8
if [ $rc -ne 0 ]; then
	tail -n 60 "$out/fuzz.log" >&2
	echo "FAIL: fuzz_$name found something; input and log kept in $out" >&2
	exit 1
fi
[ -n "$keep" ] || rm -rf "$out"
exit 0
