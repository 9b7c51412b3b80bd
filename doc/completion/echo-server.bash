# bash completion for echo-server(1)                       -*- shell-script -*-
# Installed as bash-completion's completions/echo-server. Self-contained,
# like tcpstat's. The options of echo-server --help; addresses after -b.

_echo_server()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" word
	local IFS=$' \t\n'
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	-b | --bind)
		for word in 127.0.0.1 0.0.0.0 ::1 ::; do
			[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
		done
		return 0
		;;
	-p | --port | --backlog | --close-delay | --idle-timeout | =)
		return 0
		;;
	esac
	[[ $cur == -* || -z $cur ]] || return 0
	for word in -p --port -b --bind --no-reuseaddr --reuseport --backlog \
		--close-delay --idle-timeout -q --quiet -h --help -V --version; do
		[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
	done
	return 0
}

complete -F _echo_server echo-server
