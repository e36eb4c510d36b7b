/*
 * conclimits.c: concurrency limits (conclimits.h).  The limits are a
 * small array (a site has a handful); a name a job uses that the
 * configuration does not give is added with the default limit when one
 * is set.  Invariant: a limit's in_use is the sum of the counts of the
 * jobs running with it (conclimits_take balances each start with one
 * stop; share.c calls it).  A job that asks more than a limit's maximum
 * can never start until the configuration changes: `cq why` says so.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conclimits.h"
#include "jobdesc.h"
#include "xmalloc.h"

#define CONCLIMITS_MAX	4096	/* distinct names, configured or used */

struct conclimit {
	char		 name[JOBDESC_MAX_NAME + 1];
	int64_t		 max;
	int64_t		 in_use;
};

struct conclimits {
	struct conclimit	*v;
	size_t			 n, cap;
	int64_t			 default_max;
};

static struct conclimit *
conclimits_find(const struct conclimits *cl, const char *name)
{
	size_t	i;

	for (i = 0; i < cl->n; i++)
		if (strcasecmp(cl->v[i].name, name) == 0)
			return &cl->v[i];
	return NULL;
}

static struct conclimit *
conclimits_add(struct conclimits *cl, const char *name, int64_t max)
{
	struct conclimit	*c;

	if (cl->n == CONCLIMITS_MAX)
		return NULL;
	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? cl->cap * 2 : 8;
		cl->v = xreallocarray(cl->v, cl->cap, sizeof *cl->v);
	}
	c = &cl->v[cl->n++];
	memset(c, 0, sizeof *c);
	strlcpy(c->name, name, sizeof c->name);
	c->max = max;
	return c;
}

struct conclimits *
conclimits_new(const char *text, int64_t default_max, const char **errstr)
{
	struct conclimits	*cl;
	const char		*s = text != NULL ? text : "";
	char			 name[JOBDESC_MAX_NAME + 1];
	int64_t			 n;
	int			 rc;

	cl = xcalloc(1, sizeof *cl);
	cl->default_max = default_max < 0 ? CONCLIMITS_NONE : default_max;
	/* The job's grammar; N is the limit here, and must be given. */
	while ((rc = jobdesc_limit_next(&s, name, sizeof name, &n,
	    errstr)) == 1) {
		if (conclimits_find(cl, name) != NULL) {
			*errstr = "a limit is named twice";
			goto fail;
		}
		if (conclimits_add(cl, name, n) == NULL) {
			*errstr = "too many limits";
			goto fail;
		}
	}
	if (rc == -1)
		goto fail;
	return cl;
fail:
	conclimits_free(cl);
	return NULL;
}

void
conclimits_free(struct conclimits *cl)
{
	if (cl == NULL)
		return;
	free(cl->v);
	free(cl);
}

int
conclimits_check(struct conclimits *cl, const char *limits, char *err,
    size_t len)
{
	const char	*s = limits, *errstr = NULL;
	char		 name[JOBDESC_MAX_NAME + 1];
	int64_t		 n;
	int		 rc;

	if (s == NULL)
		return 0;
	while ((rc = jobdesc_limit_next(&s, name, sizeof name, &n,
	    &errstr)) == 1) {
		if (conclimits_find(cl, name) != NULL)
			continue;
		if (cl->default_max == CONCLIMITS_NONE) {
			snprintf(err, len, "concurrency limit '%s' is not "
			    "configured on this scheduler (concurrency_limits "
			    "in its configuration)", name);
			return -1;
		}
		if (conclimits_add(cl, name, cl->default_max) == NULL) {
			snprintf(err, len, "too many concurrency limit names "
			    "(at most %d)", CONCLIMITS_MAX);
			return -1;
		}
	}
	if (rc == -1) {
		snprintf(err, len, "concurrency_limits: %s", errstr);
		return -1;
	}
	return 0;
}

const char *
conclimits_blocking(const struct conclimits *cl, const char *limits,
    int64_t *in_use, int64_t *max, int64_t *need)
{
	const struct conclimit	*c;
	const char		*s = limits, *errstr;
	char			 name[JOBDESC_MAX_NAME + 1];
	int64_t			 n;

	if (s == NULL)
		return NULL;
	while (jobdesc_limit_next(&s, name, sizeof name, &n, &errstr) == 1) {
		/* Unknown (config changed under a queued job): no room. */
		if ((c = conclimits_find(cl, name)) == NULL) {
			*in_use = 0;
			*max = 0;
			*need = n;
			return "(not configured)";
		}
		if (c->in_use + n > c->max) {
			*in_use = c->in_use;
			*max = c->max;
			*need = n;
			return c->name;
		}
	}
	return NULL;
}

int
conclimits_ok(const struct conclimits *cl, const char *limits)
{
	int64_t	u, m, n;

	return conclimits_blocking(cl, limits, &u, &m, &n) == NULL;
}

void
conclimits_take(struct conclimits *cl, const char *limits, int sign)
{
	struct conclimit	*c;
	const char		*s = limits, *errstr;
	char			 name[JOBDESC_MAX_NAME + 1];
	int64_t			 n;

	if (s == NULL)
		return;
	while (jobdesc_limit_next(&s, name, sizeof name, &n, &errstr) == 1) {
		if ((c = conclimits_find(cl, name)) == NULL &&
		    (c = conclimits_add(cl, name, cl->default_max < 0 ? 0 :
		    cl->default_max)) == NULL)
			continue;
		c->in_use += sign > 0 ? n : -n;
		if (c->in_use < 0)
			c->in_use = 0;
	}
}

const char *
conclimits_get(const struct conclimits *cl, size_t i, int64_t *in_use,
    int64_t *max)
{
	if (i >= cl->n)
		return NULL;
	*in_use = cl->v[i].in_use;
	*max = cl->v[i].max;
	return cl->v[i].name;
}
