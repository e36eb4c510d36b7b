# bash completion for cq(1): subcommands and every option of each (from
# `cq __complete commands` and `cq __complete options CMD`: the command
# table itself, so the completion offers what each command takes), job
# ids of the queue (from `cq __complete jobs`) and machine names for
# drain, vacate and status (`cq __complete machines`), from the scheduler
# of `-H URL` when the line starts with one.  Installed by `make install` into
# bash-completion's completionsdir.

_cq_ids()
{
	cq ${_cq_host:+-H "$_cq_host"} __complete jobs 2>/dev/null
}

_cq_machines()
{
	cq ${_cq_host:+-H "$_cq_host"} __complete machines 2>/dev/null
}

_cq()
{
	local cur prev cmd opts words cword _cq_host= line
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
	# cq -H ssh://u@h:p CMD ...: bash splits the URL at ':', so the
	# words come from the line, split at blanks, without -H URL.
	if [ "${COMP_WORDS[1]:-}" = -H ] && [ -n "${COMP_LINE:-}" ]; then
		line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}
		read -ra words <<< "$line"
		[[ $line == *[[:blank:]] ]] && words+=("")
		if [ "${#words[@]}" -le 3 ]; then
			COMPREPLY=()
			return
		fi
		_cq_host=${words[2]}
		words=(cq "${words[@]:3}")
		cword=$((${#words[@]} - 1))
	fi
	cur=${words[cword]}
	prev=${words[cword-1]}
	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(cq __complete commands \
		    2>/dev/null)" -- "$cur"))
		return
	fi
	cmd=${words[1]}
	# Options that take a value: complete nothing (or files) for it.
	case $prev in
	-constraint|--constraint|-reason|--reason|-u|--user|-limit|--limit|\
	-n|-timeout|--timeout|-t|--agents|--lifetime|--machine|-p|\
	-resetusage|--state|--batch-name|-format)
		COMPREPLY=()
		return
		;;
	-s)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac
	opts=$(cq __complete options "$cmd" 2>/dev/null)
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	submit)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	q|rm|hold|release|wait|logs|why|history|prio|qedit)
		COMPREPLY=($(compgen -W "$(_cq_ids)" -- "$cur"))
		;;
	vacate)
		COMPREPLY=($(compgen -W "$(_cq_ids) $(_cq_machines)" -- "$cur"))
		;;
	drain|status)
		COMPREPLY=($(compgen -W "$(_cq_machines)" -- "$cur"))
		;;
	pool)
		if [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -W "up restart down fingerprint token \
			    tokens agents approve auto-approve revoke forget" \
			    -- "$cur"))
		elif [ "$COMP_CWORD" -eq 3 ] &&
		    [ "${COMP_WORDS[2]}" = forget ]; then
			COMPREPLY=($(compgen -W "$(_cq_machines)" -- "$cur"))
		fi
		;;
	esac
}
complete -F _cq cq
