/*
 * submit-factory.c: late materialization, HTCondor's job factory.  A
 * submit file whose one queue statement is its last is kept as a digest:
 * the text before the queue statement, the statement's variables and
 * items (read here, on the submitter's side: `from FILE` and `matching`
 * never run in the scheduler) and the jobs per item.  `cq submit` sends
 * the digest (submit_digest_file) and the scheduler builds the jobs from
 * it a few at a time (submit_factory_*): the text is read once into its
 * macros, then each job is the item's values and $(Process), $(Step) and
 * $(ItemIndex) applied to them, exactly as the whole parse would build
 * it.  max_materialize and max_idle (and HTCondor's older name
 * materialize_max_idle) are read here; a file that sets them and cannot
 * be a factory is refused.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobdesc.h"
#include "submit.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

struct submit_factory {
	struct submit_parse	 p;
	struct submit_kw_set	*set;
	char			*name;
	char		       **vars;
	size_t			 nvars;
	int			 line;
};

/* The macro NAME as a number of jobs into *OUT (0: not set). */
static int
submit_digest_number(struct submit_parse *p, const char *name,
    long long *out)
{
	struct submit_macro	*m;
	struct submit_buf	 b = { NULL, 0, 0 };
	char			*val;
	int			 rc = 0;

	if ((m = submit_macro_find(p, name, strlen(name))) == NULL)
		return 0;
	if (submit_macro_value(p, m->value, m->line, &b, &val) == -1)
		rc = -1;
	else if (submit_number(val, strlen(val), 1, JOBDESC_MAX_PROCS,
	    out) == -1)
		rc = submit_error(p, m->line, "%s: not a number of jobs from "
		    "1 to %d", name, JOBDESC_MAX_PROCS);
	free(b.s);
	return rc;
}

/*
 * The line of the first statement that turns file transfer on, for a
 * refusal (a factory spools no input files), else LINE.
 */
static int
submit_digest_xfer_line(struct submit_parse *p, int line)
{
	static const char	*names[] = { "should_transfer_files",
	    "transfer_input_files", "transfer_output_files",
	    "checkpoint_exit_code" };
	struct submit_macro	*m;
	size_t			 i;
	int			 best = 0;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((m = submit_macro_find(p, names[i],
		    strlen(names[i]))) != NULL && m->line > 0 &&
		    (best == 0 || m->line < best))
			best = m->line;
	return best > 0 ? best : line;
}

/* Build proc PROC of item I of VARS/ITEMS with SET into JD. */
static int
submit_factory_build(struct submit_parse *p, struct submit_kw_set *set,
    int line, char **vars, size_t nvars, const char *item, size_t index,
    size_t step, uint32_t proc, struct jobdesc *jd)
{
	char	**vals = NULL;
	size_t	  k;
	int	  rc;

	if (nvars > 0) {
		vals = xcalloc(nvars, sizeof(*vals));
		submit_queue_fields(item, nvars, vals);
		p->vars = vars;
		p->vals = vals;
		p->nvars = nvars;
	}
	p->item_index = index;
	p->step = step;
	rc = submit_kw_build(p, set, proc, line, jd);
	for (k = 0; k < nvars; k++)
		free(vals[k]);
	free(vals);
	p->vars = p->vals = NULL;
	p->nvars = 0;
	return rc;
}

/* The queue statement on LINE of a digest: see submit-int.h. */
int
submit_digest_queue(struct submit_parse *p, int line, long long count,
    struct submit_list *vars, struct submit_list *items, size_t *index,
    struct submit_kw_set *set)
{
	struct submit_digest	*d = p->digest;
	long long		 idle2 = 0;

	if (submit_digest_number(p, "max_materialize",
	    &d->max_materialize) == -1 ||
	    submit_digest_number(p, "max_idle", &d->max_idle) == -1 ||
	    submit_digest_number(p, "materialize_max_idle", &idle2) == -1)
		return -1;
	if (d->max_idle == 0)
		d->max_idle = idle2;
	d->line = line;
	d->xfer_line = submit_digest_xfer_line(p, line);
	d->count = (uint32_t)count;
	d->total = (uint64_t)items->n * (uint64_t)count;
	d->textlen = p->stmt - p->buf;
	d->text = xmalloc(d->textlen + 1);
	memcpy(d->text, p->buf, d->textlen);
	d->text[d->textlen] = '\0';
	if (vars != NULL) {
		d->vars = vars->v;
		d->nvars = vars->n;
		vars->v = NULL;
		vars->n = 0;
	}
	d->items = items->v;
	d->nitems = items->n;
	items->v = NULL;
	items->n = 0;
	if (index != NULL && d->nitems > 0) {
		d->index = xcalloc(d->nitems, sizeof(*d->index));
		memcpy(d->index, index, d->nitems * sizeof(*d->index));
	}
	if (d->total == 0)
		return 0;
	if (submit_factory_build(p, set, line, d->vars, d->nvars,
	    d->items[0], d->index != NULL ? d->index[0] : 0, 0, 0,
	    &d->first) == -1)
		return -1;
	d->has_first = 1;
	return 0;
}

