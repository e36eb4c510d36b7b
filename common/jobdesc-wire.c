/*
 * jobdesc-wire.c: jobdesc_wire_text(), the wire form of a description
 * written straight into text, byte for byte what
 * jsonx_dump(jobdesc_to_wire(jd)) gives (json-c's plain output with '/'
 * unescaped: the same members in the same order, the same escapes, the
 * same integers) but without building a json-c object per member.  The
 * scheduler stores this text for every job of a submit, so for a
 * 100,000-proc cluster the object round trip was a third of a second.
 * Custom attributes (rare, any json-c value) are still dumped by json-c;
 * an environment big enough that names might repeat goes the json-c way
 * whole (an object keeps one value per name).  test_jobdesc checks the
 * equality.  Caller: scheduler/ctl.c (ctl_submit).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jobdesc.h"
#include "jsonx.h"
#include "xmalloc.h"

/* Above this many variables, do not look for repeated names by hand. */
#define JDW_ENV_DIRECT	64

struct jdw_buf {
	char	*p;
	size_t	 len, cap;
};

static void
jdw_grow(struct jdw_buf *b, size_t more)
{
	if (b->cap - b->len > more)
		return;
	while (b->cap - b->len <= more)
		b->cap = b->cap ? b->cap * 2 : 512;
	b->p = xreallocarray(b->p, b->cap, 1);
}

