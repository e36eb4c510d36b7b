/*
 * fuzz-itemframe.c: libFuzzer target of the item frames of a late
 * materialization (common/itemframe.c), the raw bytes a client sends
 * before its factory's submit.  The input is checked as the scheduler
 * checks a frame; one that passes is split into its items and packed
 * again, as cq submit packs them, into frames of a size taken from the
 * input's first byte.  Assertions, beyond no crash, leak or sanitizer
 * report:
 *   - a refusal says why and counts no item; what passes ends with a
 *     newline, holds no NUL and has as many items as newlines;
 *   - every packed frame passes the check, and the frames together are
 *     the input, byte for byte (no item lost, split or reordered).
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itemframe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*buf = (const char *)data, *errstr = NULL, *p, *nl;
	char		**items, *out, *frame;
	size_t		 n = 99, i, k, got, cap, outlen = 0, flen;

	if (itemframe_check(buf, len, &n, &errstr) == -1) {
		if (errstr == NULL || n != 0)
			abort();
		return 0;
	}
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len))
		abort();
	for (i = 0, k = 0; i < len; i++)
		k += buf[i] == '\n';
	if (k != n)
		abort();
	/* The items, as cq submit holds them. */
	items = calloc(n, sizeof(*items));
	for (i = 0, p = buf; i < n; i++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		items[i] = strndup(p, (size_t)(nl - p));
	}
	/* Frames of 2 to 257 bytes, or the maximum. */
	cap = data[0] % 2 ? ITEMFRAME_MAX : 2 + data[0];
	frame = malloc(cap);
	out = malloc(len);
	i = 0;
	while (i < n) {
		if ((flen = itemframe_pack(items, n, &i, frame, cap)) == 0) {
			/* Only an item too long for CAP may stop it. */
			if (strlen(items[i]) + 1 <= cap)
				abort();
			goto done;
		}
		if (itemframe_check(frame, flen, &got, &errstr) == -1 ||
		    outlen + flen > len)
			abort();
		memcpy(out + outlen, frame, flen);
		outlen += flen;
	}
	if (outlen != len || memcmp(out, buf, len) != 0)
		abort();
done:
	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
	free(frame);
	free(out);
	return 0;
}
