# tests/fuzz/targets.sh - sourced by run.sh and coverage.sh: what each fuzz
# target links and where its headers are, kept once (two copies of these
# lists drifted apart once: coverage.sh's procfs target lacked ahead.c).

# fuzz_sources NAME: the sources fuzz_NAME.c links (its room and the rooms
# below it), relative to the tree's root, globs unexpanded; status 1 when
# there is no such target.
fuzz_sources() {
	case $1 in
	procfs) echo "procfs/procfs.c procfs/ahead.c filter/filter.c filter/lists.c base/*.c" ;;
	nl_parse) echo "netlink/parse.c base/*.c" ;;
	options) echo "cmd/options.c cmd/habits.c explain/target.c out/*.c filter/*.c base/*.c" ;;
	bytecode) echo "netlink/bytecode.c filter/filter.c filter/lists.c base/*.c" ;;
	filter_parse) echo "filter/*.c netlink/bytecode.c base/*.c" ;;
	twtrack) echo "events/twtrack.c events/snapshot.c base/vec.c" ;;
	ownrec) echo "owners/iterparse.c owners/owners.c base/*.c" ;;
	*) return 1 ;;
	esac
}

# fuzz_includes ROOT: the -I flags for every room under ROOT.
fuzz_includes() {
	local d incs=""

	for d in include base filter netlink procfs owners owners/bpf out dump events explain cmd tests; do
		incs="$incs -I$1/$d"
	done
	echo "$incs"
}
