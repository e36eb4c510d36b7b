/*
 * test_statusrows.c: unit tests of the reader of `cq status`'s rows
 * (submit/statusrows.c): the fields' arrays read in place as json-c and
 * status_row_json() read them (strings unescaped, \u escapes and
 * surrogate pairs to UTF-8, null to the defaults, integers and doubles),
 * and every other shape left to json-c (NULL).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "statusrows.h"
#include "xmalloc.h"

/* Read TEXT both ways: the reader's rows (NULL if it declined) and
 * json-c's, *N each. */
static struct status_row *
both(const char *text, size_t *n, struct status_row **viajson,
    struct json_object **rep, char **buf)
{
	struct json_object	*rows;
	struct status_row	*r;
	size_t			 i, len = strlen(text);

	*buf = xstrdup(text);
	r = status_rows_read(*buf, len, n);
	*rep = json_tokener_parse(text);
	*viajson = NULL;
	if (*rep != NULL && json_object_object_get_ex(*rep, "rows", &rows)) {
		*viajson = xcalloc(json_object_array_length(rows) + 1,
		    sizeof **viajson);
		for (i = 0; i < json_object_array_length(rows); i++)
			status_row_json(json_object_array_get_idx(rows, i),
			    &(*viajson)[i]);
	}
	return r;
}

static void
same(const struct status_row *a, const struct status_row *b)
{
	cr_assert_str_eq(a->name, b->name);
	cr_assert_str_eq(a->machine, b->machine);
	cr_assert_str_eq(a->state, b->state);
	cr_assert_str_eq(a->activity, b->activity);
	cr_assert_str_eq(a->job, b->job);
	cr_assert_eq(a->image == NULL, b->image == NULL);
	if (a->image != NULL)
		cr_assert_str_eq(a->image, b->image);
	cr_assert_eq(a->reason == NULL, b->reason == NULL);
	if (a->reason != NULL)
		cr_assert_str_eq(a->reason, b->reason);
	cr_assert_eq(a->has_load, b->has_load);
	cr_assert_eq(a->load, b->load);
	cr_assert_eq(a->mem, b->mem);
	cr_assert_eq(a->has_idle, b->has_idle);
	cr_assert_eq(a->idle, b->idle);
	cr_assert_eq(a->has_seen, b->has_seen);
	cr_assert_eq(a->seen, b->seen);
}

Test(statusrows, arrays_as_json_reads_them)
{
	const char		*text = "{\"rows\":["
	    "[\"slot1@a1\",\"a1\",\"CLAIMED\",\"Busy\",0.25,2048,1500,"
	    "\"12.3\",61000,null,null],"
	    " [ \"slot2@a\\\"1\\\\\" , \"a\\/1\",\"OWNER\",\"Owner\",1.0,0,"
	    "null,null,null,\"v\\u00e9\\u65e5\\ud83d\\ude00\","
	    "\"tab\\there\\nnl\"] ,"
	    "[\"s\",\"m\",null,null,3,-1,0,null,0,\"x\",\"\"]"
	    "] }\n";
	struct status_row	*r, *j;
	struct json_object	*rep;
	char			*buf;
	size_t			 n = 99, i;

	r = both(text, &n, &j, &rep, &buf);
	cr_assert_not_null(r, "the reader declined");
	cr_assert_not_null(j);
	cr_assert_eq(n, 3);
	for (i = 0; i < n; i++)
		same(&r[i], &j[i]);
	cr_assert_str_eq(r[1].name, "slot2@a\"1\\");
	cr_assert_str_eq(r[1].machine, "a/1");
	cr_assert_str_eq(r[1].image, "v\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80");
	cr_assert_str_eq(r[1].reason, "tab\there\nnl");
	cr_assert_str_eq(r[2].state, "?");
	cr_assert_str_eq(r[2].activity, "-");
	cr_assert_eq(r[2].load, 3.0);
	cr_assert(r[0].has_idle && r[0].idle == 1500 && r[0].has_seen);
	cr_assert(!r[1].has_idle && !r[1].has_seen && r[1].has_load);
	free(r);
	free(j);
	free(buf);
	json_object_put(rep);
}

Test(statusrows, no_rows)
{
	char		 text[] = "{\"rows\":[]}";
	struct status_row *r;
	size_t		 n = 5;

	r = status_rows_read(text, strlen(text), &n);
	cr_assert_not_null(r);
	cr_assert_eq(n, 0);
	free(r);
}

/* Every other shape is left to json-c. */
Test(statusrows, other_shapes_declined)
{
	static const char *const bad[] = {
		/* objects (an older scheduler, the full rows) */
		"{\"rows\":[{\"name\":\"x\"}]}",
		/* a field short, one too many */
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",0,1,null,null,null,"
		    "null]]}",
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",0,1,null,null,null,null,"
		    "null,null]]}",
		/* true; a number where a string goes; a double for MEM;
		 * a string for LOAD */
		"{\"rows\":[[true,\"b\",\"c\",\"d\",0,1,null,null,null,null,"
		    "null]]}",
		"{\"rows\":[[1,\"b\",\"c\",\"d\",0,1,null,null,null,null,"
		    "null]]}",
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",0,1.5,null,null,null,"
		    "null,null]]}",
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",\"0\",1,null,null,null,"
		    "null,null]]}",
		/* another member; text after; a bad escape; a lone
		 * surrogate; a control in a string; a bad number; cut */
		"{\"rows\":[],\"more\":1}",
		"{\"rows\":[]} x",
		"{\"rows\":[[\"\\x\",\"b\",\"c\",\"d\",0,1,null,null,null,"
		    "null,null]]}",
		"{\"rows\":[[\"\\ud800\",\"b\",\"c\",\"d\",0,1,null,null,"
		    "null,null,null]]}",
		"{\"rows\":[[\"a\tb\",\"b\",\"c\",\"d\",0,1,null,null,null,"
		    "null,null]]}",
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",01,1,null,null,null,"
		    "null,null]]}",
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",0,99999999999999999999,"
		    "null,null,null,null,null]]}",
		"{\"rows\":[[\"a\",\"b\",\"c\",\"d\",0,1,null,null,null,"
		    "null,nul",
		"",
	};
	struct status_row	*r;
	char			*buf;
	size_t			 i, n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf = xstrdup(bad[i]);
		r = status_rows_read(buf, strlen(buf), &n);
		cr_assert_null(r, "read: %s", bad[i]);
		free(buf);
	}
}

/* A NUL inside the reply (its length says more): declined. */
Test(statusrows, nul_inside)
{
	char		 text[] = "{\"rows\":[]}\0x";
	size_t		 n;

	cr_assert_null(status_rows_read(text, sizeof text - 1, &n));
}
