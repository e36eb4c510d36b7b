/*
 * rows.h: query reply rows built from scheduler objects (rows.c).
 */
#ifndef CQ_ROWS_H
#define CQ_ROWS_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct job;
struct machine;
struct slot;

/* Job fields a query may name in "fields" (rows are then arrays). */
enum rows_field {
	RF_ID, RF_CLUSTER, RF_PROC, RF_OWNER, RF_STATE, RF_ST, RF_PRIORITY,
	RF_CMD, RF_SUBMITTED, RF_STARTED, RF_FINISHED, RF_RUN, RF_MACHINE,
	RF_REQUEST_CPUS, RF_REQUEST_MEMORY_MB, RF_MAX
};
#define ROWS_MAX_FIELDS	32

/* The field called NAME (NULL: none); 0, or -1 if there is none. */
int		 rows_field_parse(const char *name, enum rows_field *f);
/* J as an array of the fields F[0..N-1] (caller owns). */
struct json_object *rows_job_cells(const struct job *j,
		    const enum rows_field *f, size_t n);
/* Add slot S's activity and M's owner side (heartbeats) to O. */
void		 rows_machine_owner(struct json_object *o,
		    const struct machine *m, const struct slot *s,
		    int64_t now_mono);

#endif
