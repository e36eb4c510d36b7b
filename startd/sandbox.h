/*
 * sandbox.h: the agent's job sandboxes (sandbox_dir/<job>.r<run>), the
 * input and checkpoint files the scheduler streams into them, and the
 * lists of output or checkpoint files sent back from them.
 */
#ifndef CQ_SANDBOX_H
#define CQ_SANDBOX_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct agentmsg_file;
struct jobdesc;
struct sandbox;
struct xferq;

/* Names the job's stdin, stdout and stderr have inside a sandbox. */
#define SANDBOX_STDIN	"_cq_stdin"
#define SANDBOX_STDOUT	"_cq_stdout"
#define SANDBOX_STDERR	"_cq_stderr"

/* Read sandbox_dir and remove what a previous agent left there. */
void		 sandbox_init(void);
/* A fresh sandbox for JOB/RUN, made by the agent's parent (psbx.h) for
 * the user it picks for OWNER (the scheduler's uid SCHED_UID) on SLOT;
 * with BYJOB named by JOB alone (a CRIU job: the same path everywhere).
 * The files it receives get no mode bits UMASK (the job owner's) takes
 * away, and never a setuid, setgid or sticky bit. */
struct sandbox	*sandbox_new(const char *job, uint32_t run,
		    const char *owner, long long sched_uid, int slot,
		    mode_t umask, int byjob, char *err, size_t errlen);
/* 1 if REL is a regular file in SB (asked of the parent), else 0. */
int		 sandbox_has_file(const struct sandbox *, const char *rel);
/* Remove REL (a tree) from SB; 0, or -1 (logged). */
int		 sandbox_remove(struct sandbox *, const char *rel);
/* Free SB; REMOVE also deletes its directory tree. */
void		 sandbox_free(struct sandbox *sb, int remove);
const char	*sandbox_path(const struct sandbox *sb);
/* Remember which top-level files exist now (before the job runs). */
void		 sandbox_snapshot(struct sandbox *sb);
/*
 * Queue on Q what goes back for JOB/RUN: CKPT 0 the output files (D's
 * transfer_output_files, else every top-level file created or changed
 * since the snapshot, plus stdout/stderr) as kind "output"; CKPT 1 the
 * checkpoint files (transfer_checkpoint_files, else the whole sandbox)
 * as "checkpoint"; CKPT 2 the output files as "checkpoint" (an eviction
 * with when_to_transfer_output = ON_EXIT_OR_EVICT); CKPT 3 the whole
 * sandbox as "checkpoint" (a CRIU image and the files the job holds
 * open).  Returns the count;
 * the first transfer_output_files entry that is not there (CKPT 0) is
 * put in *MISSING (allocated) if MISSING is not NULL.
 */
int		 sandbox_send(struct sandbox *sb, const struct jobdesc *d,
		    const char *exe, struct xferq *q, const char *job,
		    uint32_t run, int ckpt, char **missing);
/* A `file` announcement (checked by agentmsg.c) and data frames from the
 * scheduler. */
void		 sandbox_file(uint32_t reqid, const struct agentmsg_file *f);
/* 0, or -1 if the link must be closed (protocol error). */
int		 sandbox_data(uint32_t reqid, const void *raw, size_t len);
/* The link closed: a file half received is removed. */
void		 sandbox_link_closed(void);

#endif
