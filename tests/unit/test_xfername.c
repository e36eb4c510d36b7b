/*
 * test_xfername.c: unit tests of the names an agent may send a job's
 * files back under (common/xfername.c): transfer_output_files and what is
 * inside its directories, top-level plain files when it is not set, the
 * job's stdout/stderr only when it has them, checkpoint files under
 * transfer_checkpoint_files or anywhere in the sandbox, and never a path
 * out of the sandbox, a name cq keeps or the executable.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "jobdesc.h"
#include "xfername.h"

static char *outs[] = { "out.txt", "res/", "deep/a.dat", NULL };
static char *ckpts[] = { "state.bin", "ck", NULL };

static void
desc(struct jobdesc *d, int with_out, int with_ckpt)
{
	memset(d, 0, sizeof *d);
	jobdesc_defaults(d);
	d->executable = "/home/u/run.sh";
	d->initialdir = "/home/u";
	d->output = "/home/u/job.out";
	if (with_out) {
		d->xfer_out = outs;
		d->nxfer_out = 3;
	}
	if (with_ckpt) {
		d->ckpt_files = ckpts;
		d->nckpt_files = 2;
	}
}

static int
ok(const struct jobdesc *d, int ckpt, const char *rel, int dir)
{
	const char	*why = NULL;
	int		 r = xfername_ok(d, ckpt, rel, dir, "run.sh", &why);

	cr_assert(r == 1 || why != NULL, "no reason for %s", rel);
	return r;
}

Test(xfername, listed_outputs)
{
	struct jobdesc	d;

	desc(&d, 1, 0);
	cr_assert(ok(&d, 0, "out.txt", 0));
	cr_assert(ok(&d, 0, "res/x/y.txt", 0));
	cr_assert(ok(&d, 0, "res/empty", 1));
	cr_assert(ok(&d, 0, "deep/a.dat", 0));
	cr_assert_not(ok(&d, 0, "deep/b.dat", 0));
	cr_assert_not(ok(&d, 0, "out.txt2", 0));
	cr_assert_not(ok(&d, 0, "resx", 0));
	cr_assert_not(ok(&d, 0, "evil.sh", 0));
	cr_assert_not(ok(&d, 0, ".bashrc", 0));
}

Test(xfername, unlisted_outputs_are_top_level_files)
{
	struct jobdesc	d;

	desc(&d, 0, 0);
	cr_assert(ok(&d, 0, "anything.txt", 0));
	cr_assert_not(ok(&d, 0, "sub/file", 0));
	cr_assert_not(ok(&d, 0, "adir", 1));
	cr_assert_not(ok(&d, 0, "run.sh", 0));	/* the executable */
}

Test(xfername, paths_out_of_the_sandbox)
{
	struct jobdesc	d;

	desc(&d, 1, 1);
	cr_assert_not(ok(&d, 0, "../escape.sh", 0));
	cr_assert_not(ok(&d, 0, "res/../../x", 0));
	cr_assert_not(ok(&d, 0, "/etc/passwd", 0));
	cr_assert_not(ok(&d, 1, "../x", 0));
	cr_assert_not(ok(&d, 1, "ck/../../x", 0));
	cr_assert_not(ok(&d, 0, "", 0));
	cr_assert_not(ok(&d, 0, "res//x", 0));
	cr_assert_not(ok(&d, 0, "out.txt.cq-part", 0));
}

Test(xfername, standard_streams)
{
	struct jobdesc	d;

	desc(&d, 1, 0);
	cr_assert(ok(&d, 0, "_cq_stdout", 0));
	cr_assert_not(ok(&d, 0, "_cq_stderr", 0));	/* no error file */
	cr_assert_not(ok(&d, 0, "_cq_stdin", 0));
	cr_assert_not(ok(&d, 0, "_cq_stdout", 1));
	d.error = "/home/u/job.out";
	cr_assert_not(ok(&d, 0, "_cq_stderr", 0));	/* shares stdout's */
	d.error = "/home/u/job.err";
	cr_assert(ok(&d, 0, "_cq_stderr", 0));
	d.output = NULL;
	cr_assert_not(ok(&d, 0, "_cq_stdout", 0));
}

Test(xfername, checkpoints)
{
	struct jobdesc	d;

	desc(&d, 1, 1);
	cr_assert(ok(&d, 1, "state.bin", 0));
	cr_assert(ok(&d, 1, "ck/part/1", 0));
	cr_assert(ok(&d, 1, "_cq_stdout", 0));
	cr_assert_not(ok(&d, 1, "out.txt", 0));	/* an output, not a ckpt */
	cr_assert_not(ok(&d, 1, "other", 0));
	/* ON_EXIT_OR_EVICT spools the outputs as a checkpoint. */
	d.when_to_transfer = JD_WHEN_ON_EXIT_OR_EVICT;
	cr_assert(ok(&d, 1, "out.txt", 0));
	/* None named: the whole sandbox, but not the executable. */
	desc(&d, 0, 0);
	cr_assert(ok(&d, 1, "any/thing", 0));
	cr_assert(ok(&d, 1, "adir", 1));
	cr_assert_not(ok(&d, 1, "run.sh", 0));
	cr_assert_not(ok(&d, 1, "_cq_stdin", 0));
	/* A CRIU image: the whole sandbox, whatever is named. */
	desc(&d, 0, 1);
	d.checkpoint = "criu";
	cr_assert(ok(&d, 1, ".cq-criu/pages-1.img", 0));
}
