/*
 * fuzz-cmdline.c: libFuzzer target of the kernel command line parser
 * (cfg_load_cmdline() in common/cfg.c) with the key table of fuzz-cfg.h.
 * The input, up to its first NUL byte, is the command line (as read from
 * /proc/cmdline), applied to a configuration that already has a value
 * set.  Assertions, beyond no crash, leak or sanitizer report:
 *   - a refusal says "kernel command line: ..." and changes nothing
 *     (values, numbers and origins all as before);
 *   - what loads sets exactly the keys of the cq.KEY=VALUE words (the
 *     last word of a key wins; key names ignore case) to their values,
 *     with the command line as origin, and leaves every other key as it
 *     was.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "fuzz-cfg.h"

#define FUZZ_NKEYS	(sizeof fuzz_keys / sizeof fuzz_keys[0] - 1)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct cfg *
fuzz_cfg(void)
{
	struct cfg	*cfg;
	char		 err[256];

	cfg = cfg_new(fuzz_keys);
	if (cfg_set(cfg, "slots", "3", "earlier", err, sizeof err) == -1)
		abort();
	return cfg;
}

/*
 * What the words of LINE set, by key index, into WANT (borrowing from
 * LINE, which is rewritten in place).  A word ends at a blank outside
 * double quotes; the quotes are dropped (the kernel's rule).
 */
static void
fuzz_expect(char *line, const char **want)
{
	char	*r = line, *w = line, *word, *eq;
	int	 quoted;
	size_t	 i;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\n')
			r++;
		if (*r == '\0')
			break;
		word = w;
		quoted = 0;
		while (*r != '\0' && (quoted ||
		    (*r != ' ' && *r != '\t' && *r != '\n'))) {
			if (*r == '"')
				quoted = !quoted;
			else
				*w++ = *r;
			r++;
		}
		/* W never passes R: the word ends where a blank was read. */
		if (*r != '\0')
			r++;
		*w++ = '\0';
		if (strncmp(word, "cq.", 3) != 0 ||
		    (eq = strchr(word, '=')) == NULL)
			continue;
		*eq = '\0';
		for (i = 0; i < FUZZ_NKEYS; i++)
			if (strcasecmp(word + 3, fuzz_keys[i].name) == 0)
				want[i] = eq + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*want[FUZZ_NKEYS], *v, *w, *o;
	struct cfg	*cfg, *ref;
	char		 err[1024], *line, *copy, *before, *after;
	size_t		 n, i;

	n = strnlen((const char *)data, len);
	line = malloc(n + 1);
	memcpy(line, data, n);
	line[n] = '\0';
	cfg = fuzz_cfg();
	before = fuzz_snapshot(cfg, 1);
	err[0] = '\0';
	if (cfg_load_cmdline(cfg, line, err, sizeof err) == -1) {
		if (strncmp(err, "kernel command line: ", 21) != 0)
			abort();
		after = fuzz_snapshot(cfg, 1);
		if (strcmp(before, after) != 0)
			abort();	/* an error changes nothing */
		free(after);
		goto done;
	}
	memset(want, 0, sizeof want);
	copy = strdup(line);
	fuzz_expect(copy, want);
	ref = fuzz_cfg();
	for (i = 0; i < FUZZ_NKEYS; i++) {
		v = cfg_str(cfg, fuzz_keys[i].name);
		o = cfg_origin(cfg, fuzz_keys[i].name);
		if (want[i] != NULL) {
			if (v == NULL || strcmp(v, want[i]) != 0 ||
			    strcmp(o, "kernel command line") != 0)
				abort();
			continue;
		}
		w = cfg_str(ref, fuzz_keys[i].name);
		if ((v == NULL) != (w == NULL) ||
		    (v != NULL && strcmp(v, w) != 0) ||
		    strcmp(o, cfg_origin(ref, fuzz_keys[i].name)) != 0)
			abort();	/* untouched keys keep their value */
	}
	cfg_free(ref);
	free(copy);
done:
	free(before);
	free(line);
	cfg_free(cfg);
	return 0;
}
