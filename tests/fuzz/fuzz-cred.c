/*
 * fuzz-cred.c: libFuzzer target for the credential texts and network
 * blocks (common/cred.c, common/cidr.c): any bytes are parsed as a token,
 * credential or request key (what parses must format back to the same
 * text), as a network block and as a list of them, and matched as an
 * address against a few blocks.  Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "cred.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const blocks[] = { "10.0.0.0/8", "::ffff:0:0/96",
	    "fd00::/8", "0.0.0.0/0" };
	struct cidr	 v[CIDR_LIST_MAX], c;
	struct cred	 k;
	char		*s, out[CRED_TEXT_MAX], bad[CIDR_TEXT_MAX];
	const char	*errstr;
	size_t		 i, n;

	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	if (cred_parse(s, &k, &errstr) == 0) {
		cred_format(&k, out, sizeof out);
		if (strcmp(out, s) != 0)
			abort();
	}
	if (cidr_parse(s, &c, &errstr) == 0) {
		cidr_format(&c, bad, sizeof bad);
		if (cidr_parse(bad, &v[0], &errstr) != 0)
			abort();
	}
	(void)cidr_list_parse(s, v, CIDR_LIST_MAX, &n, bad, sizeof bad,
	    &errstr);
	for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (cidr_parse(blocks[i], &c, &errstr) == 0)
			(void)cidr_match(&c, s);
	free(s);
	return 0;
}
