/*
 * userlog.h: the job event log (`log = FILE`) in HTCondor's user-log
 * format, written from the store's job_events after each commit.
 */
#ifndef CQ_USERLOG_H
#define CQ_USERLOG_H

#include <stddef.h>
#include <stdint.h>

struct job;
struct store_logevent;

/* Read the mark (STATE_DIR/userlog.mark) after the store is open. */
int	userlog_init(void);
/* An event of J was recorded (queue.c); J->logged as its description now
 * says. */
void	userlog_event(const struct job *j);
/*
 * Whether a description's wire text AD may name a log: a "log" key whose
 * value is not null (the store's query decides; such a key elsewhere in
 * it only costs a read of the store).
 */
int	userlog_ad_logged(const char *ad);
/* A transaction committed: there may be events to write. */
void	userlog_recorded(void);
/* Append the committed events above the mark to their files. */
void	userlog_flush(void);
/*
 * 1 while an event of a job of CLUSTER that is committed may not be in
 * its log yet (the writers are off the loop: logwriter.c).
 */
int	userlog_cluster_pending(uint32_t cluster);
/* Write what is left and save the mark, at exit. */
void	userlog_shutdown(void);
/*
 * Format E as one user-log event (header, body, "...") into B; returns
 * its length, or 0 when the event has no user-log form.
 */
size_t	userlog_format(char *b, size_t len, const struct store_logevent *e);

#endif
