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
	RF_REQUEST_CPUS, RF_REQUEST_MEMORY_MB, RF_LAST_CKPT_MS, RF_EVICTIONS,
	RF_RUN_TIME_MS, RF_MAX
};
#define ROWS_MAX_FIELDS	32

/* Slot fields a machines query may name in "fields" (rows are arrays):
 * the members of its object rows but "ad". */
enum rows_slot_field {
	RS_NAME, RS_MACHINE, RS_SLOT, RS_STATE, RS_CONNECTED, RS_CPUS,
	RS_MEMORY_MB, RS_CONTACT_AGE_MS, RS_JOB, RS_ACTIVITY, RS_CRIU,
	RS_LOAD, RS_OWNER_IDLE_MS, RS_OWNER_SEEN_MS, RS_IMAGE_VERSION,
	RS_OWNER_REASON, RS_MAX
};

/* The field called NAME (NULL: none); 0, or -1 if there is none. */
int		 rows_field_parse(const char *name, enum rows_field *f);
int		 rows_slot_field_parse(const char *name,
		    enum rows_slot_field *f);
/* Add S's slot ad as matching sees it (HTCondor's names, Start and
 * Rank as text, the site's attributes) to O as "ad". */
void		 rows_slot_ad(struct json_object *o, const struct slot *s,
		    int64_t now_mono);
/* Add slot S's activity and M's owner side (heartbeats) to O. */
void		 rows_machine_owner(struct json_object *o,
		    const struct machine *m, const struct slot *s,
		    int64_t now_mono);

/*
 * A query reply {"rows":[...]} of compact job rows written as JSON text:
 * new, a row per job, then finish (returns the text, caller frees, and
 * frees T).
 */
struct rows_text;
struct rows_text *rows_text_new(void);
/* J's row of fields F; its cmd cut at CMDLEN bytes (no arguments). */
void		 rows_text_job(struct rows_text *t, const struct job *j,
		    size_t cmdlen, const enum rows_field *f, size_t n);
/* Slot S's row of fields F, as of NOW_MONO (the values of its object
 * row: ctl-query.c's ctl_slot_row). */
void		 rows_text_slot(struct rows_text *t, const struct slot *s,
		    int64_t now_mono, const enum rows_slot_field *f, size_t n);
/* A row written by the caller: LEN bytes of one JSON value. */
void		 rows_text_raw(struct rows_text *t, const char *row,
		    size_t len);
size_t		 rows_text_count(const struct rows_text *t);
/* After the rows: member NAME with integer V beside "rows". */
void		 rows_text_member(struct rows_text *t, const char *name,
		    int64_t v);
char		*rows_text_finish(struct rows_text *t, size_t *len);

#endif
