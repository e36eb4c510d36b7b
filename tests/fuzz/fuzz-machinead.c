/*
 * fuzz-machinead.c: libFuzzer target of the machine ad an agent sends in
 * its ad message (machinead_decode() in common/machinead.c) and of the
 * agent's machine_attributes text (machinead_attrs_parse()).  The input
 * is a JSON object (after jsonx_parse(), as the message layer gives it),
 * and, up to its first NUL, a machine_attributes text.  Assertions,
 * beyond no crash, leak or sanitizer report:
 *   - a refusal says why and leaves the ad empty;
 *   - what decodes has Arch and OpSys, sizes not below -1, at most
 *     MACHINEAD_MAX_ATTRS site attributes, none of them cq's own, each
 *     a literal; encoded again (machinead_to_json, as the agent does) it
 *     decodes to the same ad;
 *   - parsed attributes obey the same rules.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "jsonx.h"
#include "machinead.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check_attrs(const struct machinead *ad)
{
	size_t	i;

	if (ad->nattrs > MACHINEAD_MAX_ATTRS)
		abort();
	for (i = 0; i < ad->nattrs; i++) {
		if (machinead_reserved(ad->attrs[i].name))
			abort();
		if (ad->attrs[i].v.type != EXPR_BOOL &&
		    ad->attrs[i].v.type != EXPR_INT &&
		    ad->attrs[i].v.type != EXPR_REAL &&
		    ad->attrs[i].v.type != EXPR_STRING)
			abort();
	}
}

static int
fuzz_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
fuzz_same(const struct machinead *a, const struct machinead *b)
{
	char	x[256], y[256];
	size_t	i;

	if (!fuzz_same_str(a->arch, b->arch) ||
	    !fuzz_same_str(a->opsys, b->opsys) ||
	    !fuzz_same_str(a->opsysandver, b->opsysandver) ||
	    a->total_cpus != b->total_cpus ||
	    a->total_memory_mb != b->total_memory_mb ||
	    a->total_disk_kb != b->total_disk_kb ||
	    (a->start == NULL) != (b->start == NULL) ||
	    (a->rank == NULL) != (b->rank == NULL) ||
	    a->nattrs != b->nattrs)
		abort();
	if (a->start != NULL &&
	    strcmp(expr_source(a->start), expr_source(b->start)) != 0)
		abort();
	for (i = 0; i < a->nattrs; i++) {
		if (strcmp(a->attrs[i].name, b->attrs[i].name) != 0)
			abort();
		expr_value_str(&a->attrs[i].v, x, sizeof x);
		expr_value_str(&b->attrs[i].v, y, sizeof y);
		if (a->attrs[i].v.type != EXPR_REAL && strcmp(x, y) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct machinead	 ad, back, parsed;
	struct json_object	*o, *enc;
	const char		*errstr = NULL;
	char			*text, err[256];

	/* machine_attributes: the input as text, up to a NUL. */
	text = strndup((const char *)data, len);
	if (text == NULL)
		abort();
	memset(&parsed, 0, sizeof parsed);
	err[0] = '\0';
	if (machinead_attrs_parse(&parsed, text, err, sizeof err) == -1) {
		if (err[0] == '\0')
			abort();
	} else
		fuzz_check_attrs(&parsed);
	machinead_clear(&parsed);
	free(text);

	if (jsonx_parse((const char *)data, len, &o, &errstr) == -1)
		return 0;
	errstr = NULL;
	if (machinead_decode(o, &ad, &errstr) == -1) {
		if (errstr == NULL || ad.arch != NULL || ad.nattrs != 0 ||
		    ad.start != NULL)
			abort();
		json_object_put(o);
		return 0;
	}
	if (ad.arch == NULL || ad.opsys == NULL || ad.total_cpus < -1 ||
	    ad.total_memory_mb < -1 || ad.total_disk_kb < -1)
		abort();
	fuzz_check_attrs(&ad);
	enc = machinead_to_json(&ad);
	if (machinead_decode(enc, &back, &errstr) == -1)
		abort();
	fuzz_same(&ad, &back);
	machinead_clear(&back);
	machinead_clear(&ad);
	json_object_put(enc);
	json_object_put(o);
	return 0;
}
