# bash completion for tcpstat(1)                           -*- shell-script -*-
#
# Installed as bash-completion's completions/tcpstat, loaded the first time
# tcpstat is completed; ". tcpstat.bash" in ~/.bashrc works as well. It
# needs nothing from the bash-completion package (no _init_completion), so
# it also works where that is not loaded.
#
# Every option of tcpstat --help, the state names and groups after -s, the
# backends after -B, the column names after -O and --sort (comma lists), pids
# after --pid, process names after --program, files after -F, and the filter
# expression's keywords and state names. tests/ checks that this
# file keeps up with --help and -O help.

# _tcpstat_list CUR WORD...: COMPREPLY gets the WORDs that complete the last
# item of the comma list CUR, each with the items before it in front
# ("state,lo" gives "state,local" ...); items already in the list are left
# out.
_tcpstat_list()
{
	local cur=$1 head="" last word
	shift
	if [[ $cur == *,* ]]; then
		head=${cur%,*},
	fi
	last=${cur##*,}
	for word in "$@"; do
		[[ $word == "$last"* ]] || continue
		[[ ,$head == *,"$word",* ]] && continue
		COMPREPLY+=("$head$word")
	done
}

# _tcpstat_words CUR WORD...: COMPREPLY gets the WORDs that start with CUR.
_tcpstat_words()
{
	local cur=$1 word
	shift
	for word in "$@"; do
		[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
	done
}

_tcpstat()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" opt="" value_head=""
	local IFS=$' \t\n'
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	local options=(
		-p --port --sport --dport -s --state -l --listening -4 --ipv4
		-6 --ipv6 --src --dst --pid --program -F --filter-file
		-P --processes -o --timers -e --extend -H --no-header
		-O --columns -j --json -S --summary -c --count -q --quiet
		-i --info -m --memory --sort --top
		--metrics --metrics-file --metrics-top
		-w --watch -E --events --interval --wait-clear
		-N --netns --netns-pid --all-netns
		-K --kill --dry-run --all
		--bind-check --connect-check
		-B --backend --events-source -v --verbose -h --help -V --version
		--owners-source
		-a --all-states -t --tcp -n --numeric --numeric-users
	)
	local states=(
		ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE
		CLOSE_WAIT LAST_ACK LISTEN CLOSING
		all connected synchronized bucket big
		established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed
		close-wait last-ack listening closing
	)
	local columns=(
		proto recv-q send-q local peer local-addr local-port peer-addr
		peer-port state uid inode timer process netns user
		rtt rttvar min-rtt rto ato mss rcv-mss advmss pmtu cwnd ssthresh reordering
		bytes-sent bytes-acked bytes-received bytes-retrans segs-in segs-out
		data-segs-in data-segs-out retrans total-retrans lost sacked unacked
		notsent delivery-rate pacing-rate send-rate busy rwnd-limited
		sndbuf-limited last-send last-recv last-ack snd-wscale rcv-wscale options
		app-limited cong rmem-alloc rcvbuf wmem-alloc sndbuf fwd-alloc wmem-queued
		optmem backlog drops
	)
	local backends=(auto netlink proc)
	# The options whose value is the next word; -w's and --wait-clear's
	# are optional, given after '=' or (-w only) as a number.
	local with_value=(
		-p --port --sport --dport -s --state --src --dst --pid --program
		-O --columns --interval -B --backend --events-source -N --netns --netns-pid
		--sort --top --metrics-file --metrics-top
		--bind-check --connect-check -F --filter-file
		--owners-source
	)
	# The filter expression's words (FILTERS in tcpstat(1)).
	local filter_words=(
		state exclude sport dport port src dst autobound and or not
		uid rq sq timer inode pid program
	)

	# The option whose value is being completed, if any: "-s X", "-sX",
	# "-ls X", "--state X", "--state=X" (one word when '=' is not in
	# COMP_WORDBREAKS) or "--state = X" (three words when it is, as by
	# default; bash then completes only what follows the '=').
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		value_head=$opt=
		cur=${cur#*=}
	elif [[ $cur == = && $prev == --* ]]; then
		opt=$prev
		cur=""
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)) &&
		[[ ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur =~ ^(-[46lHoecjSPEqvhVimKtan]*[psOBF])(.+)$ ]]; then
		opt=-${BASH_REMATCH[1]: -1}
		value_head=${BASH_REMATCH[1]}
		cur=${BASH_REMATCH[2]}
	elif [[ $prev =~ ^-[46lHoecjSPEqvhVimKtan]*[psOBF]$ ]]; then
		opt=-${prev: -1}
	elif [[ " ${with_value[*]} " == *" $prev "* ]]; then
		opt=$prev
	fi

	case $opt in
	"")
		# Options, the long ones until a '-' asks for the short ones too;
		# a word begun without '-' is part of a filter expression.
		if [[ -z $cur ]]; then
			_tcpstat_words -- "${options[@]}"
		elif [[ $prev == state || $prev == exclude || $prev == excl ]]; then
			_tcpstat_words "$cur" "${states[@]}"
		elif [[ $cur != -* ]]; then
			_tcpstat_words "$cur" "${filter_words[@]}"
		else
			_tcpstat_words "$cur" "${options[@]}"
		fi
		;;
	-F | --filter-file)
		local IFS=$'\n'
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	-s | --state)
		_tcpstat_list "$cur" "${states[@]}"
		;;
	--sort)
		# Each key ascending, or with '-' before it descending.
		if [[ ${cur##*,} == -* ]]; then
			local head=${cur%"${cur##*,}"}
			_tcpstat_list "$head${cur##*,-}" "${columns[@]}"
			COMPREPLY=("${COMPREPLY[@]/#$head/$head-}")
		else
			_tcpstat_list "$cur" "${columns[@]}"
		fi
		;;
	-O | --columns)
		_tcpstat_list "$cur" "${columns[@]}"
		# -O help lists them; it is alone, never in a list.
		if [[ $cur != *,* && help == "$cur"* ]]; then
			COMPREPLY+=(help)
		fi
		;;
	-B | --backend)
		_tcpstat_words "$cur" "${backends[@]}"
		;;
	--events-source)
		_tcpstat_words "$cur" auto bpf poll
		;;
	--owners-source)
		_tcpstat_words "$cur" auto bpf proc
		;;
	-N | --netns)
		# The names under /run/netns; a path (with '/') completes as a file.
		if [[ $cur == */* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			local names=() dir
			for dir in /run/netns/*; do
				[[ -e $dir ]] && names+=("${dir#/run/netns/}")
			done
			_tcpstat_words "$cur" "${names[@]}"
		fi
		;;
	--pid | --netns-pid)
		local pids=() dir
		for dir in /proc/[0-9]*; do
			pids+=("${dir#/proc/}")
		done
		_tcpstat_words "$cur" "${pids[@]}"
		;;
	--program)
		# Names may hold spaces: one per line, each kept whole.
		local names=()
		mapfile -t names < <(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)
		_tcpstat_words "$cur" "${names[@]}"
		;;
	--metrics-file)
		# A file to write: the names bash would offer, one per line.
		local files=()
		mapfile -t files < <(compgen -f -- "$cur")
		COMPREPLY=("${files[@]}")
		;;
	*)
		# A port, an address, seconds or a number: nothing to offer.
		;;
	esac

	if [[ -n $value_head ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$value_head}")
	fi
	return 0
}

complete -F _tcpstat tcpstat
