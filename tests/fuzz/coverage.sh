#!/bin/bash
# tests/fuzz/coverage.sh NAME CORPUS_DIR - line coverage of the code a fuzz
# target exercises, over a corpus (say, the one a long run of run.sh left
# in $FUZZ_OUT/corpus-NAME): the target rebuilt with clang's source-based
# coverage, run once over every input, then llvm-cov's report for the
# room's sources. Not part of the test suite; doc/FUZZING.md's figures.
set -eu
name=${1:?usage: coverage.sh NAME CORPUS_DIR}
corpus=${2:?usage: coverage.sh NAME CORPUS_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=targets.sh
. "$here/targets.sh"
srcs=$(fuzz_sources "$name") || { echo "coverage.sh: no fuzz target '$name'" >&2; exit 2; }
# The report's files: the room's own, not the rooms below (default: every
# source but base/).
case $name in
procfs) room=procfs/procfs.c ;;
options) room="cmd/options.c explain/target.c filter/parse.c" ;;
bytecode) room="netlink/bytecode.c filter/filter.c" ;;
*) room=$(tr ' ' '\n' <<<"$srcs" | grep -v '^base/' | tr '\n' ' ') ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
incs=$(fuzz_includes "$root")
cd "$root"
# shellcheck disable=SC2086
clang -g -O1 -std=c11 -D_GNU_SOURCE -DTCPSTAT_VERSION='"fuzz"' -fsanitize=fuzzer \
	-fprofile-instr-generate -fcoverage-mapping $incs "tests/fuzz/fuzz_$name.c" $srcs -lmnl \
	-o "$out/cov"
LLVM_PROFILE_FILE="$out/cov.profraw" "$out/cov" -runs=0 "$corpus" >/dev/null 2>&1
llvm-profdata merge -sparse "$out/cov.profraw" -o "$out/cov.profdata"
# shellcheck disable=SC2086
llvm-cov report "$out/cov" -instr-profile="$out/cov.profdata" $room
