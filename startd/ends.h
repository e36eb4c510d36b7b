/*
 * ends.h: the job ends an agent has reported and the scheduler has not yet
 * acknowledged, kept on disk (STATE_DIR/ends) so that they outlive the
 * agent: a stop, a crash, a reboot.  ends.c says how.
 */
#ifndef CQ_ENDS_H
#define CQ_ENDS_H

#include <stddef.h>
#include <stdint.h>

#include "agentmsg.h"

#define ENDS_FILE	"ends"

/* A kept end: the report, and the slot its run held. */
struct kept_end {
	struct agentmsg_exited	 m;
	int			 slot;
};

/*
 * Parse LEN bytes of an ends file (NAME for messages).  0 with *OUT (N of
 * them, the caller frees the array) and *GOOD, the length of the whole
 * records: a last record without its newline (a write cut by a crash) is
 * not one of them, and *TORN says so.  -1 with ERR ("NAME:LINE: what")
 * for anything else that is not as ends.c writes it.
 */
int	ends_parse(const char *name, const char *buf, size_t len,
	    struct kept_end **out, size_t *n, size_t *good, int *torn,
	    char *err, size_t errlen);

/*
 * Open DIR/ends (made if missing) and read it: 0, or -1 with ERR (a file
 * that cannot be read or written; a damaged one, with what to do: nothing
 * is changed).  A torn last record is dropped, with
 * a log line; a file with acknowledged ends in it is written again with
 * only the others.
 */
int	ends_open(const char *dir, char *err, size_t errlen);
/* The ends ends_open() found, in their order; the caller frees *OUT. */
size_t	ends_take(struct kept_end **out);
/* Keep the end M of a run that held SLOT, on disk (fsynced): 0, or -1
 * (logged) when the disk refuses it. */
int	ends_keep(const struct agentmsg_exited *m, int slot);
/* The scheduler acknowledged the end of RUN of JOB: not kept any more. */
void	ends_done(const char *job, uint32_t run);
/* Ends kept and not acknowledged. */
size_t	ends_pending(void);
void	ends_close(void);

#endif
