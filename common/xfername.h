/*
 * xfername.h: the names under which an agent may send a job's files back
 * (outputs and checkpoints): only those the job's description asks for.
 * The scheduler checks every `file` an agent announces against it
 * (scheduler/spool.c); it mirrors what startd/sandbox.c sends.
 * docs/transfer.md has the rules.
 */
#ifndef CQ_XFERNAME_H
#define CQ_XFERNAME_H

struct jobdesc;

/* The sandbox names of a job's standard streams (startd/sandbox.h). */
#define XFERNAME_STDIN	"_cq_stdin"
#define XFERNAME_STDOUT	"_cq_stdout"
#define XFERNAME_STDERR	"_cq_stderr"

/*
 * 1 if an agent may send REL (a directory when DIR) of a job described
 * by D as a checkpoint file (CKPT) or as an output; EXE is the name the
 * executable had in the sandbox (NULL if it did not travel).  0 with WHY
 * if not.
 */
int	xfername_ok(const struct jobdesc *d, int ckpt, const char *rel,
	    int dir, const char *exe, const char **why);

#endif