static void
jdw_add(struct jdw_buf *b, const char *s, size_t len)
{
	jdw_grow(b, len);
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

static void
jdw_lit(struct jdw_buf *b, const char *s)
{
	jdw_add(b, s, strlen(s));
}

/* A JSON string of the first LEN bytes at S, escaped as json-c does. */
static void
jdw_strn(struct jdw_buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run = 0;
	char			 esc[7];

	jdw_grow(b, len + 2);
	b->p[b->len++] = '"';
	for (i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
			continue;
		jdw_add(b, s + run, i - run);
		run = i + 1;
		switch (p[i]) {
		case '\b': jdw_add(b, "\\b", 2); break;
		case '\n': jdw_add(b, "\\n", 2); break;
		case '\r': jdw_add(b, "\\r", 2); break;
		case '\t': jdw_add(b, "\\t", 2); break;
		case '\f': jdw_add(b, "\\f", 2); break;
		case '"': jdw_add(b, "\\\"", 2); break;
		case '\\': jdw_add(b, "\\\\", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			jdw_add(b, esc, 6);
			break;
		}
	}
	jdw_add(b, s + run, len - run);
	jdw_add(b, "\"", 1);
}

/* A string, or null. */
static void
jdw_str(struct jdw_buf *b, const char *s)
{
	if (s == NULL)
		jdw_lit(b, "null");
	else
		jdw_strn(b, s, strlen(s));
}

/* ,"KEY": (no comma before the first member). */
static void
jdw_key(struct jdw_buf *b, const char *key)
{
	if (b->p[b->len - 1] != '{')
		jdw_add(b, ",", 1);
	jdw_str(b, key);
	jdw_add(b, ":", 1);
}

static void
jdw_int(struct jdw_buf *b, int64_t v)
{
	char	num[24];
	int	n;

	n = snprintf(num, sizeof num, "%" PRId64, v);
	jdw_add(b, num, (size_t)n);
}

static void
jdw_strv(struct jdw_buf *b, char **v, size_t n)
{
	size_t	i;

	jdw_add(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			jdw_add(b, ",", 1);
		jdw_str(b, v[i]);
	}
	jdw_add(b, "]", 1);
}

/* The environment as an object; -1 if a name might repeat (many). */
static int
jdw_env(struct jdw_buf *b, const struct jobdesc *jd)
{
	const char	*eq, *eq2;
	size_t		 i, k, nl;
	int		 first = 1;

	if (jd->nenv > JDW_ENV_DIRECT)
		return -1;
	/* A repeated name keeps its first place and its last value. */
	for (i = 0; i < jd->nenv; i++) {
		if ((eq = strchr(jd->env[i], '=')) == NULL)
			continue;
		nl = eq - jd->env[i];
		for (k = 0; k < jd->nenv; k++) {
			if (k == i || (eq2 = strchr(jd->env[k], '=')) == NULL)
				continue;
			if ((size_t)(eq2 - jd->env[k]) == nl &&
			    memcmp(jd->env[k], jd->env[i], nl) == 0)
				return -1;
		}
	}
	jdw_add(b, "{", 1);
	for (i = 0; i < jd->nenv; i++) {
		if ((eq = strchr(jd->env[i], '=')) == NULL)
			continue;
		if (!first)
			jdw_add(b, ",", 1);
		first = 0;
		jdw_strn(b, jd->env[i], eq - jd->env[i]);
		jdw_add(b, ":", 1);
		jdw_str(b, eq + 1);
	}
	jdw_add(b, "}", 1);
	return 0;
}

/* The json-c way, for what the direct path does not take on. */
static char *
jdw_via_jsonc(const struct jobdesc *jd, size_t *len)
{
	struct json_object	*o = jobdesc_to_wire(jd);
	const char		*s;
	char			*out;

	s = jsonx_dump(o, len);
	out = xmalloc(*len + 1);
	memcpy(out, s, *len + 1);
	json_object_put(o);
	return out;
}

/*
 * The text of jsonx_dump(jobdesc_to_wire(JD)), NUL-terminated, its length
 * in *LEN; the caller frees it.
 */
char *
jobdesc_wire_text(const struct jobdesc *jd, size_t *len)
{
	struct jdw_buf	 b = { NULL, 0, 0 };
	const char	*key, *val, *s;
	size_t		 i, n;

	jdw_add(&b, "{", 1);
	jdw_key(&b, "proc");
	jdw_int(&b, jd->proc);
	jdw_key(&b, "executable");
	jdw_str(&b, jd->executable);
	jdw_key(&b, "arguments");
	jdw_strv(&b, jd->argv, jd->argc);
	jdw_key(&b, "output");
	jdw_str(&b, jd->output);
	jdw_key(&b, "error");
	jdw_str(&b, jd->error);
	jdw_key(&b, "log");
	jdw_str(&b, jd->log);
	jdw_key(&b, "input");
	jdw_str(&b, jd->input);
	jdw_key(&b, "initialdir");
	jdw_str(&b, jd->initialdir);
	jdw_key(&b, "request_cpus");
	jdw_int(&b, jd->request_cpus);
	jdw_key(&b, "request_memory_mb");
	jdw_int(&b, jd->request_memory_mb);
	jdw_key(&b, "request_disk_kb");
	jdw_int(&b, jd->request_disk_kb);
	jdw_key(&b, "requirements");
	jdw_str(&b, jd->requirements);
	jdw_key(&b, "environment");
	if (jdw_env(&b, jd) == -1) {
		free(b.p);
		return jdw_via_jsonc(jd, len);
	}
	jdw_key(&b, "custom");
	if (jd->custom == NULL || json_object_object_length(jd->custom) == 0)
		jdw_add(&b, "{}", 2);
	else {
		s = jsonx_dump(jd->custom, &n);
		jdw_add(&b, s, n);
	}

	if (jd->priority != 0) {
		jdw_key(&b, "priority");
		jdw_int(&b, jd->priority);
	}
	if (jd->max_retries != -1) {
		jdw_key(&b, "max_retries");
		jdw_int(&b, jd->max_retries);
	}
	if (jd->should_transfer != JD_XFER_IF_NEEDED) {
		jdw_key(&b, "should_transfer_files");
		jdw_str(&b, jobdesc_xfer_str(jd->should_transfer));
	}
	if (jd->when_to_transfer != JD_WHEN_ON_EXIT) {
		jdw_key(&b, "when_to_transfer_output");
		jdw_str(&b, jobdesc_when_str(jd->when_to_transfer));
	}
	if (jd->nxfer_in > 0) {
		jdw_key(&b, "transfer_input_files");
		jdw_strv(&b, jd->xfer_in, jd->nxfer_in);
	}
	if (jd->xfer_out != NULL) {
		jdw_key(&b, "transfer_output_files");
		jdw_strv(&b, jd->xfer_out, jd->nxfer_out);
	}
	if (jd->checkpoint_exit_code != -1) {
		jdw_key(&b, "checkpoint_exit_code");
		jdw_int(&b, jd->checkpoint_exit_code);
	}
	if (jd->nckpt_files > 0) {
		jdw_key(&b, "transfer_checkpoint_files");
		jdw_strv(&b, jd->ckpt_files, jd->nckpt_files);
	}
	if (jd->umask != -1) {
		jdw_key(&b, "umask");
		jdw_int(&b, jd->umask);
	}
	if (jd->nice_user) {
		jdw_key(&b, "nice_user");
		jdw_lit(&b, "true");
	}
	if (!jd->transfer_executable) {
		jdw_key(&b, "transfer_executable");
		jdw_lit(&b, "false");
	}
	if (jd->hold) {
		jdw_key(&b, "hold");
		jdw_lit(&b, "true");
	}
	for (i = 0; (key = jobdesc_text_member(jd, i, &val)) != NULL; i++) {
		if (val != NULL) {
			jdw_key(&b, key);
			jdw_str(&b, val);
		}
	}
	jdw_add(&b, "}", 1);
	jdw_grow(&b, 1);
	b.p[b.len] = '\0';
	*len = b.len;
	return b.p;
}
