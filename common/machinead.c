/*
 * machinead.c: the machine ad's wire form, built by the agent and decoded
 * by the scheduler (machinead.h), and the site attributes of the agent's
 * machine_attributes key.  Decoding is strict: every member has its type
 * and bound, the Start and Rank expressions must parse, and a site
 * attribute is a ClassAd identifier that no attribute of cq's shadows,
 * holding a literal.  Invariant: a decoded ad holds only what passed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "jobdesc.h"
#include "jsonx.h"
#include "machinead.h"
#include "text.h"
#include "xmalloc.h"

/* What cq puts in a machine or slot ad itself. */
static const char *const machinead_names[] = {
	"Name", "Machine", "SlotID", "Arch", "OpSys", "OpSysAndVer", "Cpus",
	"Memory", "Disk", "TotalCpus", "TotalMemory", "TotalDisk",
	"KeyboardIdle", "ConsoleIdle", "LoadAvg", "State", "Activity",
	"HasCRIU", "Start", "Rank", "Requirements", "MyType", "TargetType",
	"CurrentTime", "ExpectedOwnerAbsence", "CqImageVersion",
	"CqOwnerReason",
};

/* Its members on the wire: msg.c's msg_machine_members (an ad's member). */

const char *
machinead_arch(const char *m)
{
	if (strcmp(m, "x86_64") == 0 || strcmp(m, "amd64") == 0)
		return "X86_64";
	if (m[0] == 'i' && strcmp(m + 2, "86") == 0)
		return "INTEL";
	if (strcmp(m, "arm64") == 0)
		return "aarch64";
	return m;
}

int
machinead_version_ok(const char *s)
{
	size_t	n;

	for (n = 0; s[n] != '\0'; n++)
		if (s[n] <= ' ' || s[n] > '~')
			return 0;
	return n > 0 && n <= MACHINEAD_MAX_VERSION;
}

