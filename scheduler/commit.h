/*
 * commit.h: group commit.  Every change of one loop turn joins one SQLite
 * transaction; the messages that report such changes (client replies,
 * orders to agents) wait here and leave only after the commit.
 */
#ifndef CQ_COMMIT_H
#define CQ_COMMIT_H

#include <stdint.h>

struct json_object;
struct peer;

/* Open the turn's transaction if needed; -1 if the store refuses. */
int	commit_begin(void);
/*
 * A client's request that changes state: begin commits what the turn
 * changed so far and opens the request's own transaction; a write that
 * fails inside calls commit_request_fail() with why (NULL: the store's
 * last failure); end commits (0) or rolls
 * back the request's writes and drops the replies and orders it queued
 * (-1: the caller undoes its changes in memory and answers with
 * commit_request_why()).
 */
int	commit_request_begin(void);
int	commit_request_active(void);
void	commit_request_fail(const char *why);
int	commit_request_end(void);
const char *commit_request_why(void);
/* Send OBJ (taken) to P once the turn's changes are durable. */
void	commit_later(struct peer *p, uint16_t type, uint32_t reqid,
	    struct json_object *obj);
/* The same for TEXT (taken: freed after), LEN bytes of one JSON object
 * made by the caller (peer_send_text). */
void	commit_later_text(struct peer *p, uint16_t type, uint32_t reqid,
	    char *text, size_t len);
/* Call CB() at each commit of the turn's changes, just before it: its
 * writes join them (a module's grouped writes of the turn). */
void	commit_before(void (*cb)(void));
/* Call CB(ARG) once the turn's changes are durable (after the sends). */
void	commit_after(void (*cb)(void *), void *arg);
/* Call CB(ARG) a loop iteration after the turn's replies went out, for
 * cleanup that need not hold them up (run at exit at the latest). */
void	commit_idle(void (*cb)(void *), void *arg);
/* P is closing: drop what waits for it. */
void	commit_forget_peer(struct peer *p);
/* Commit the turn's transaction and send what waited for it. */
void	commit_flush(void);
/*
 * Stalled: the store refused the turn's writes and holds them (store.c);
 * nothing that reports them is sent, requests are refused, nothing is
 * matched.  commit_retry() replays them: 0 if the store is not held (any
 * more).  The why ("the scheduler's disk is full: 2 KiB free") and since
 * when (clock_mono_ms), NULL and 0 when not stalled.
 */
int	commit_stalled(void);
int	commit_retry(void);
const char *commit_stall_why(void);
int64_t	commit_stall_since(void);
/* Free what is left at exit. */
void	commit_shutdown(void);

#endif
