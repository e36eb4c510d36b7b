/*
 * xfername.c: which names an agent may use for the files it sends back
 * (see xfername.h).  An output is one of transfer_output_files (or a file
 * inside one that is a directory); without that list, a plain file at
 * the sandbox's top level, as HTCondor sends every new top-level file.
 * A checkpoint file is one of transfer_checkpoint_files (or inside one),
 * or anything in the sandbox when none are named or the checkpoint is a
 * CRIU image.  The job's stdout and stderr travel under their sandbox
 * names when the job has them.  No other name cq uses (`_cq_*`), no
 * executable that came in, nothing outside the sandbox (common/xfer.c's
 * path rules).  Domain code: no I/O.
 */
#include "config.h"

#include <string.h>

#include "jobdesc.h"
#include "xfer.h"
#include "xfername.h"

/* 1 if REL is ENTRY or lies inside it. */
static int
xfername_under(const char *entry, const char *rel)
{
	size_t	n = strlen(entry);

	while (n > 0 && entry[n - 1] == '/')
		n--;
	if (n == 0 || strncmp(entry, rel, n) != 0)
		return 0;
	return rel[n] == '\0' || rel[n] == '/';
}

static int
xfername_listed(char **list, size_t n, const char *rel)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (xfername_under(list[i], rel))
			return 1;
	return 0;
}

/* The output rule; 1 or 0 with WHY. */
static int
xfername_output(const struct jobdesc *d, const char *rel, int dir,
    const char *exe, const char **why)
{
	if (d->xfer_out != NULL) {
		if (xfername_listed(d->xfer_out, d->nxfer_out, rel))
			return 1;
		*why = "not in the job's transfer_output_files";
		return 0;
	}
	if (dir || strchr(rel, '/') != NULL) {
		*why = "not a plain file at the sandbox's top level "
		    "(transfer_output_files is not set)";
		return 0;
	}
	if (exe != NULL && strcmp(rel, exe) == 0) {
		*why = "the job's executable";
		return 0;
	}
	return 1;
}

int
xfername_ok(const struct jobdesc *d, int ckpt, const char *rel, int dir,
    const char *exe, const char **why)
{
	if (!xfer_path_ok(rel)) {
		*why = "not a path inside the sandbox";
		return 0;
	}
	if (strcmp(rel, XFERNAME_STDOUT) == 0) {
		if (d->output != NULL && !dir)
			return 1;
		*why = "the job has no output file";
		return 0;
	}
	if (strcmp(rel, XFERNAME_STDERR) == 0) {
		if (d->error != NULL && !dir && (d->output == NULL ||
		    strcmp(d->output, d->error) != 0))
			return 1;
		*why = "the job has no error file of its own";
		return 0;
	}
	if (strncmp(rel, "_cq_", 4) == 0) {
		*why = "a name cq keeps for itself";
		return 0;
	}
	if (!ckpt)
		return xfername_output(d, rel, dir, exe, why);
	if (d->nckpt_files == 0 || (d->checkpoint != NULL &&
	    strcmp(d->checkpoint, "criu") == 0)) {
		if (exe != NULL && strcmp(rel, exe) == 0) {
			*why = "the job's executable";
			return 0;
		}
		return 1;
	}
	if (xfername_listed(d->ckpt_files, d->nckpt_files, rel))
		return 1;
	/* An evicted ON_EXIT_OR_EVICT job spools its outputs this way. */
	if (d->when_to_transfer == JD_WHEN_ON_EXIT_OR_EVICT &&
	    xfername_output(d, rel, dir, exe, why))
		return 1;
	*why = "not in the job's transfer_checkpoint_files";
	return 0;
}
