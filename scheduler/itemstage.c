/*
 * itemstage.c: a client's items before its factory's submit
 * (itemstage.h).  A frame costs the loop one check of at most
 * ITEMFRAME_MAX bytes, one store insert of them and their split: a
 * million items arrive over a few dozen frames, each in a loop turn of
 * its own, where one JSON message of them used to be read in one turn.
 * The rows are written under an upload id that no factory names until
 * the submit's transaction, so a scheduler killed before it drops them
 * at start-up (store_factory_items_sweep).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "itemframe.h"
#include "itemstage.h"
#include "jobdesc.h"
#include "log.h"
#include "loopturn.h"
#include "schedd.h"
#include "store.h"
#include "xmalloc.h"

struct itemstage {
	uint64_t	 upload;
	uint64_t	 mark;		/* the loop turn of the first */
	uint32_t	 nframes;	/* stored */
	char		*buf;		/* the items, NUL-separated */
	size_t		 len, cap;
	uint32_t	*off;
	size_t		 n, offcap;
	int		 kept;
};

/*
 * The items of all submits in progress at most, in bytes: a client may
 * hold 64 MiB, and so may only a few at once.
 */
#define ITEMSTAGE_MAX_ALL	(4 * (size_t)ITEMFRAME_MAX_TOTAL)

static uint64_t	itemstage_next = 1;
static size_t	itemstage_all;		/* bytes held by the stages */

void
itemstage_init(uint64_t next)
{
	itemstage_next = next;
}

int
itemstage_add(struct itemstage **sp, const char *raw, size_t len,
    char *err, size_t errlen)
{
	struct itemstage	*s = *sp;
	const char		*errstr;
	size_t			 k, i, start;

	if (itemframe_check(raw, len, &k, &errstr) == -1) {
		snprintf(err, errlen, "late materialization: %s", errstr);
		return -1;
	}
	if (s == NULL) {
		s = *sp = xcalloc(1, sizeof(*s));
		s->upload = itemstage_next++;
		s->mark = loopturn_mark();
	}
	if (k > JOBDESC_MAX_PROCS - s->n) {
		snprintf(err, errlen, "late materialization: more than %d "
		    "items", JOBDESC_MAX_PROCS);
		return -1;
	}
	if (len > ITEMFRAME_MAX_TOTAL - s->len) {
		snprintf(err, errlen, "late materialization: the items "
		    "take more than %u MiB", ITEMFRAME_MAX_TOTAL >> 20);
		return -1;
	}
	if (len > ITEMSTAGE_MAX_ALL - itemstage_all) {
		snprintf(err, errlen, "late materialization: the submits in "
		    "progress hold %zu MiB of items, the most the scheduler "
		    "takes at once; try again later", itemstage_all >> 20);
		return -1;
	}
	/* Durable before it is kept: the submit only names it. */
	commit_request_begin();
	if (store_factory_items_insert(sd->store, s->upload, s->nframes, raw,
	    len) == -1)
		commit_request_fail(NULL);
	if (commit_request_end() == -1) {
		snprintf(err, errlen, "submit failed, nothing was queued: %s",
		    commit_request_why());
		return -1;
	}
	s->nframes++;
	/* The end of the turn copies the WAL once it has grown (commit.c). */
	schedd_turn_request();
	if (s->len + len > s->cap) {
		s->cap = s->cap == 0 ? ITEMFRAME_MAX : s->cap;
		while (s->cap < s->len + len)
			s->cap *= 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	if (s->n + k > s->offcap) {
		s->offcap = s->offcap == 0 ? 4096 : s->offcap;
		while (s->offcap < s->n + k)
			s->offcap *= 2;
		s->off = xreallocarray(s->off, s->offcap, sizeof(*s->off));
	}
	memcpy(s->buf + s->len, raw, len);
	itemstage_all += len;
	for (i = start = s->len; i < s->len + len; i++)
		if (s->buf[i] == '\n') {
			s->buf[i] = '\0';
			s->off[s->n++] = (uint32_t)start;
			start = i + 1;
		}
	s->len += len;
	return 0;
}

size_t
itemstage_count(const struct itemstage *s)
{
	return s != NULL ? s->n : 0;
}

void
itemstage_report(const struct itemstage *s, char *buf, size_t len)
{
	int64_t	us, cpu;

	if (s == NULL) {
		snprintf(buf, len, "items in the digest");
		return;
	}
	loopturn_since(s->mark, &us, &cpu);
	snprintf(buf, len, "%zu items in %u frames; the longest loop turn "
	    "since the first: %.1f ms, %.1f ms of CPU", s->n, s->nframes,
	    (double)us / 1000.0, (double)cpu / 1000.0);
}

uint64_t
itemstage_upload(const struct itemstage *s)
{
	return s != NULL ? s->upload : 0;
}

void
itemstage_take(struct itemstage *s, char **buf, uint32_t **off, size_t *n)
{
	*buf = s->buf;
	*off = s->off;
	*n = s->n;
	itemstage_all -= s->len;
	s->buf = NULL;
	s->off = NULL;
	s->len = s->cap = s->offcap = 0;
}

void
itemstage_keep(struct itemstage *s)
{
	s->kept = 1;
}

void
itemstage_free(struct itemstage *s)
{
	if (s == NULL)
		return;
	/* In the turn's transaction; a held store replays it. */
	if (!s->kept && s->nframes > 0 && (commit_begin() == -1 ||
	    store_factory_items_delete(sd->store, s->upload) == -1))
		log_warnx("late materialization: the items of upload %llu "
		    "stay until the next start", (unsigned long long)s->upload);
	itemstage_all -= s->len;
	free(s->buf);
	free(s->off);
	free(s);
}
