/*
 * logwriter.h: the writers that append user-log events to their files
 * off the loop (logwriter.c), for userlog.c.
 */
#ifndef CQ_LOGWRITER_H
#define CQ_LOGWRITER_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;

/* Start the writers; DONE is called in the loop after they wrote. */
int	logwriter_init(struct event_base *base, void (*done)(void));
/*
 * Append TEXT (LEN bytes, copied), an event of job CLUSTER.PROC, to PATH
 * as UID, after every event queued before for the same PATH and UID.  ID
 * orders the events (it grows); 0, or -1 if too much waits already
 * (the caller tries again after DONE).
 */
int	logwriter_put(int64_t id, uint32_t cluster, uint32_t proc, uid_t uid,
	    const char *path, const char *text, size_t len);
/* 1 if an event of a job of CLUSTER waits to be written. */
int	logwriter_cluster_pending(uint32_t cluster);
/* The smallest ID not written yet, or -1 when all were. */
int64_t	logwriter_pending(void);
/* Wait until all was written (0) or MS milliseconds passed (-1). */
int	logwriter_drain(int64_t ms);
/* Stop the writers that are idle within MS ms; at exit. */
void	logwriter_shutdown(int64_t ms);

#endif
