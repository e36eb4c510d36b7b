/*
 * itemframe.c: the item frames of a late materialization (itemframe.h).
 * Pure functions over bytes: the scheduler checks what arrives, cq
 * submit packs what it sends; both are fuzzed and unit-tested.
 */
#include "config.h"

#include <string.h>

#include "itemframe.h"
#include "text.h"

int
itemframe_check(const char *buf, size_t len, size_t *n,
    const char **errstr)
{
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 k = 0;

	*n = 0;
	if (len == 0 || len > ITEMFRAME_MAX) {
		*errstr = "an item frame is empty or too long";
		return -1;
	}
	if (buf[len - 1] != '\n') {
		*errstr = "an item frame does not end with a whole line";
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		*errstr = "an item holds a NUL byte";
		return -1;
	}
	if (!text_utf8(buf, len)) {
		*errstr = "an item is not UTF-8";
		return -1;
	}
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p = nl + 1;
	}
	*n = k;
	return 0;
}

size_t
itemframe_pack(char *const *v, size_t n, size_t *i, char *buf, size_t cap)
{
	size_t	used = 0, len;

	while (*i < n) {
		len = strlen(v[*i]);
		if (len >= cap - used)	/* it and its newline */
			break;
		memcpy(buf + used, v[*i], len);
		buf[used + len] = '\n';
		used += len + 1;
		(*i)++;
	}
	return used;
}
