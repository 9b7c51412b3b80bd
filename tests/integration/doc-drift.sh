#!/bin/bash
# The options cannot drift apart: every option tcpstat --help lists is in
# the man page, offered by the bash completion and known to the zsh one,
# and whatever the completions offer, tcpstat accepts; the same for the -O
# columns (tcpstat -O help), the state names and groups, the backends, and
# for echo-server and echo-client against their own --help.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?set TCPSTAT to the tcpstat binary}"
: "${ECHO_SERVER:?set ECHO_SERVER}"
: "${ECHO_CLIENT:?set ECHO_CLIENT}"
: "${BUILD_ROOT:?set BUILD_ROOT to the meson build folder}"
command -v mandoc >/dev/null || { echo "FAIL: mandoc is needed (apt-get install mandoc)" >&2; exit 1; }
completion=$(cd "$(dirname "$0")/../../doc/completion" && pwd)

# man_text PROG: its built man page as plain text, one line per paragraph
# line, wide enough that no option is broken across lines.
man_text() {
	mandoc -T ascii -O width=400 "$BUILD_ROOT/doc/$1.1" | col -b
}

# man_options TEXT: the options the man page TEXT describes, one per line:
# those named by the term lines ("-p, --port PORT") of its OPTIONS sections.
man_options() {
	awk '/^[A-Z]/ { in_options = /OPTIONS$/; next }
		in_options && /^       -/ && !/\.$/' <<<"$1" |
		tr ',' '\n' | sed -nE 's/^ *(--?[[:alnum:]][[:alnum:]-]*).*/\1/p' | sort -u
}

# has_word TEXT WORD: WORD stands alone in TEXT (not as part of --WORD-x).
has_word() {
	grep -qE -- "(^|[^[:alnum:]_-])$(printf '%s' "$2" | sed 's/[.[\*^$]/\\&/g')([^[:alnum:]_-]|$)" <<<"$1"
}

# bash_offers FILE FUNCTION WORD...: what the completion FUNCTION from FILE
# offers for the command line WORD... (the last one being completed), one
# per line, in a bash that has nothing of bash-completion loaded.
bash_offers() {
	local file=$1 func=$2
	shift 2
	bash --norc --noprofile -c '
		. "$1" || exit 1
		func=$2
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		"$func"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$file" "$func" "$@"
}

# missing SET LIST: the words of LIST not in SET (both one per line).
missing() {
	comm -23 <(sort -u <<<"$2") <(sort -u <<<"$1")
}

# --- tcpstat ---------------------------------------------------------------

help=$("$TCPSTAT" --help)
man=$(man_text tcpstat)
zsh_file=$(cat "$completion/_tcpstat")

longs=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
shorts=$(grep -oE -- '^  -[[:alnum:]],' <<<"$help" | tr -d ' ,' | sort -u)
check "tcpstat --help lists long options" "yes" "$([ "$(wc -l <<<"$longs")" -ge 20 ] && echo yes)"
check "tcpstat --help lists short options" "yes" "$([ "$(wc -l <<<"$shorts")" -ge 15 ] && echo yes)"

offered_long=$(bash_offers "$completion/tcpstat.bash" _tcpstat tcpstat --)
offered_short=$(bash_offers "$completion/tcpstat.bash" _tcpstat tcpstat - | grep -v '^--')
check "tcpstat.1 describes the options of --help, no more" \
	"$(printf '%s\n' "$longs" "$shorts" | sort)" "$(man_options "$man")"
not_in_zsh=""
for opt in $longs $shorts; do
	has_word "$zsh_file" "$opt" || not_in_zsh+=" $opt"
done
check "_tcpstat knows every option of --help (missing:)" "" "$not_in_zsh"
check "bash completion offers every long option of --help" "" "$(missing "$offered_long" "$longs")"
check "bash completion offers every short option of --help" "" "$(missing "$offered_short" "$shorts")"
check "bash completion offers no long option --help lacks" "" "$(missing "$longs" "$offered_long")"
check "bash completion offers no short option --help lacks" "" "$(missing "$shorts" "$offered_short")"

# The -O columns: tcpstat -O help, the man page's COLUMNS FOR -O (one term
# each), the completions.
columns=$("$TCPSTAT" -O help | sed -nE 's/^  ([a-z][a-z-]*) .*/\1/p' | sort)
check "tcpstat -O help lists columns" "yes" "$([ "$(wc -l <<<"$columns")" -ge 10 ] && echo yes)"
man_columns=$(sed -n '/^COLUMNS FOR -O$/,/^[A-Z]/p' <<<"$man" | sed -nE 's/^       ([a-z][a-z-]*)$/\1/p' | sort)
check "tcpstat.1 COLUMNS FOR -O: the columns of -O help" "$columns" "$man_columns"
offered=$(bash_offers "$completion/tcpstat.bash" _tcpstat tcpstat -O '')
check "bash completion after -O: the columns of -O help, and help" \
	"$(printf '%s\nhelp\n' "$columns" | sort)" "$(sort <<<"$offered")"
