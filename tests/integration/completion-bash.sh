#!/bin/bash
# The bash completion of doc/completion, as a user's Tab sees it: sourced
# into a bash with nothing of bash-completion loaded, and again after
# bash-completion's own bash_completion (it must work either way).
. "$(dirname "$0")/../lib.sh"
completion=$(cd "$(dirname "$0")/../../doc/completion" && pwd)
framework=/usr/share/bash-completion/bash_completion

# complete_line SETUP FILE FUNCTION WORD...: COMPREPLY, space-separated, of
# FUNCTION from FILE for the words WORD... (the last one being completed),
# in a fresh non-interactive bash where SETUP ran first.
complete_line() {
	local setup=$1 file=$2 func=$3
	shift 3
	bash --norc --noprofile -c '
		eval "$1"
		. "$2" || exit 1
		func=$3
		shift 3
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$func"
		echo "${COMPREPLY[*]}"' bash "$setup" "$file" "$func" "$@" 2>&1
}

if [ ! -f "$framework" ]; then
	echo "FAIL: bash-completion is needed (apt-get install bash-completion)" >&2
	exit 1
fi

for setup in ":" ". $framework"; do
	if [ "$setup" = : ]; then
		how="alone"
	else
		how="with bash-completion"
	fi
	t() {
		local want=$1
		shift
		check "$how: $* -> $want" "$want" \
			"$(complete_line "$setup" "$completion/tcpstat.bash" _tcpstat "$@")"
	}
	# The issue's cases.
	t "TIME_WAIT" tcpstat -s TI
	t "netlink" tcpstat -B n
	t "--columns" tcpstat --col
	t "state,local state,local-addr state,local-port state,lost" tcpstat -O state,lo
	t "-rtt,-rttvar" tcpstat --sort -rtt,-rttv
	t "--sort=cwnd" tcpstat --sort=cw
	t "time-wait,LISTEN" tcpstat -s time-wait,LI
	# The other ways to give a value, and lists.
	t "time-wait" tcpstat -s ti
	t "TIME_WAIT" tcpstat --state TI
	t "TIME_WAIT" tcpstat -ls TI
	t "-sTIME_WAIT" tcpstat -sTI
	t "TIME_WAIT" tcpstat --state = TI
	t "--state=TIME_WAIT" tcpstat --state=TI
	t "auto" tcpstat --backend = a
	t "LISTEN,connected LISTEN,closed LISTEN,close-wait LISTEN,closing" tcpstat -s LISTEN,c
	t "" tcpstat -s LISTEN,LI
	t "help" tcpstat -O he
	t "" tcpstat -O state,he
	t "timer,local-port" tcpstat --columns timer,local-p
	t "" tcpstat -p 99
	t "--watch --wait-clear" tcpstat -o --wa
	t "" tcpstat -O state,nosuch
	check "$how: complete -p tcpstat" "complete -F _tcpstat tcpstat" \
		"$(bash --norc --noprofile -c "$setup; . '$completion/tcpstat.bash'; complete -p tcpstat" 2>&1)"

	check "$how: echo-server --no" "--no-reuseaddr" \
		"$(complete_line "$setup" "$completion/echo-server.bash" _echo_server echo-server --no)"
	check "$how: echo-server -b ::" "::1 ::" \
		"$(complete_line "$setup" "$completion/echo-server.bash" _echo_server echo-server -b ::)"
	check "$how: echo-client --h" "--half-close --hold --help" \
		"$(complete_line "$setup" "$completion/echo-client.bash" _echo_client echo-client --h)"
done

finish
