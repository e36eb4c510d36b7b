#!/bin/sh
# The house bans functions that have hurt C daemons before (STYLE.md):
# fail if any source calls one.  Comments are not exempt: say "a
# banned function" instead of naming one in a comment.
src=${CQ_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
banned='atoi|atol|atoll|sscanf|sprintf|vsprintf|strcpy|strcat|strncpy|gets|strtok|system|popen'
hits=$(cd "$src" && grep -nE "(^|[^_a-zA-Z0-9.>])($banned)[[:space:]]*\(" \
	common/*.c scheduler/*.c startd/*.c submit/*.c 2>/dev/null |
	grep -vE '(snprintf|vsnprintf|strlcpy|strlcat)[[:space:]]*\(' )
# strtol is banned for input; strtonum is the way.
hits2=$(cd "$src" && grep -nE "(^|[^_a-zA-Z0-9])strtol[l]?[[:space:]]*\(" \
	common/*.c scheduler/*.c startd/*.c submit/*.c 2>/dev/null)
if [ -n "$hits$hits2" ]; then
	echo "banned functions used:"
	printf '%s\n%s\n' "$hits" "$hits2" | sed '/^$/d'
	exit 1
fi
echo "no banned functions in $(cd "$src" && ls common/*.c scheduler/*.c startd/*.c submit/*.c | wc -l) files"
exit 0
