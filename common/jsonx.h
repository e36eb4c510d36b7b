/*
 * jsonx.h: strict JSON on top of json-c.  Parsing enforces RFC 8259's
 * grammar, a depth limit, valid UTF-8 without NUL (\u0000 included) or
 * lone surrogates, numbers json-c keeps exactly (64-bit integers, finite
 * doubles), one value with no trailing bytes, and an object at the top;
 * jsonx_check() enforces the exact set of members a message may carry.
 */
#ifndef CQ_JSONX_H
#define CQ_JSONX_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "msg.h"

#define JSONX_MAX_DEPTH	16

/* Parse LEN bytes as one JSON object; -1 with ERRSTR on any fault. */
int	jsonx_parse(const char *buf, size_t len, struct json_object **out,
	    const char **errstr);
/* Check OBJ has exactly the members MEMBERS allows, of the right types. */
int	jsonx_check(struct json_object *obj, const struct msg_member *members,
	    const char **errstr);
/* The same, but a member that is not required may be null. */
int	jsonx_check_nullable(struct json_object *obj,
	    const struct msg_member *members, const char **errstr);

/* Borrowed accessors; the default if the member is missing. */
const char	*jsonx_str(struct json_object *, const char *key,
		    const char *def);
int64_t		 jsonx_int(struct json_object *, const char *key, int64_t def);
int		 jsonx_bool(struct json_object *, const char *key, int def);
struct json_object *jsonx_get(struct json_object *, const char *key);

/* Serialize compactly; borrowed string valid while OBJ lives. */
const char	*jsonx_dump(struct json_object *obj, size_t *len);

#endif
