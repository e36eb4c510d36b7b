/*
 * itemstage.h: the items of a client's late materialization, arriving as
 * item frames (common/itemframe.h) before its factory's submit.  Each
 * frame is checked, stored in factory_items (a unit of its own, so a
 * store that refuses it refuses that client alone) and kept in memory,
 * split into items; the submit hands them to its factory (factory.c).
 * A stage whose submit never comes, or fails, has its rows deleted.
 */
#ifndef CQ_ITEMSTAGE_H
#define CQ_ITEMSTAGE_H

#include <stddef.h>
#include <stdint.h>

struct itemstage;

/* At start-up, after the sweep of unfinished uploads: the next id. */
void		 itemstage_init(uint64_t next);
/*
 * The item frame of LEN bytes at RAW for the stage *SP (made at the
 * first): checked, within the limits, stored and kept.  0, or -1 with
 * ERR (the client is refused: the stage is freed by its owner).
 */
int		 itemstage_add(struct itemstage **sp, const char *raw,
		    size_t len, char *err, size_t errlen);
size_t		 itemstage_count(const struct itemstage *);
uint64_t	 itemstage_upload(const struct itemstage *);
/*
 * For the submit's log line: its items, frames and the longest loop
 * turn since the first frame came (NULL: "items in the digest").
 */
void		 itemstage_report(const struct itemstage *, char *buf,
		    size_t len);
/*
 * The items, taken: *BUF (NUL-separated) and *OFF (each item's offset
 * in it), *N of them.  The stage keeps its rows and upload id.
 */
void		 itemstage_take(struct itemstage *, char **buf,
		    uint32_t **off, size_t *n);
/* The rows are its factory's now: freeing the stage keeps them. */
void		 itemstage_keep(struct itemstage *);
/* Free the stage (NULL is fine); its rows go unless kept. */
void		 itemstage_free(struct itemstage *);

#endif
