/*
 * statusrows.h: the rows of `cq status`'s table (statusrows.c).
 */
#ifndef CQ_STATUSROWS_H
#define CQ_STATUSROWS_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* The fields the table asks for, in the order it reads them. */
enum {
	SR_NAME, SR_MACHINE, SR_STATE, SR_ACTIVITY, SR_LOAD, SR_MEM,
	SR_IDLE, SR_JOB, SR_SEEN, SR_IMAGE, SR_REASON, SR_NFIELDS
};

/* A slot's row; its strings are the reply's. */
struct status_row {
	const char	*name, *machine, *state, *activity, *job;
	const char	*image, *reason;	/* NULL: none */
	int		 has_load, has_idle, has_seen;
	double		 load;
	int64_t		 mem, idle, seen;
};

/* The field names as a query's "fields" (a new array). */
struct json_object *status_rows_fields(void);
/* Row R, an object (a full row) or an array of the fields, into OUT. */
void		 status_row_json(struct json_object *r,
		    struct status_row *out);
/*
 * The reply TEXT of LEN bytes (NUL after them) read in place, without
 * json-c, when it is {"rows":[...]} of arrays of the fields, each a
 * string, a number or null as status_row_json() reads them: the rows
 * (caller frees) and their number in *N, the strings unescaped in TEXT.
 * NULL when it is anything else (then TEXT is spoilt: read a copy).
 */
struct status_row *status_rows_read(char *text, size_t len, size_t *n);

#endif