not_in_zsh=""
for col in $columns; do
	grep -qF "'${col}[" <<<"$zsh_file" || not_in_zsh+=" $col"
done
check "_tcpstat knows every column (missing:)" "" "$not_in_zsh"

# The states: the eleven tcpstat -S counts (netstat's names, what tcpstat
# prints), the groups --help names, and whatever else the completion
# offers after -s must be accepted by tcpstat.
states=$("$TCPSTAT" -S | awk '$1 != "TOTAL" { print $1 }')
check "tcpstat -S: eleven states" "11" "$(wc -l <<<"$states")"
groups="all connected synchronized bucket big"
not_in_help=""
for group in $groups; do
	has_word "$help" "$group" || not_in_help+=" $group"
done
check "tcpstat --help names every group (missing:)" "" "$not_in_help"
offered=$(bash_offers "$completion/tcpstat.bash" _tcpstat tcpstat -s '')
not_in_man="" not_in_zsh=""
for name in $states $groups; do
	has_word "$man" "$name" || not_in_man+=" $name"
	grep -qF "'${name}[" <<<"$zsh_file" || not_in_zsh+=" $name"
done
check "tcpstat.1 names every state and group (missing:)" "" "$not_in_man"
check "_tcpstat knows every state and group (missing:)" "" "$not_in_zsh"
# shellcheck disable=SC2086  # word lists on purpose
check "bash completion after -s: every state and group" "" \
	"$(missing "$offered" "$(printf '%s\n' $states $groups)")"
# With --version tcpstat parses every option, then exits: 0, or 2 for a bad value.
rejected=""
for name in $offered; do
	"$TCPSTAT" -s "$name" --version >/dev/null 2>&1
	[ $? -ne 2 ] || rejected+=" $name"
done
check "tcpstat -s accepts every name the completion offers (rejected:)" "" "$rejected"

# Backends: the completion offers what -B takes and --help names.
offered=$(bash_offers "$completion/tcpstat.bash" _tcpstat tcpstat -B '')
check "bash completion after -B" "auto netlink proc" "$(paste -sd ' ' <<<"$offered")"
not_in_help="" not_in_man="" not_in_zsh="" rejected=""
for name in $offered; do
	has_word "$help" "$name" || not_in_help+=" $name"
	has_word "$man" "$name" || not_in_man+=" $name"
	grep -qF "$name\\:" <<<"$zsh_file" || not_in_zsh+=" $name"
	"$TCPSTAT" -B "$name" --version >/dev/null 2>&1
	[ $? -ne 2 ] || rejected+=" $name"
done
check "tcpstat --help names every backend (missing:)" "" "$not_in_help"
check "tcpstat.1 names every backend (missing:)" "" "$not_in_man"
check "_tcpstat knows every backend (missing:)" "" "$not_in_zsh"
check "tcpstat -B accepts every backend the completion offers (rejected:)" "" "$rejected"

# The JSON keys --help lists are in the man page's JSON OUTPUT.
keys=$(tr '\n' ' ' <<<"$help" | sed -E 's/.*\(keys: ([^)]*)\).*/\1/' | tr -s ' ;' '\n' |
	grep -vE '^(with|-P|)$')
check "tcpstat --help lists the JSON keys" "yes" "$([ "$(wc -l <<<"$keys")" -ge 14 ] && echo yes)"
json_section=$(sed -n '/^JSON OUTPUT$/,/^[A-Z]/p' <<<"$man")
not_in_man=""
for key in $keys; do
	has_word "$json_section" "$key" || not_in_man+=" $key"
done
check "tcpstat.1 JSON OUTPUT has every key of --help (missing:)" "" "$not_in_man"

# --- echo-server, echo-client ----------------------------------------------

for prog in echo-server echo-client; do
	if [ "$prog" = echo-server ]; then
		bin=$ECHO_SERVER func=_echo_server
	else
		bin=$ECHO_CLIENT func=_echo_client
	fi
	help=$("$bin" --help)
	man=$(man_text "$prog")
	zsh_file=$(cat "$completion/_$prog")
	opts=$(grep -oE -- '(^  -[[:alnum:]],|--[a-z][a-z0-9-]*)' <<<"$help" | tr -d ' ,' | sort -u)
	offered=$(bash_offers "$completion/$prog.bash" "$func" "$prog" -)
	check "$prog.1 describes the options of --help, no more" "$opts" "$(man_options "$man")"
	not_in_zsh=""
	for opt in $opts; do
		has_word "$zsh_file" "$opt" || not_in_zsh+=" $opt"
	done
	check "_$prog knows every option of --help (missing:)" "" "$not_in_zsh"
	check "$prog bash completion: the options of --help" "$opts" "$(sort -u <<<"$offered")"
done

finish
