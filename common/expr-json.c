/*
 * expr-json.c: evaluating an expression against attributes held in json-c
 * objects (a job ad, a machine ad).  Kept apart from expr.c so that the
 * language itself stays free of json-c.  Keys match case-insensitively:
 * an exact match is tried first, then a scan of the object.  Callers:
 * the scheduler (constraints, matchmaking) and cq.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "expr.h"
#include "xmalloc.h"

struct expr_json {
	struct json_object	*my;
	struct json_object	*target;
};

/* The member of OBJ named NAME in any case, or NULL. */
static struct json_object *
expr_json_member(struct json_object *obj, const char *name)
{
	struct json_object	*v;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (json_object_object_get_ex(obj, name, &v))
		return v;
	json_object_object_foreach(obj, key, val) {
		if (strcasecmp(key, name) == 0)
			return val;
	}
	return NULL;
}

/* JSON V as a value; see expr.h. */
void
expr_value_from_json(struct json_object *v, struct expr_value *out)
{
	memset(out, 0, sizeof *out);
	switch (v != NULL ? json_object_get_type(v) : json_type_null) {
	case json_type_null:
		out->type = EXPR_UNDEFINED;
		break;
	case json_type_boolean:
		out->type = EXPR_BOOL;
		out->b = json_object_get_boolean(v) ? 1 : 0;
		break;
	case json_type_int:
		out->type = EXPR_INT;
		out->i = json_object_get_int64(v);
		break;
	case json_type_double:
		out->type = EXPR_REAL;
		out->r = json_object_get_double(v);
		break;
	case json_type_string:
		out->type = EXPR_STRING;
		out->s = xstrdup(json_object_get_string(v));
		break;
	default:
		out->type = EXPR_ERROR;
		break;
	}
}

/* V as JSON; see expr.h. */
struct json_object *
expr_value_json(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_BOOL:
		return json_object_new_boolean(v->b);
	case EXPR_INT:
		return json_object_new_int64(v->i);
	case EXPR_REAL:
		return json_object_new_double(v->r);
	case EXPR_STRING:
		return json_object_new_string(v->s);
	default:
		return NULL;
	}
}

static int
expr_json_lookup(void *arg, int scope, const char *name,
    struct expr_value *out)
{
	struct expr_json	*ej = arg;
	struct json_object	*v = NULL;
	int			 found = 0;

	if (scope != EXPR_SCOPE_TARGET)
		found = (v = expr_json_member(ej->my, name)) != NULL;
	if (!found)
		found = (v = expr_json_member(ej->target, name)) != NULL;
	if (!found)
		return -1;
	expr_value_from_json(v, out);
	return 0;
}

void
expr_eval_json_at(const struct expr *e, struct json_object *my,
    struct json_object *target, int64_t now, struct expr_value *out)
{
	struct expr_json	ej = { my, target };
	struct expr_env		env = { expr_json_lookup, &ej, now };

	expr_eval_env(e, &env, out);
}

void
expr_eval_json(const struct expr *e, struct json_object *my,
    struct json_object *target, struct expr_value *out)
{
	expr_eval_json_at(e, my, target, -1, out);
}
