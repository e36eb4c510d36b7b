/*
 * xferq.h: a queue of files to send over one peer, in order, without
 * blocking the loop: each file is hashed in bounded steps, announced with
 * a `file` message (MSG_FILE: job, run, path, size, mode, sha256, kind)
 * and sent as raw MSG_DATA chunks carrying the `file` message's request
 * id, pausing while the peer's output queue is above XFER_HIGH.  Markers
 * call back once everything queued before them has been handed to the
 * peer.  Used by the scheduler (inputs and checkpoints to agents) and the
 * agent (outputs and checkpoints to the scheduler).
 */
#ifndef CQ_XFERQ_H
#define CQ_XFERQ_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct peer;
struct xferq;

/* A queue on P (not owned); free it from P's close callback.  TRUST_SUMS:
 * the files are our own (the spool), their stored checksums hold. */
struct xferq	*xferq_new(struct event_base *, struct peer *p,
		    int trust_sums);
/* Free Q; safe from inside a callback of Q (the free is deferred). */
void		 xferq_free(struct xferq *q);
/*
 * Queue the file SRC to arrive as REL for JOB/RUN, of KIND ("input",
 * "output", "checkpoint").  SRC NULL sends an empty directory REL.  A
 * file that cannot be read is sent as a bad announcement the receiver
 * refuses, so the receiver's count of good files tells.
 */
void		 xferq_add(struct xferq *q, const char *job, uint32_t run,
		    const char *kind, const char *src, const char *rel);
/*
 * Where a queued file is read from when its turn comes: OPEN(ARG, SRC)
 * returns a file descriptor opened for reading (sent as it is, whatever
 * its path has become since), or -1 with ERR; it runs inside the queue's
 * event callback, so it must answer at once.  REF and UNREF (may be NULL)
 * keep ARG alive while an item needs it.
 */
struct xferq_src {
	int	(*open)(void *arg, const char *src, char *err, size_t errlen);
	void	(*ref)(void *arg);
	void	(*unref)(void *arg);
	void	*arg;
};
/* As xferq_add(), SRC opened through FROM at send time (SRC not NULL). */
void		 xferq_add_from(struct xferq *q, const char *job, uint32_t run,
		    const char *kind, const struct xferq_src *from,
		    const char *src, const char *rel);
/* Call CB(ARG) once all files queued so far are handed to the peer. */
void		 xferq_mark(struct xferq *q, const char *job, uint32_t run,
		    void (*cb)(void *), void *arg);
/* Drop what is queued (not yet begun) for JOB/RUN, markers included. */
void		 xferq_cancel(struct xferq *q, const char *job, uint32_t run);
/* Files waiting or in flight. */
int		 xferq_pending(const struct xferq *q);

#endif
