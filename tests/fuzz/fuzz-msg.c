/*
 * fuzz-msg.c: libFuzzer target of message decoding (msg_decode() in
 * common/msg.c, over common/jsonx.c).  The first input byte picks the
 * message type among every type of the table (raw ones included, which
 * must be refused), the rest is the payload.  Assertions, beyond no
 * crash, leak or sanitizer report:
 *   - a refusal returns no object and says why; an unknown type or a
 *     raw one is always refused;
 *   - what decodes is an object whose members are all in the type's
 *     table with the table's JSON type, and has every required member;
 *   - what decodes, serialized again (jsonx_dump, as the sender does),
 *     decodes again as the same type to an equal object, and that
 *     serializes to the same bytes;
 *   - decoded as from a newer peer (msg_decode_rev), the payload has the
 *     table's shape too, and whatever decodes strictly decodes so, to
 *     an equal object (but for an ad, whose machine ad is pruned too);
 *   - what msg_for_rev() leaves for a revision-0 peer decodes strictly,
 *     and for a peer of this revision it is the object itself.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonx.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint16_t	fuzz_types[256];
static size_t	fuzz_ntypes;

static void
fuzz_setup(void)
{
	uint32_t	t;

	for (t = 0; t <= UINT16_MAX; t++)
		if (msg_type_get((uint16_t)t) != NULL &&
		    fuzz_ntypes < sizeof fuzz_types / sizeof fuzz_types[0])
			fuzz_types[fuzz_ntypes++] = (uint16_t)t;
	if (fuzz_ntypes == 0)
		abort();
}

static int
fuzz_type_ok(struct json_object *v, enum jtype t)
{
	switch (t) {
	case JT_STRING:
		return json_object_get_type(v) == json_type_string;
	case JT_INT:
		return json_object_get_type(v) == json_type_int;
	case JT_BOOL:
		return json_object_get_type(v) == json_type_boolean;
	case JT_OBJECT:
		return json_object_get_type(v) == json_type_object;
	case JT_ARRAY:
		return json_object_get_type(v) == json_type_array;
	case JT_DOUBLE:
		return json_object_get_type(v) == json_type_double ||
		    json_object_get_type(v) == json_type_int;
	}
	return 0;
}

/* O has the shape the table of MT says. */
static void
fuzz_shape(const struct msg_type *mt, struct json_object *o)
{
	const struct msg_member	*m;
	struct json_object	*v;

	if (!json_object_is_type(o, json_type_object))
		abort();
	json_object_object_foreach(o, key, val) {
		for (m = mt->members; m->name != NULL; m++)
			if (strcmp(m->name, key) == 0)
				break;
		if (m->name == NULL || !fuzz_type_ok(val, m->type))
			abort();
	}
	for (m = mt->members; m->name != NULL; m++)
		if (m->required && !json_object_object_get_ex(o, m->name, &v))
			abort();
}

static void
fuzz_refused(uint16_t type, const uint8_t *p, size_t n)
{
	struct json_object	*o = (struct json_object *)&o;
	const char		*errstr = NULL;

	if (msg_decode(type, p, n, &o, &errstr) != -1 || o != NULL ||
	    errstr == NULL || *errstr == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct msg_type	*mt;
	struct json_object	*o = NULL, *o2 = NULL, *on = NULL, *old;
	const char		*errstr = NULL, *s, *s2;
	char			*copy;
	size_t			 slen, slen2;
	uint16_t		 type;

	if (fuzz_ntypes == 0)
		fuzz_setup();
	if (len == 0)
		return 0;
	type = fuzz_types[data[0] % fuzz_ntypes];
	mt = msg_type_get(type);
	data++;
	len--;

	fuzz_refused(0, data, len);		/* no type 0 */
	fuzz_refused(UINT16_MAX, data, len);
	if (mt->members == NULL) {
		fuzz_refused(type, data, len);	/* raw bytes, not JSON */
		return 0;
	}
	/* As from a newer peer: unknown members pruned, the rest strict. */
	if (msg_decode_rev(type, data, len, MSG_REV + 1, &on, &errstr) == 0)
		fuzz_shape(mt, on);
	else if (on != NULL || errstr == NULL || *errstr == '\0')
		abort();
	errstr = NULL;
	if (msg_decode(type, data, len, &o, &errstr) == -1) {
		if (o != NULL || errstr == NULL || *errstr == '\0')
			abort();
		json_object_put(on);
		return 0;
	}
	fuzz_shape(mt, o);
	if (on == NULL || (type != MSG_AD && !json_object_equal(o, on)))
		abort();
	json_object_put(on);

	/* What an older peer is sent decodes strictly; a peer of this
	 * revision gets the object itself. */
	if ((old = msg_for_rev(type, o, 0)) == NULL)
		abort();
	s = jsonx_dump(old, &slen);
	if (msg_decode(type, s, slen, &o2, &errstr) == -1)
		abort();
	json_object_put(o2);
	json_object_put(old);
	if ((old = msg_for_rev(type, o, MSG_REV)) != o)
		abort();
	json_object_put(old);

	/* Re-sent as the sender would: the same message again. */
	s = jsonx_dump(o, &slen);
	if (s == NULL || strlen(s) != slen)
		abort();
	copy = malloc(slen + 1);
	memcpy(copy, s, slen + 1);
	errstr = NULL;
	if (msg_decode(type, copy, slen, &o2, &errstr) == -1)
		abort();
	if (!json_object_equal(o, o2))
		abort();
	s2 = jsonx_dump(o2, &slen2);
	if (slen2 != slen || memcmp(s2, copy, slen) != 0)
		abort();
	free(copy);
	json_object_put(o2);
	json_object_put(o);
	return 0;
}
