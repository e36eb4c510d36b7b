/*
 * fuzz-cfg.c: libFuzzer target of the configuration file parser
 * (cfg_load_fp() in common/cfg.c, which cfg_load_file() uses) with a key
 * table holding every key type (fuzz-cfg.h).  The input is the file,
 * read through fmemopen() into a configuration that already has a value
 * set.  Assertions, beyond no crash, leak or sanitizer report:
 *   - a refusal names the file and changes nothing (values, numbers and
 *     origins all as before);
 *   - a file with a NUL byte is refused (no part of a line is dropped);
 *   - what loads, printed normalized (cfg_print(), as `cq-schedd -n`
 *     does) and loaded again into a fresh configuration, gives the same
 *     values and numbers and prints the same.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "fuzz-cfg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Load LEN bytes at BUF into CFG as "fuzz.conf". */
static int
fuzz_load(struct cfg *cfg, const void *buf, size_t len, char *err,
    size_t errlen)
{
	static char	 empty[1];
	FILE		*f;
	int		 rc;

	if (len == 0)
		f = fmemopen(empty, 1, "r");	/* reads "" then EOF */
	else
		f = fmemopen((void *)buf, len, "r");
	if (f == NULL)
		abort();
	if (len == 0)
		(void)fgetc(f);
	rc = cfg_load_fp(cfg, f, "fuzz.conf", err, errlen);
	fclose(f);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct cfg	*cfg, *again;
	char		 err[1024], *before, *after, *printed = NULL;
	char		*v1, *v2, *p2 = NULL;
	size_t		 plen = 0, p2len = 0;
	FILE		*f;

	cfg = cfg_new(fuzz_keys);
	if (cfg_set(cfg, "slots", "3", "earlier", err, sizeof err) == -1)
		abort();
	before = fuzz_snapshot(cfg, 1);
	err[0] = '\0';
	if (fuzz_load(cfg, data, len, err, sizeof err) == -1) {
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			abort();	/* names the file (and line) */
		after = fuzz_snapshot(cfg, 1);
		if (strcmp(before, after) != 0)
			abort();	/* an error changes nothing */
		free(after);
		goto done;
	}
	if (memchr(data, '\0', len) != NULL)
		abort();		/* a NUL byte loaded: text dropped */

	/* Normalized, printed and loaded again: the same configuration. */
	if ((f = open_memstream(&printed, &plen)) == NULL)
		abort();
	cfg_print(cfg, f);
	fclose(f);
	again = cfg_new(fuzz_keys);
	if (fuzz_load(again, printed, plen, err, sizeof err) == -1)
		abort();
	v1 = fuzz_snapshot(cfg, 0);
	v2 = fuzz_snapshot(again, 0);
	if (strcmp(v1, v2) != 0)
		abort();
	if ((f = open_memstream(&p2, &p2len)) == NULL)
		abort();
	cfg_print(again, f);
	fclose(f);
	if (p2len != plen || memcmp(p2, printed, plen) != 0)
		abort();
	free(p2);
	free(v1);
	free(v2);
	free(printed);
	cfg_free(again);
done:
	free(before);
	cfg_free(cfg);
	return 0;
}
