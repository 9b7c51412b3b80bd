# bash completion for echo-client(1)                       -*- shell-script -*-
# Installed as bash-completion's completions/echo-client. Self-contained,
# like tcpstat's. The options of echo-client --help; the HOST operand.

_echo_client()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" word
	local IFS=$' \t\n'
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	-n | --connections | -m | --message | --hold | -t | --timeout | =)
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		for word in -n --connections -m --message --half-close --hold --rst \
			-t --timeout -h --help -V --version; do
			[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
		done
	else
		# HOST, numeric.
		for word in 127.0.0.1 ::1; do
			[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
		done
	fi
	return 0
}

complete -F _echo_client echo-client