int
machinead_text_ok(const char *s, size_t max)
{
	size_t	i = 0, n, len = strlen(s);

	if (len == 0 || len > max)
		return 0;
	while (i < len) {
		if ((n = text_shown_len(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
machinead_reserved(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof machinead_names / sizeof machinead_names[0];
	    i++)
		if (strcasecmp(name, machinead_names[i]) == 0)
			return 1;
	return 0;
}

const struct expr_value *
machinead_attr(const struct machinead *ad, const char *name)
{
	size_t	i;

	for (i = 0; i < ad->nattrs; i++)
		if (strcasecmp(ad->attrs[i].name, name) == 0)
			return &ad->attrs[i].v;
	return NULL;
}

/* Count the attribute references of an expression. */
static void
machinead_count_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/* Add NAME = V (a copy) to AD; 0, or -1 with ERR. */
static int
machinead_attr_add(struct machinead *ad, const char *name,
    const struct expr_value *v, char *err, size_t errlen)
{
	struct machinead_attr	*a;

	if (strlen(name) > MACHINEAD_MAX_NAME || !jobdesc_is_attr(name)) {
		snprintf(err, errlen, "'%.64s' is not an attribute name", name);
		return -1;
	}
	if (machinead_reserved(name)) {
		snprintf(err, errlen, "%s is cq's own attribute", name);
		return -1;
	}
	if (machinead_attr(ad, name) != NULL) {
		snprintf(err, errlen, "%s is given twice", name);
		return -1;
	}
	if (ad->nattrs >= MACHINEAD_MAX_ATTRS) {
		snprintf(err, errlen, "more than %d attributes",
		    MACHINEAD_MAX_ATTRS);
		return -1;
	}
	if (v->type == EXPR_STRING && strlen(v->s) > MACHINEAD_MAX_STR) {
		snprintf(err, errlen, "%s: string too long", name);
		return -1;
	}
	if (v->type == EXPR_STRING && *v->s != '\0' &&
	    !machinead_text_ok(v->s, MACHINEAD_MAX_STR)) {
		snprintf(err, errlen, "%s: the string is not UTF-8 text "
		    "without control characters", name);
		return -1;
	}
	ad->attrs = xreallocarray(ad->attrs, ad->nattrs + 1,
	    sizeof *ad->attrs);
	a = &ad->attrs[ad->nattrs++];
	a->name = xstrdup(name);
	a->v = *v;
	if (v->type == EXPR_STRING)
		a->v.s = xstrdup(v->s);
	return 0;
}

/* One `Name = value` of machine_attributes. */
static int
machinead_attrs_one(struct machinead *ad, char *item, char *err,
    size_t errlen)
{
	struct expr		*e;
	struct expr_value	 v;
	char			*eq, *name, *end, why[128];
	int			 refs = 0, rc;

	if ((eq = strchr(item, '=')) == NULL) {
		snprintf(err, errlen, "'%.64s': expected Name = value", item);
		return -1;
	}
	*eq = '\0';
	name = item + strspn(item, " \t");
	for (end = name + strlen(name); end > name &&
	    (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';
	if ((e = expr_parse(eq + 1, why, sizeof why)) == NULL) {
		snprintf(err, errlen, "%.64s: %s", name, why);
		return -1;
	}
	expr_attrs(e, machinead_count_ref, &refs);
	expr_eval(e, NULL, NULL, &v);
	expr_free(e);
	if (refs > 0 || (v.type != EXPR_BOOL && v.type != EXPR_INT &&
	    v.type != EXPR_REAL && v.type != EXPR_STRING)) {
		expr_value_clear(&v);
		snprintf(err, errlen, "%.64s: the value is not a literal "
		    "(a \"string\", a number, true or false)", name);
		return -1;
	}
	rc = machinead_attr_add(ad, name, &v, err, errlen);
	expr_value_clear(&v);
	return rc;
}

int
machinead_attrs_parse(struct machinead *ad, const char *text, char *err,
    size_t errlen)
{
	char	*copy, *p, *item;
	int	 quoted = 0, last = 0, rc = 0;

	copy = xstrdup(text);
	for (item = p = copy; !last; p++) {
		if (*p == '"' && (p == copy || p[-1] != '\\'))
			quoted = !quoted;
		if (*p != '\0' && (*p != ';' || quoted))
			continue;
		if (*p == '\0' && quoted) {
			snprintf(err, errlen, "unterminated string");
			rc = -1;
			break;
		}
		last = *p == '\0';
		*p = '\0';
		if (item[strspn(item, " \t")] != '\0' &&
		    machinead_attrs_one(ad, item, err, errlen) == -1) {
			rc = -1;
			break;
		}
		item = p + 1;
	}
	free(copy);
	return rc;
}

int
machinead_set_expr(struct expr **dst, const char *src, char *err,
    size_t errlen)
{
	struct expr	*e = NULL;

	if (strlen(src) > MACHINEAD_MAX_EXPR) {
		snprintf(err, errlen, "longer than %d bytes",
		    MACHINEAD_MAX_EXPR);
		return -1;
	}
	if (src[strspn(src, " \t")] != '\0' &&
	    (e = expr_parse(src, err, errlen)) == NULL)
		return -1;
	expr_free(*dst);
	*dst = e;
	return 0;
}


struct json_object *
machinead_to_json(const struct machinead *ad)
{
	struct json_object	*o, *a;
	size_t			 i;

	o = json_object_new_object();
	json_object_object_add(o, "Arch", json_object_new_string(
	    ad->arch != NULL ? ad->arch : ""));
	json_object_object_add(o, "OpSys", json_object_new_string(
	    ad->opsys != NULL ? ad->opsys : ""));
	if (ad->opsysandver != NULL)
		json_object_object_add(o, "OpSysAndVer",
		    json_object_new_string(ad->opsysandver));
	if (ad->total_cpus >= 0)
		json_object_object_add(o, "TotalCpus",
		    json_object_new_int64(ad->total_cpus));
	if (ad->total_memory_mb >= 0)
		json_object_object_add(o, "TotalMemory",
		    json_object_new_int64(ad->total_memory_mb));
	if (ad->total_disk_kb >= 0)
		json_object_object_add(o, "TotalDisk",
		    json_object_new_int64(ad->total_disk_kb));
	if (ad->start != NULL)
		json_object_object_add(o, "Start",
		    json_object_new_string(expr_source(ad->start)));
	if (ad->rank != NULL)
		json_object_object_add(o, "Rank",
		    json_object_new_string(expr_source(ad->rank)));
	if (ad->image_version != NULL)
		json_object_object_add(o, "CqImageVersion",
		    json_object_new_string(ad->image_version));
	if (ad->owner_reason != NULL)
		json_object_object_add(o, "CqOwnerReason",
		    json_object_new_string(ad->owner_reason));
	if (ad->nattrs > 0) {
		a = json_object_new_object();
		for (i = 0; i < ad->nattrs; i++)
			json_object_object_add(a, ad->attrs[i].name,
			    expr_value_json(&ad->attrs[i].v));
		json_object_object_add(o, "attrs", a);
	}
	return o;
}

static int
machinead_str(struct json_object *obj, const char *key, char **dst,
    const char **errstr)
{
	const char	*s = jsonx_str(obj, key, NULL);

	if (s == NULL)
		return 0;
	if (strlen(s) > MACHINEAD_MAX_STR) {
		*errstr = "machine ad: a string is too long";
		return -1;
	}
	/* cq status prints them: text, no controls (empty is allowed). */
	if (*s != '\0' && !machinead_text_ok(s, MACHINEAD_MAX_STR)) {
		*errstr = "machine ad: Arch, OpSys or OpSysAndVer is not UTF-8 "
		    "text without control characters";
		return -1;
	}
	*dst = xstrdup(s);
	return 0;
}

static int
machinead_int(struct json_object *obj, const char *key, int64_t *dst,
    const char **errstr)
{
	*dst = jsonx_int(obj, key, -1);
	if (jsonx_get(obj, key) != NULL && *dst < 0) {
		*errstr = "machine ad: a negative size";
		return -1;
	}
	return 0;
}

int
machinead_decode(struct json_object *obj, struct machinead *ad,
    const char **errstr)
{
	struct json_object	*a;
	struct expr_value	 v;
	char			 err[160];
	const char		*src;

	memset(ad, 0, sizeof *ad);
	ad->total_cpus = ad->total_memory_mb = ad->total_disk_kb = -1;
	if (jsonx_check(obj, msg_machine_members, errstr) == -1)
		return -1;
	if (machinead_str(obj, "Arch", &ad->arch, errstr) == -1 ||
	    machinead_str(obj, "OpSys", &ad->opsys, errstr) == -1 ||
	    machinead_str(obj, "OpSysAndVer", &ad->opsysandver,
	    errstr) == -1 ||
	    machinead_int(obj, "TotalCpus", &ad->total_cpus, errstr) == -1 ||
	    machinead_int(obj, "TotalMemory", &ad->total_memory_mb,
	    errstr) == -1 ||
	    machinead_int(obj, "TotalDisk", &ad->total_disk_kb, errstr) == -1)
		goto fail;
	if ((src = jsonx_str(obj, "CqImageVersion", NULL)) != NULL) {
		if (!machinead_version_ok(src)) {
			*errstr = "machine ad: CqImageVersion is not 1 to 64 "
			    "printable characters without blanks";
			goto fail;
		}
		ad->image_version = xstrdup(src);
	}
	if ((src = jsonx_str(obj, "CqOwnerReason", NULL)) != NULL) {
		if (!machinead_text_ok(src, MACHINEAD_MAX_REASON)) {
			*errstr = "machine ad: CqOwnerReason is not 1 to 256 "
			    "bytes of UTF-8 text without control characters";
			goto fail;
		}
		ad->owner_reason = xstrdup(src);
	}
	if ((src = jsonx_str(obj, "Start", NULL)) != NULL &&
	    machinead_set_expr(&ad->start, src, err, sizeof err) == -1) {
		*errstr = "machine ad: Start does not parse";
		goto fail;
	}
	if ((src = jsonx_str(obj, "Rank", NULL)) != NULL &&
	    machinead_set_expr(&ad->rank, src, err, sizeof err) == -1) {
		*errstr = "machine ad: Rank does not parse";
		goto fail;
	}
	if ((a = jsonx_get(obj, "attrs")) == NULL)
		return 0;
	if (json_object_object_length(a) > MACHINEAD_MAX_ATTRS) {
		*errstr = "machine ad: too many attributes";
		goto fail;
	}
	json_object_object_foreach(a, k, jv) {
		memset(&v, 0, sizeof v);
		switch (json_object_get_type(jv)) {
		case json_type_boolean:
			v.type = EXPR_BOOL;
			v.b = json_object_get_boolean(jv);
			break;
		case json_type_int:
			v.type = EXPR_INT;
			v.i = json_object_get_int64(jv);
			break;
		case json_type_double:
			v.type = EXPR_REAL;
			v.r = json_object_get_double(jv);
			break;
		case json_type_string:
			v.type = EXPR_STRING;
			v.s = (char *)json_object_get_string(jv);
			break;
		default:
			*errstr = "machine ad: an attribute of a bad type";
			goto fail;
		}
		if (machinead_attr_add(ad, k, &v, err, sizeof err) == -1) {
			*errstr = "machine ad: a bad attribute";
			goto fail;
		}
	}
	return 0;

fail:
	machinead_clear(ad);
	return -1;
}

void
machinead_clear(struct machinead *ad)
{
	size_t	i;

	free(ad->arch);
	free(ad->opsys);
	free(ad->opsysandver);
	free(ad->image_version);
	free(ad->owner_reason);
	expr_free(ad->start);
	expr_free(ad->rank);
	for (i = 0; i < ad->nattrs; i++) {
		free(ad->attrs[i].name);
		expr_value_clear(&ad->attrs[i].v);
	}
	free(ad->attrs);
	memset(ad, 0, sizeof *ad);
}

/* The two sides of machinead_start_judge(). */
struct machinead_pair {
	expr_lookup_fn	 my_fn, target_fn;
	void		*my_arg, *target_arg;
};

static int
machinead_pair_lookup(void *arg, int scope, const char *name,
    struct expr_value *out)
{
	struct machinead_pair	*p = arg;

	switch (scope) {
	case EXPR_SCOPE_MY:
		return p->my_fn(p->my_arg, scope, name, out);
	case EXPR_SCOPE_TARGET:
		return p->target_fn(p->target_arg, scope, name, out);
	default:
		if (p->my_fn(p->my_arg, scope, name, out) == 0)
			return 0;
		return p->target_fn(p->target_arg, scope, name, out);
	}
}

int
machinead_start_judge(const struct expr *start, expr_lookup_fn my_fn,
    void *my_arg, expr_lookup_fn target_fn, void *target_arg, char *text,
    size_t textlen)
{
	struct machinead_pair	 p = { my_fn, target_fn, my_arg, target_arg };
	struct expr_env		 env = { machinead_pair_lookup, &p, -1 };
	struct expr_value	 v;
	int			 k, n, yes;

	if (start == NULL)
		return -1;
	n = expr_clause_count(start);
	for (k = 0; k < n; k++) {
		expr_clause_eval(start, k, &env, &v);
		yes = expr_is_true(&v);
		expr_value_clear(&v);
		if (!yes) {
			expr_clause_str(start, k, text, textlen);
			return k;
		}
	}
	return -1;
}
