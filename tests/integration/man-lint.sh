#!/bin/bash
# The man pages as built (doc/*.1.scd through scdoc): mandoc -T lint finds
# nothing at warning level or above, each has the sections a man page
# needs, and tcpstat(1) the ones its issue asked for.
. "$(dirname "$0")/../lib.sh"
: "${BUILD_ROOT:?set BUILD_ROOT to the meson build folder}"
: "${TCPSTAT_VERSION:?set TCPSTAT_VERSION}"
command -v mandoc >/dev/null || { echo "FAIL: mandoc is needed (apt-get install mandoc)" >&2; exit 1; }

# text PAGE: the page as a terminal shows it, without bold or underline.
text() {
	mandoc -T ascii "$1" | col -b
}

for prog in tcpstat echo-server echo-client; do
	page=$BUILD_ROOT/doc/$prog.1
	if [ ! -f "$page" ]; then
		check "$prog.1 is built" "$page" ""
		continue
	fi
	lint=$(mandoc -T lint -W warning "$page" 2>&1)
	check "$prog.1: mandoc -T lint -W warning: exit status" "0" "$?"
	check "$prog.1: mandoc -T lint -W warning: no message" "" "$lint"
	check "$prog.1: .TH names the page and the version" \
		".TH \"$prog\" \"1\" DATE \"tcpstat $TCPSTAT_VERSION\"" \
		"$(grep '^\.TH ' "$page" | sed -E 's/"[0-9]{4}-[0-9]{2}-[0-9]{2}"/DATE/')"
	# tcpstat(1) has its options in five sections of their own, below.
	if [ "$prog" = tcpstat ]; then
		options=""
	else
		options=" OPTIONS"
	fi
	check "$prog.1: sections" \
		"NAME SYNOPSIS DESCRIPTION$options EXIT STATUS ENVIRONMENT EXAMPLES SEE ALSO" \
		"$(text "$page" | grep -E '^(NAME|SYNOPSIS|DESCRIPTION|OPTIONS|EXIT STATUS|ENVIRONMENT|EXAMPLES|SEE ALSO)$' | paste -sd ' ')"
	check "$prog.1: NAME line" "1" "$(text "$page" | grep -cE "^ +$prog - ")"
done

page=$BUILD_ROOT/doc/tcpstat.1
check "tcpstat.1: the other sections, in order" \
	"SELECTION OPTIONS
OUTPUT OPTIONS
METRICS OPTIONS
WATCHING OPTIONS
NETWORK NAMESPACE OPTIONS
KILL OPTIONS
EXPLAINING OPTIONS
OTHER OPTIONS
FILTERS
STATES
COLUMNS
COLUMNS FOR -O
METRICS
JSON OUTPUT
PROCESSES
FILES" \
	"$(text "$page" | grep -E '^[A-Z]' | grep -vE '^(NAME|SYNOPSIS|DESCRIPTION|EXIT STATUS|ENVIRONMENT|EXAMPLES|SEE ALSO)$' | grep -v '^tcpstat')"
check "tcpstat.1: SEE ALSO ss(8), netstat(8), tcp(7)" "3" \
	"$(text "$page" | sed -n '/^SEE ALSO$/,$p' | grep -oE '(ss\(8\)|netstat\(8\)|tcp\(7\))' | sort -u | wc -l)"
check "tcpstat.1: EXIT STATUS 0, 1, 2" "0 1 2" \
	"$(text "$page" | sed -n '/^EXIT STATUS$/,/^[A-Z]/p' | grep -E '^ +[0-9]$' | tr -d ' ' | paste -sd ' ')"

finish
