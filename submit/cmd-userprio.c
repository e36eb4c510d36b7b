/*
 * cmd-userprio.c: `cq userprio`, as condor_userprio: every submitter (an
 * owner, or accounting_group.user) with its effective priority (lower
 * runs first), real priority (its decayed usage in cores), priority
 * factor, the cores and jobs it runs now, its idle jobs and its usage in
 * core-hours.  `-setfactor NAME F` and `-resetusage NAME` are the
 * administrators'.  Exit: 0, 1 refused, 2 bad usage.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"
#include "table.h"

static double
userprio_num(struct json_object *r, const char *key)
{
	struct json_object	*v = jsonx_get(r, key);

	return v != NULL ? json_object_get_double(v) : 0;
}

static int
userprio_show(int json)
{
	static const char *const hdr[] = { "SUBMITTER", "EFFECTIVE_PRIO",
	    "REAL_PRIO", "FACTOR", "CORES", "RUNNING", "IDLE", "USAGE_HRS" };
	struct json_object	*req, *rep, *rows, *r;
	struct table		*t;
	const char		*cells[8];
	char			 b[7][32];
	size_t			 i, k, n;

	req = json_object_new_object();
	json_object_object_add(req, "action", json_object_new_string("show"));
	rep = cq_request(MSG_USERPRIO, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	rows = jsonx_get(rep, "rows");
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(rows,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(rep);
		return CQ_EXIT_OK;
	}
	t = table_new(8, hdr);
	for (k = 1; k < 8; k++)
		table_right(t, k);
	n = rows != NULL ? json_object_array_length(rows) : 0;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		snprintf(b[0], sizeof b[0], "%.2f",
		    userprio_num(r, "effective_priority"));
		snprintf(b[1], sizeof b[1], "%.2f",
		    userprio_num(r, "real_priority"));
		snprintf(b[2], sizeof b[2], "%g", userprio_num(r, "factor"));
		snprintf(b[3], sizeof b[3], "%lld",
		    (long long)jsonx_int(r, "cores_in_use", 0));
		snprintf(b[4], sizeof b[4], "%lld",
		    (long long)jsonx_int(r, "running", 0));
		snprintf(b[5], sizeof b[5], "%lld",
		    (long long)jsonx_int(r, "idle", 0));
		snprintf(b[6], sizeof b[6], "%.2f",
		    userprio_num(r, "usage_hours"));
		cells[0] = jsonx_str(r, "name", "");
		for (k = 0; k < 7; k++)
			cells[k + 1] = b[k];
		table_add(t, cells);
	}
	table_color(t, table_want_color(stdout));
	table_print(t, stdout, table_term_width(stdout));
	table_free(t);
	json_object_put(rep);
	return CQ_EXIT_OK;
}

static int
userprio_change(const char *action, const char *name, const char *factor)
{
	struct json_object	*req, *rep;
	double			 f = 0;
	char			*end;

	req = json_object_new_object();
	json_object_object_add(req, "action", json_object_new_string(action));
	json_object_object_add(req, "name", json_object_new_string(name));
	if (factor != NULL) {
		f = strtod(factor, &end);
		if (*factor == '\0' || *end != '\0' || !isfinite(f) || f < 1) {
			fprintf(stderr, "cq userprio: factor '%s' is not a "
			    "number of at least 1\n", factor);
			json_object_put(req);
			return CQ_EXIT_USAGE;
		}
		json_object_object_add(req, "factor",
		    json_object_new_double(f));
	}
	rep = cq_request(MSG_USERPRIO, req);
	json_object_put(req);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	if (factor != NULL)
		printf("The priority factor of %s is now %g.\n", name, f);
	else
		printf("The usage of %s is reset.\n", name);
	json_object_put(rep);
	return CQ_EXIT_OK;
}

int
cmd_userprio(int argc, char **argv)
{
	if (argc == 1)
		return userprio_show(0);
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		return userprio_show(1);
	if (argc == 4 && strcmp(argv[1], "-setfactor") == 0)
		return userprio_change("setfactor", argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "-resetusage") == 0)
		return userprio_change("resetusage", argv[2], NULL);
	return cq_bad_arg("userprio", argv[1]);
}