void
submit_digest_free(struct submit_digest *d)
{
	size_t	i;

	if (d == NULL)
		return;
	free(d->text);
	for (i = 0; i < d->nvars; i++)
		free(d->vars[i]);
	free(d->vars);
	for (i = 0; i < d->nitems; i++)
		free(d->items[i]);
	free(d->items);
	free(d->index);
	if (d->has_first)
		jobdesc_free(&d->first);
	free(d);
}

/*
 * Read the statements of BUF into P (with P->digest set or not).  OPTS:
 * the client checks the files its first job names (as a whole submit's
 * jobs are checked); the scheduler reads no submitter's file.
 */
static int
submit_factory_read(struct submit_parse *p, const char *name,
    const char *buf, size_t len, const char *cwd, char **envp,
    const struct submit_opts *opts, char *err, size_t errlen)
{
	struct submit_buf	 line = { NULL, 0, 0 };
	int			 start, rc;

	p->file = name;
	p->envp = envp;
	p->err = err;
	p->errlen = errlen;
	p->opts = opts;
	if (cwd == NULL || cwd[0] != '/' || !text_utf8(cwd, strlen(cwd))) {
		snprintf(err, errlen, "%s: the working directory is not "
		    "absolute UTF-8", name);
		return -1;
	}
	p->cwd = text_path("/", cwd);
	if (text_utf8(name, strlen(name)))
		p->path = text_path(p->cwd, name);
	if (len > SUBMIT_MAX_FILE) {
		snprintf(err, errlen, "%s: file too large (limit %d bytes)",
		    name, SUBMIT_MAX_FILE);
		return -1;
	}
	if (submit_check_text(p, buf, len) == -1)
		return -1;
	p->buf = p->cur = buf;
	p->end = buf + len;
	while ((rc = submit_getline(p, &line, &start)) == 1)
		if (submit_statement(p, line.s, start) == -1)
			break;
	free(line.s);
	return rc == 0 ? 0 : -1;
}

int
submit_digest_file(const char *path, const char *cwd, char **envp,
    struct submit_digest **out, char *err, size_t errlen)
{
	static const struct submit_opts	 checks = { .check_files = 1 };
	struct submit_parse	 p;
	struct submit_digest	*d;
	char			*buf;
	size_t			 len;
	int			 rc = -1;

	*out = NULL;
	if (submit_read_file(path, 0, &buf, &len, err, errlen) == -1)
		return -1;
	memset(&p, 0, sizeof(p));
	d = xcalloc(1, sizeof(*d));
	p.digest = d;
	if (submit_factory_read(&p, path, buf, len, cwd, envp, &checks, err,
	    errlen) == -1) {
		if (p.not_factory && submit_macro_find(&p, "max_materialize",
		    15) == NULL && submit_macro_find(&p, "max_idle",
		    8) == NULL && submit_macro_find(&p, "materialize_max_idle",
		    20) == NULL)
			rc = 1;		/* whole, then */
		goto out;
	}
	if (!p.queued) {
		submit_error(&p, p.lineno > 0 ? p.lineno : 1,
		    "no queue statement");
		goto out;
	}
	*out = d;
	d = NULL;
	rc = 0;
out:
	submit_digest_free(d);
	submit_parse_free(&p);
	free(buf);
	return rc;
}

int
submit_factory_new(const char *name, const char *text, size_t len,
    const char *cwd, char **envp, char **vars, size_t nvars, int line,
    struct submit_factory **out, char *err, size_t errlen)
{
	static const struct submit_opts	 none;
	struct submit_factory	*f;
	size_t			 i;

	*out = NULL;
	f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(name);
	f->line = line;
	f->vars = xcalloc(nvars + 1, sizeof(*f->vars));
	for (i = 0; i < nvars; i++)
		f->vars[i] = xstrdup(vars[i]);
	f->nvars = nvars;
	f->p.no_queue = 1;
	if (submit_factory_read(&f->p, f->name, text, len, cwd, envp, &none,
	    err, errlen) == -1)
		goto fail;
	if (submit_kw_unsupported(&f->p) == -1)
		goto fail;
	f->set = submit_kw_resolve(&f->p, f->vars, f->nvars);
	*out = f;
	return 0;
fail:
	submit_factory_free(f);
	return -1;
}

int
submit_factory_job(struct submit_factory *f, uint32_t proc,
    const char *item, size_t item_index, size_t step, struct jobdesc *jd,
    char *err, size_t errlen)
{
	f->p.err = err;
	f->p.errlen = errlen;
	return submit_factory_build(&f->p, f->set, f->line, f->vars,
	    f->nvars, item, item_index, step, proc, jd);
}

void
submit_factory_free(struct submit_factory *f)
{
	size_t	i;

	if (f == NULL)
		return;
	submit_kw_set_free(f->set);
	jobdesc_free_all(f->p.jobs, f->p.njobs);	/* (none: no queue) */
	submit_parse_free(&f->p);
	for (i = 0; i < f->nvars; i++)
		free(f->vars[i]);
	free(f->vars);
	free(f->name);
	free(f);
}
