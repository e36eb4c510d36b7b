/*
 * share.c: fair share and concurrency limits in the scheduler
 * (docs/fairshare.md).  It reads the configuration (priority_halflife,
 * default_prio_factor, prio_factors, concurrency_limits,
 * concurrency_limit_default), puts back the submitters' usage from the
 * store at start-up, and keeps fairshare.c and conclimits.c in step with
 * the queue: queue.c calls share_job() whenever a job may have moved (on
 * or off the idle list, a run begun or ended), and a job counts as
 * running from its start until its slot is given back.  A submitter's row
 * is written in the same transaction as the change of its running cores,
 * so the usage a restart finds is exact: the time the scheduler was down
 * is charged with the jobs that ran when it stopped.  A change only
 * queues the submitter (share_save); commit.c writes the queued rows once
 * each just before it commits (share_commit), so a turn that starts and
 * ends a thousand jobs of one submitter writes its row once, in the same
 * transaction as the jobs.  Called by queue.c, match.c, ctl.c,
 * ctl-fair.c, why.c, commit.c and main.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "conclimits.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "log.h"
#include "schedd.h"
#include "share.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define SHARE_NICE	"nice-user"	/* HTCondor's group of nice_user jobs */

static struct fairshare		*share_fs;
static struct conclimits	*share_cl;
static int			 share_started;	/* the queue is loaded */

/*
 * The next NAME:F of a prio_factors list at *SP: 1, 0 at the end, -1
 * with ERRSTR.  F is a number >= 1 (HTCondor's smallest factor).
 */
