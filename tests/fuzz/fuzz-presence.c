/*
 * fuzz-presence.c: libFuzzer target of the agent's owner-presence file
 * (presence_parse() in common/presence.c), which the agent reads from
 * its state directory at start-up.  Assertions, beyond no crash, leak or
 * sanitizer report:
 *   - a refusal says where and leaves the history empty;
 *   - what parses, formatted again (presence_format, as the agent saves
 *     it), parses to the same text;
 *   - the expected absence from it lies in 0 to PRESENCE_HORIZON_S, and
 *     one observation more keeps it there.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "presence.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct presence	 p, q;
	char		 err[256], err2[256], *a, *b;
	size_t		 alen, blen;
	int64_t		 x;

	presence_init(&p);
	presence_set_zone(&p, 0);
	err[0] = '\0';
	if (presence_parse(&p, (const char *)data, size, "fuzz", err,
	    sizeof err) == -1) {
		if (strncmp(err, "fuzz:", 5) != 0 || p.has_last)
			abort();
		return 0;
	}
	a = presence_format(&p, &alen);
	presence_init(&q);
	presence_set_zone(&q, 0);
	if (presence_parse(&q, a, alen, "again", err2, sizeof err2) == -1)
		abort();
	b = presence_format(&q, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	x = presence_absence(&p, p.has_last ? p.last_t : 0, 0.5);
	if (x < 0 || x > PRESENCE_HORIZON_S)
		abort();
	presence_observe(&p, p.has_last ? p.last_t + 60 : 0, 1);
	x = presence_absence(&p, p.has_last ? p.last_t : 0, 0.9);
	if (x < 0 || x > PRESENCE_HORIZON_S)
		abort();
	return 0;
}
