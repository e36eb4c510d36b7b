/*
 * spool.h: the scheduler's spool (STATE_DIR/spool): the cluster inputs
 * client uploads become (stage.c), the streams of input and checkpoint files to agents, and the output and
 * checkpoint files agents send back.  docs/transfer.md has the layout.
 */
#ifndef CQ_SPOOL_H
#define CQ_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct agentmsg_file;
struct agentmsg_start;
struct json_object;
struct job;
struct jobdesc;
struct machine;
struct peer;

/* Make the spool and sweep what a crash left half done; -1 on failure. */
int	spool_init(void);
/* After queue_load(): remove the spool of jobs no longer queued and
 * checkpoint versions other than each job's current one. */
void	spool_sweep(void);

/* STATE_DIR/spool. */
const char *spool_path(void);
/* mkdir PATH 0700 (an existing one is fine); 0 or -1. */
int	spool_mkdir(const char *path);
/* fsync the directory PATH (errors ignored). */
void	spool_fsync_dir(const char *path);

/*
 * J starts on M with description D: decide whether its files travel and,
 * if so, mark the order START (xfer, nfiles, exe, ckpt) and send the files after the
 * turn's commit.  1 if they travel, 0 if not.
 */
int	spool_start(struct job *j, struct machine *m, const struct jobdesc *d,
	    struct agentmsg_start *start);
/* An agent's `file` announcement (checked by agentmsg.c) and data frames. */
void	spool_file(struct machine *m, uint32_t reqid,
	    const struct agentmsg_file *f);
void	spool_data(struct machine *m, uint32_t reqid, const void *raw,
	    size_t len);
/* J leaves M: what still waits to be sent for its run is dropped. */
void	spool_cancel(struct machine *m, struct job *j);
/* M's connection closed: drop its transfers. */
void	spool_link_closed(struct machine *m);
/*
 * The exit report of J's current run arrived, counting FILES sent (a
 * CHECKPOINT if so): 1 if every file it announced arrived intact, 0 if not (try again), -1 if an output could
 * not be written where the job wants it (retrying will not help), -2 if
 * the agent sent a file the job did not ask for (refused).  A
 * complete checkpoint becomes the job's new version (the old one goes
 * after the commit).
 */
int	spool_exited(struct job *j, int64_t files, int checkpoint);
/* J left the queue: its spool goes after the commit (and its cluster's
 * inputs with the last job). */
void	spool_job_gone(struct job *j);
/* The scheduler's filesystem_domain. */
const char *spool_domain(void);

#endif