static int
share_factor_next(const char **sp, char *name, size_t len, double *f,
    const char **errstr)
{
	const char	*s = *sp, *p;
	char		 num[64], *end;
	size_t		 n;

	while (*s == ',' || text_isspace(*s))
		s++;
	if (*s == '\0') {
		*sp = s;
		return 0;
	}
	for (p = s; text_isalnum(*p) || *p == '_' || *p == '-' || *p == '.' ||
	    *p == '@'; p++)
		;
	if ((n = p - s) == 0 || n >= len) {
		*errstr = "expected SUBMITTER:FACTOR, separated by commas";
		return -1;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	if (*p != ':') {
		*errstr = "expected ':' and a factor after the submitter";
		return -1;
	}
	s = ++p;
	while (*p != '\0' && *p != ',' && !text_isspace(*p))
		p++;
	if ((n = p - s) == 0 || n >= sizeof num) {
		*errstr = "expected a factor after ':'";
		return -1;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	*f = strtod(num, &end);
	if (*end != '\0' || !isfinite(*f) || *f < 1 ||
	    *f > FAIRSHARE_MAX_FACTOR) {
		*errstr = "a factor is a number from 1 to 1e12";
		return -1;
	}
	*sp = p;
	return 1;
}

int
share_check_config(const struct cfg *cfg, char *err, size_t len)
{
	struct conclimits	*cl;
	const char		*s, *errstr = NULL;
	char			 name[JOBDESC_MAX_NAME + 1];
	double			 f;
	int			 rc;

	if (cfg_ms(cfg, "priority_halflife") <= 0) {
		snprintf(err, len, "%s: priority_halflife: must be more than 0",
		    cfg_origin(cfg, "priority_halflife"));
		return -1;
	}
	s = cfg_str(cfg, "prio_factors");
	while ((rc = share_factor_next(&s, name, sizeof name, &f,
	    &errstr)) == 1)
		;
	if (rc == -1) {
		snprintf(err, len, "%s: prio_factors: %s",
		    cfg_origin(cfg, "prio_factors"), errstr);
		return -1;
	}
	if ((cl = conclimits_new(cfg_str(cfg, "concurrency_limits"),
	    cfg_int(cfg, "concurrency_limit_default"), &errstr)) == NULL) {
		snprintf(err, len, "%s: concurrency_limits: %s",
		    cfg_origin(cfg, "concurrency_limits"), errstr);
		return -1;
	}
	conclimits_free(cl);
	return 0;
}

static int
share_load_user(void *arg, const struct store_user *u)
{
	fairshare_restore(share_fs, u->name, u->usage, u->accumulated,
	    u->updated, u->factor);
	return 0;
}

int
share_init(void)
{
	struct fs_submitter	*s;
	const char		*p, *errstr = NULL;
	char			 name[JOBDESC_MAX_NAME + 1];
	double			 f;

	share_fs = fairshare_new(cfg_ms(sd->cfg, "priority_halflife"),
	    cfg_real(sd->cfg, "default_prio_factor"));
	if ((share_cl = conclimits_new(cfg_str(sd->cfg, "concurrency_limits"),
	    cfg_int(sd->cfg, "concurrency_limit_default"), &errstr)) ==
	    NULL) {
		log_warnx("concurrency_limits: %s", errstr);
		return -1;
	}
	if (store_users_load(sd->store, share_load_user, NULL) == -1)
		return -1;
	p = cfg_str(sd->cfg, "prio_factors");
	while (share_factor_next(&p, name, sizeof name, &f, &errstr) == 1) {
		s = fairshare_get(share_fs, name, clock_now_ms());
		s->conf_factor = f;
	}
	return 0;
}

void
share_start(void)
{
	share_started = 1;
}

/* The submitters whose rows the next commit writes (share_commit). */
static struct fs_submitter	**share_queue;
static size_t			  share_nqueue, share_queue_cap;

/* S changed: its row is written at the commit of the change. */
static void
share_save(struct fs_submitter *s)
{
	if (!s->dirty || s->queued)
		return;
	if (share_nqueue == share_queue_cap) {
		share_queue_cap = share_queue_cap ? share_queue_cap * 2 : 16;
		share_queue = xreallocarray(share_queue, share_queue_cap,
		    sizeof *share_queue);
	}
	share_queue[share_nqueue++] = s;
	s->queued = 1;
}

/*
 * Write the queued rows: inside the open transaction, or kept with the
 * held writes (store.c) while the store is held.  They count as written
 * at share_committed(); a request rolled back keeps them queued.
 */
void
share_commit(void)
{
	struct store_user	 u;
	struct fs_submitter	*s;
	size_t			 i;

	if (!store_in_txn(sd->store) && !store_held(sd->store))
		return;
	for (i = 0; i < share_nqueue; i++) {
		s = share_queue[i];
		if (!s->dirty)
			continue;
		u.name = s->name;
		u.usage = s->rup;
		u.updated = s->updated;
		u.factor = s->factor;
		u.accumulated = s->accumulated;
		if (store_user_put(sd->store, &u) == 0)
			continue;
		if (!commit_request_active())
			fatalx("fair share: cannot record the usage of %s",
			    s->name);
		/* A client's request: it fails and is undone (commit.c). */
		log_warnx("fair share: cannot record the usage of %s",
		    s->name);
		commit_request_fail(NULL);
		return;
	}
}

/* The rows share_commit() wrote are durable, or held to be replayed. */
void
share_committed(void)
{
	size_t	i;

	for (i = 0; i < share_nqueue; i++) {
		share_queue[i]->dirty = 0;
		share_queue[i]->queued = 0;
	}
	share_nqueue = 0;
}

void
share_flush(void)
{
	struct fs_submitter	*s;
	int			 any = 0;

	if (share_fs == NULL)
		return;
	fairshare_decay_all(share_fs, clock_now_ms());
	for (s = fairshare_first(share_fs); s != NULL;
	    s = fairshare_next(share_fs, s))
		any |= s->dirty;
	if (!any || commit_begin() == -1)
		return;
	/* Written at the commit that follows (commit_flush). */
	for (s = fairshare_first(share_fs); s != NULL;
	    s = fairshare_next(share_fs, s))
		share_save(s);
}

void
share_shutdown(void)
{
	fairshare_free(share_fs);
	conclimits_free(share_cl);
	share_fs = NULL;
	share_cl = NULL;
	free(share_queue);
	share_queue = NULL;
	share_nqueue = share_queue_cap = 0;
}

int
share_check_desc(const struct jobdesc *d, char *err, size_t len)
{
	return conclimits_check(share_cl, d->concurrency_limits, err, len);
}

/*
 * J's submitter: nice-user.OWNER for a nice_user job (its factor
 * nice_user_prio_factor unless prio_factors names it), GROUP.USER with an
 * accounting group, else its owner.
 */
static void
share_set(struct job *j, const char *group, const char *user,
    const char *limits, int nice)
{
	struct fs_submitter	*s;

	free(j->submitter);
	free(j->limits);
	if (nice)
		xasprintf(&j->submitter, "%s.%s", SHARE_NICE, j->owner);
	else if (group != NULL)
		xasprintf(&j->submitter, "%s.%s", group,
		    user != NULL ? user : j->owner);
	else
		j->submitter = xstrdup(j->owner);
	j->limits = limits != NULL && *limits != '\0' ? xstrdup(limits) :
	    NULL;
	if (nice) {
		s = fairshare_get(share_fs, j->submitter, 0);
		if (s->conf_factor < 1)
			s->conf_factor = cfg_real(sd->cfg,
			    "nice_user_prio_factor");
	}
}

void
share_job_attrs(struct job *j, const struct jobdesc *d)
{
	share_set(j, d->accounting_group, d->accounting_group_user,
	    d->concurrency_limits, d->nice_user);
}

int
share_job_attrs_ad(struct job *j)
{
	struct json_object	*ad;
	const char		*errstr;

	if (j->ad == NULL || (strstr(j->ad, "\"accounting_group") == NULL &&
	    strstr(j->ad, "\"concurrency_limits") == NULL &&
	    strstr(j->ad, "\"nice_user") == NULL)) {
		share_set(j, NULL, NULL, NULL, 0);
		return 0;
	}
	if (jsonx_parse(j->ad, strlen(j->ad), &ad, &errstr) == -1) {
		log_warnx("job %u.%u: its description: %s", j->cluster,
		    j->proc, errstr);
		share_set(j, NULL, NULL, NULL, 0);
		return -1;
	}
	share_set(j, jsonx_str(ad, "accounting_group", NULL),
	    jsonx_str(ad, "accounting_group_user", NULL),
	    jsonx_str(ad, "concurrency_limits", NULL),
	    jsonx_bool(ad, "nice_user", 0));
	json_object_put(ad);
	return 0;
}

/* J holds its slot, or runs on an agent that is away. */
static int
share_counted(const struct job *j)
{
	return j->slot != NULL || j->state == JOB_RUNNING ||
	    j->state == JOB_SUSPENDED || j->state == JOB_TRANSFERRING_OUTPUT;
}

void
share_job(struct job *j)
{
	struct fs_submitter	*s;
	int			 on;

	if (j->submitter == NULL)
		share_set(j, NULL, NULL, NULL, 0);
	if (j->on_idle != j->on_sub)
		fairshare_idle(share_fs, j, j->on_idle);
	if ((on = share_counted(j)) != j->fs_counted) {
		j->fs_counted = on;
		if (!share_started)
			fairshare_get(share_fs, j->submitter, clock_now_ms());
		fairshare_run(share_fs, j, on, share_started ?
		    clock_now_ms() : -1);
		conclimits_take(share_cl, j->limits, on ? 1 : -1);
		if (!on && j->limits != NULL) {
			/* A limit has room again: another job may start. */
			sd->match_wanted = 1;
			schedd_turn_request();
		}
	}
	/* Written with the change (queue.c's persist), at its commit. */
	if ((s = fairshare_find(share_fs, j->submitter)) != NULL)
		share_save(s);
}

void
share_job_gone(struct job *j)
{
	struct fs_submitter	*s;

	if (j->on_sub)
		fairshare_idle(share_fs, j, 0);
	if (!j->fs_counted)
		return;
	j->fs_counted = 0;
	fairshare_run(share_fs, j, 0, share_started ? clock_now_ms() : -1);
	conclimits_take(share_cl, j->limits, -1);
	if ((s = fairshare_find(share_fs, j->submitter)) != NULL)
		share_save(s);
	if (j->limits != NULL) {
		sd->match_wanted = 1;
		schedd_turn_request();
	}
}

static int
share_limits_ok(const struct job *j, void *arg)
{
	return j->limits == NULL || conclimits_ok(share_cl, j->limits);
}

void
share_walk_begin(struct fairshare_walk *w)
{
	fairshare_walk_begin(share_fs, w, share_limits_ok, NULL);
}

struct job *
share_walk_next(void *w)
{
	return fairshare_walk_next(w);
}

struct job *
share_walk_after(struct job *j, void *w)
{
	return fairshare_walk_after(w, j);
}

void
share_walk_again(struct job *j, void *w)
{
	fairshare_walk_again(w, j);
}

/* "1st", "2nd", ... */
static const char *
share_ordinal(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	default:
		return "th";
	}
}

void
share_why(const struct job *j, struct json_object *o)
{
	struct fs_submitter	*s;
	struct json_object	*fso, *lim;
	const char		*name, *sum;
	char			 text[1536], more[512];
	int64_t			 in_use, max, need, ahead = -1;
	int			 place = 0, nwaiting = 0;

	if (j->state != JOB_IDLE)
		return;
	more[0] = '\0';
	if ((s = fairshare_find(share_fs, j->submitter)) != NULL) {
		place = fairshare_place(share_fs, s, &nwaiting);
		ahead = fairshare_ahead(s, j);
		fso = json_object_new_object();
		json_object_object_add(fso, "submitter",
		    json_object_new_string(s->name));
		json_object_object_add(fso, "effective_priority",
		    json_object_new_double(fairshare_eup(share_fs, s)));
		json_object_object_add(fso, "place", json_object_new_int(place));
		json_object_object_add(fso, "submitters_waiting",
		    json_object_new_int(nwaiting));
		json_object_object_add(fso, "jobs_ahead",
		    json_object_new_int64(ahead));
		json_object_object_add(o, "fair_share", fso);
		if (nwaiting > 1 || ahead > 0)
			snprintf(more, sizeof more, "; fair share: its "
			    "submitter %s (effective priority %.2f) comes "
			    "%d%s of %d for the next free slot, with %lld of "
			    "its own jobs before this one", s->name,
			    fairshare_eup(share_fs, s), place,
			    share_ordinal(place), nwaiting,
			    (long long)(ahead > 0 ? ahead : 0));
	}
	sum = jsonx_str(o, "summary", "");
	if (j->limits == NULL || (name = conclimits_blocking(share_cl,
	    j->limits, &in_use, &max, &need)) == NULL) {
		if (more[0] != '\0') {
			snprintf(text, sizeof text, "%s%s", sum, more);
			json_object_object_add(o, "summary",
			    json_object_new_string(text));
		}
		return;
	}
	lim = json_object_new_object();
	json_object_object_add(lim, "name", json_object_new_string(name));
	json_object_object_add(lim, "in_use", json_object_new_int64(in_use));
	json_object_object_add(lim, "max", json_object_new_int64(max));
	json_object_object_add(lim, "need", json_object_new_int64(need));
	json_object_object_add(o, "concurrency_limit", lim);
	if (need > max)
		snprintf(text, sizeof text, "%s; it waits for concurrency "
		    "limit %s, which allows %lld and the job needs %lld: it "
		    "cannot run until the limit is raised%s", sum, name,
		    (long long)max, (long long)need, more);
	else
		snprintf(text, sizeof text, "%s; it waits for concurrency "
		    "limit %s (%lld of %lld in use, the job needs %lld)%s",
		    sum, name, (long long)in_use, (long long)max,
		    (long long)need, more);
	json_object_object_add(o, "summary", json_object_new_string(text));
}

struct json_object *
share_rows(void)
{
	struct json_object	*rows, *r;
	struct fs_submitter	*s;
	int64_t			 now = clock_now_ms();

	fairshare_decay_all(share_fs, now);
	rows = json_object_new_array();
	for (s = fairshare_first(share_fs); s != NULL;
	    s = fairshare_next(share_fs, s)) {
		r = json_object_new_object();
		json_object_object_add(r, "name",
		    json_object_new_string(s->name));
		json_object_object_add(r, "effective_priority",
		    json_object_new_double(fairshare_eup(share_fs, s)));
		json_object_object_add(r, "real_priority",
		    json_object_new_double(s->rup));
		json_object_object_add(r, "factor",
		    json_object_new_double(fairshare_factor(share_fs, s)));
		json_object_object_add(r, "factor_set",
		    json_object_new_boolean(s->factor >= 1));
		json_object_object_add(r, "usage_hours",
		    json_object_new_double(s->accumulated / 3600.0));
		json_object_object_add(r, "cores_in_use",
		    json_object_new_int64(s->cores));
		json_object_object_add(r, "running",
		    json_object_new_int64(s->running));
		json_object_object_add(r, "idle",
		    json_object_new_int64(s->nidle));
		json_object_object_add(r, "updated",
		    json_object_new_int64(s->updated));
		json_object_array_add(rows, r);
	}
	return rows;
}

/* What -setfactor or -resetusage changes of S, for share_undo(). */
static void
share_undo_keep(const struct fs_submitter *s, struct share_undo *u)
{
	strlcpy(u->name, s->name, sizeof u->name);
	u->factor = s->factor;
	u->rup = s->rup;
	u->accumulated = s->accumulated;
	u->updated = s->updated;
}

int
share_set_factor(const char *name, double factor, struct share_undo *u)
{
	struct fs_submitter	*s;

	if (!isfinite(factor) || factor < 1 || factor > FAIRSHARE_MAX_FACTOR)
		return -1;
	if (commit_begin() == -1)
		return -1;
	s = fairshare_get(share_fs, name, clock_now_ms());
	share_undo_keep(s, u);
	fairshare_decay(share_fs, s, clock_now_ms());
	s->factor = factor;
	s->dirty = 1;
	share_save(s);
	sd->match_wanted = 1;
	return 0;
}

int
share_reset_usage(const char *name, struct share_undo *u)
{
	struct fs_submitter	*s;

	if ((s = fairshare_find(share_fs, name)) == NULL)
		return -1;
	if (commit_begin() == -1)
		return -1;
	share_undo_keep(s, u);
	fairshare_decay(share_fs, s, clock_now_ms());
	s->rup = FAIRSHARE_MIN_RUP;
	s->accumulated = 0;
	s->dirty = 1;
	share_save(s);
	sd->match_wanted = 1;
	return 0;
}

void
share_undo(const struct share_undo *u)
{
	struct fs_submitter	*s;

	if ((s = fairshare_find(share_fs, u->name)) == NULL)
		return;
	s->factor = u->factor;
	s->rup = u->rup;
	s->accumulated = u->accumulated;
	s->updated = u->updated;
	s->dirty = 1;
	share_save(s);
}
