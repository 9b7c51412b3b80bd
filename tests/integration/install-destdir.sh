#!/bin/bash
# meson install, staged (--destdir, and DESTDIR as packagers set it): the
# three programs in bindir, their man pages in man1, the completions where
# bash-completion and zsh look for them, and nothing else.
. "$(dirname "$0")/../lib.sh"
: "${BUILD_ROOT:?set BUILD_ROOT to the meson build folder}"
: "${TCPSTAT_VERSION:?set TCPSTAT_VERSION}"
command -v jq >/dev/null || { echo "FAIL: jq is needed (apt-get install jq)" >&2; exit 1; }

# The install folders as this build was configured (meson setup --prefix ...).
option() {
	meson introspect --buildoptions "$BUILD_ROOT" | jq -r --arg n "$1" '.[] | select(.name == $n) | .value'
}
# under PREFIX DIR: DIR if absolute, else PREFIX/DIR.
under() {
	case $2 in
	/*) echo "$2" ;;
	*) echo "$1/$2" ;;
	esac
}
prefix=$(option prefix)
bindir=$(under "$prefix" "$(option bindir)")
mandir=$(under "$prefix" "$(option mandir)")
datadir=$(under "$prefix" "$(option datadir)")
check "prefix is known" "yes" "$([ -n "$prefix" ] && echo yes)"

# bash-completion's completionsdir, for this datadir.
if pkg-config --exists bash-completion 2>/dev/null; then
	bashdir=$(pkg-config --define-variable=datadir="$datadir" --variable=completionsdir bash-completion)
else
	bashdir=$datadir/bash-completion/completions
fi
zshdir=$datadir/zsh/site-functions

expected=$(printf '%s\n' \
	"$bindir/tcpstat" "$bindir/echo-server" "$bindir/echo-client" \
	"$mandir/man1/tcpstat.1" "$mandir/man1/echo-server.1" "$mandir/man1/echo-client.1" \
	"$bashdir/tcpstat" "$bashdir/echo-server" "$bashdir/echo-client" \
	"$zshdir/_tcpstat" "$zshdir/_echo-server" "$zshdir/_echo-client" | sort)

# installed ROOT: every file under ROOT, as its path once installed.
installed() {
	(cd "$1" && find . -type f -o -type l) | sed 's|^\.||' | sort
}

stage=$TMPDIR_TEST/destdir
meson install -C "$BUILD_ROOT" --destdir "$stage" --no-rebuild --quiet \
	>"$TMPDIR_TEST/install.log" 2>&1
check "meson install --destdir: exit status" "0" "$?"
sed 's/^/#   /' "$TMPDIR_TEST/install.log"
check "meson install --destdir: exactly these files" "$expected" "$(installed "$stage")"

env_stage=$TMPDIR_TEST/env-destdir
DESTDIR=$env_stage meson install -C "$BUILD_ROOT" --no-rebuild --quiet \
	>"$TMPDIR_TEST/install-env.log" 2>&1
check "DESTDIR=... meson install: exit status" "0" "$?"
check "DESTDIR=... meson install: the same files" "$expected" "$(installed "$env_stage")"

for prog in tcpstat echo-server echo-client; do
	check "$prog is executable" "yes" "$([ -x "$stage$bindir/$prog" ] && echo yes)"
	check "$prog.1 is the page built" "same" \
		"$(cmp -s "$stage$mandir/man1/$prog.1" "$BUILD_ROOT/doc/$prog.1" && echo same)"
done
check "installed tcpstat --version" "tcpstat $TCPSTAT_VERSION" "$("$stage$bindir/tcpstat" --version)"
check "installed echo-server --version" "echo-server (tcpstat) $TCPSTAT_VERSION" \
	"$("$stage$bindir/echo-server" --version)"

# bash-completion's own loader finds the staged file by the command's name
# in XDG_DATA_DIRS, as it finds the installed one under /usr/local/share
# or /usr/share.
if [ -f /usr/share/bash-completion/bash_completion ]; then
	loaded=$(XDG_DATA_DIRS="$stage$datadir" BASH_COMPLETION_USER_DIR=/nonexistent bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion
		for cmd in tcpstat echo-server echo-client; do
			__load_completion "$cmd" && complete -p "$cmd"
		done' 2>&1)
	check "bash-completion loads the staged completions" \
		"complete -F _tcpstat tcpstat
complete -F _echo_server echo-server
complete -F _echo_client echo-client" "$loaded"
else
	echo "FAIL: bash-completion is needed (apt-get install bash-completion)" >&2
	FAILED=$((FAILED + 1))
fi

# The zsh files start with the #compdef line compinit looks for.
for prog in tcpstat echo-server echo-client; do
	check "_$prog: #compdef $prog" "#compdef $prog" "$(head -n 1 "$stage$zshdir/_$prog")"
done

finish
