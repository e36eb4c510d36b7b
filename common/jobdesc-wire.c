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
 * equality.  The writer is jsonw.c's.  Callers: scheduler/ctl.c
 * (ctl_submit), scheduler/factory.c, scheduler/jobad.c (the start order).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jobdesc.h"
#include "jsonw.h"
#include "jsonx.h"
#include "xmalloc.h"

/* Above this many variables, do not look for repeated names by hand. */
#define JDW_ENV_DIRECT	64

/* The environment as an object; -1 if a name might repeat (many). */
static int
jdw_env(struct jsonw *b, const struct jobdesc *jd)
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
	jsonw_add(b, "{", 1);
	for (i = 0; i < jd->nenv; i++) {
		if ((eq = strchr(jd->env[i], '=')) == NULL)
			continue;
		if (!first)
			jsonw_add(b, ",", 1);
		first = 0;
		jsonw_strn(b, jd->env[i], eq - jd->env[i]);
		jsonw_add(b, ":", 1);
		jsonw_str(b, eq + 1);
	}
	jsonw_add(b, "}", 1);
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
	struct jsonw	 b = { NULL, 0, 0 };
	const char	*key, *val;
	size_t		 i;

	jsonw_add(&b, "{", 1);
	jsonw_key(&b, "proc");
	jsonw_int(&b, jd->proc);
	jsonw_key(&b, "executable");
	jsonw_str(&b, jd->executable);
	jsonw_key(&b, "arguments");
	jsonw_strv(&b, jd->argv, jd->argc);
	jsonw_key(&b, "output");
	jsonw_str(&b, jd->output);
	jsonw_key(&b, "error");
	jsonw_str(&b, jd->error);
	jsonw_key(&b, "log");
	jsonw_str(&b, jd->log);
	jsonw_key(&b, "input");
	jsonw_str(&b, jd->input);
	jsonw_key(&b, "initialdir");
	jsonw_str(&b, jd->initialdir);
	jsonw_key(&b, "request_cpus");
	jsonw_int(&b, jd->request_cpus);
	jsonw_key(&b, "request_memory_mb");
	jsonw_int(&b, jd->request_memory_mb);
	jsonw_key(&b, "request_disk_kb");
	jsonw_int(&b, jd->request_disk_kb);
	jsonw_key(&b, "requirements");
	jsonw_str(&b, jd->requirements);
	jsonw_key(&b, "environment");
	if (jdw_env(&b, jd) == -1) {
		jsonw_free(&b);
		return jdw_via_jsonc(jd, len);
	}
	jsonw_key(&b, "custom");
	if (jd->custom == NULL || json_object_object_length(jd->custom) == 0)
		jsonw_add(&b, "{}", 2);
	else
		jsonw_json(&b, jd->custom);

	if (jd->priority != 0) {
		jsonw_key(&b, "priority");
		jsonw_int(&b, jd->priority);
	}
	if (jd->max_retries != -1) {
		jsonw_key(&b, "max_retries");
		jsonw_int(&b, jd->max_retries);
	}
	if (jd->should_transfer != JD_XFER_IF_NEEDED) {
		jsonw_key(&b, "should_transfer_files");
		jsonw_str(&b, jobdesc_xfer_str(jd->should_transfer));
	}
	if (jd->when_to_transfer != JD_WHEN_ON_EXIT) {
		jsonw_key(&b, "when_to_transfer_output");
		jsonw_str(&b, jobdesc_when_str(jd->when_to_transfer));
	}
	if (jd->nxfer_in > 0) {
		jsonw_key(&b, "transfer_input_files");
		jsonw_strv(&b, jd->xfer_in, jd->nxfer_in);
	}
	if (jd->xfer_out != NULL) {
		jsonw_key(&b, "transfer_output_files");
		jsonw_strv(&b, jd->xfer_out, jd->nxfer_out);
	}
	if (jd->checkpoint_exit_code != -1) {
		jsonw_key(&b, "checkpoint_exit_code");
		jsonw_int(&b, jd->checkpoint_exit_code);
	}
	if (jd->nckpt_files > 0) {
		jsonw_key(&b, "transfer_checkpoint_files");
		jsonw_strv(&b, jd->ckpt_files, jd->nckpt_files);
	}
	if (jd->umask != -1) {
		jsonw_key(&b, "umask");
		jsonw_int(&b, jd->umask);
	}
	if (jd->nice_user) {
		jsonw_key(&b, "nice_user");
		jsonw_lit(&b, "true");
	}
	if (!jd->transfer_executable) {
		jsonw_key(&b, "transfer_executable");
		jsonw_lit(&b, "false");
	}
	if (jd->hold) {
		jsonw_key(&b, "hold");
		jsonw_lit(&b, "true");
	}
	for (i = 0; (key = jobdesc_text_member(jd, i, &val)) != NULL; i++) {
		if (val != NULL) {
			jsonw_key(&b, key);
			jsonw_str(&b, val);
		}
	}
	jsonw_add(&b, "}", 1);
	return jsonw_done(&b, len);
}
