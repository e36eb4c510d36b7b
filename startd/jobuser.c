/*
 * jobuser.c: whom a job runs as (jobuser.h, docs/jobs-users.md).  With
 * the agent root, a job's owner that is a user on this desktop (local
 * files, or the office's NIS or LDAP through getpwnam) runs it as
 * themselves with their supplementary groups (getgrouplist, here, before
 * the fork: the child only calls setgroups); an owner unknown here runs
 * it as the slot's user, "<slot_user><slot>", which has its own group
 * only.  Never root for anyone else: root only when the scheduler gave
 * uid 0, which it does only with allow_root_jobs (scheduler/runas.c).
 * The slot users are checked once at start: a slot whose user is missing
 * is refused (jobs.c keeps it draining), with the command that makes it.
 * The decision sits in this one file so that it can move with the user
 * look-ups into the agent's privileged parent.  Called by jobs.c.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobuser.h"
#include "log.h"
#include "sysuser.h"
#include "xmalloc.h"

#define JOBUSER_MAX_GROUPS	65536	/* the kernel's NGROUPS_MAX */

static char	 jobuser_prefix[JOBUSER_NAME_MAX / 2];
static int	*jobuser_refused;	/* [1..nslots] */
static int	 jobuser_nslots;
static int	 ju_root;	/* root at jobuser_init(), though not since */
static char	**jobuser_hides;	/* NULL-terminated */

#define JOBUSER_SEPS	", \t"

int
jobuser_hide_check(const char *list, char *err, size_t errlen)
{
	const char	*p = list;
	size_t		 n;

	for (p += strspn(p, JOBUSER_SEPS); *p != '\0';
	    p += strspn(p, JOBUSER_SEPS)) {
		n = strcspn(p, JOBUSER_SEPS);
		if (p[0] != '/' || n == 1 || n >= PATH_MAX) {
			snprintf(err, errlen, "%.*s: not an absolute directory "
			    "other than /", (int)(n > 200 ? 200 : n), p);
			return -1;
		}
		p += n;
	}
	return 0;
}

/* Split LIST (checked) into jobuser_hides, without trailing slashes. */
static void
jobuser_hide_set(const char *list)
{
	const char	*p = list;
	size_t		 n, k = 0;
	char		*d;

	for (k = 0; jobuser_hides != NULL && jobuser_hides[k] != NULL; k++)
		free(jobuser_hides[k]);
	free(jobuser_hides);
	jobuser_hides = xcalloc(1, sizeof *jobuser_hides);
	k = 0;
	for (p += strspn(p, JOBUSER_SEPS); *p != '\0';
	    p += strspn(p, JOBUSER_SEPS)) {
		n = strcspn(p, JOBUSER_SEPS);
		d = xstrndup(p, n);
		while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
			d[strlen(d) - 1] = '\0';
		jobuser_hides = xreallocarray(jobuser_hides, k + 2,
		    sizeof *jobuser_hides);
		jobuser_hides[k++] = d;
		jobuser_hides[k] = NULL;
		p += n;
	}
}

char *const *
jobuser_hide(const struct jobuser *ju)
{
	if (!ju->slot_user || jobuser_hides == NULL ||
	    jobuser_hides[0] == NULL)
		return NULL;
	return jobuser_hides;
}

const char *
jobuser_hidden(const struct jobuser *ju, const char *path)
{
	char *const	*d = jobuser_hide(ju);
	size_t		 n;

	for (; d != NULL && *d != NULL; d++) {
		n = strlen(*d);
		if (strncmp(path, *d, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return *d;
	}
	return NULL;
}

void
jobuser_slot_name(int slot, char *buf, size_t len)
{
	if (jobuser_prefix[0] == '\0')
		buf[0] = '\0';
	else
		snprintf(buf, len, "%s%d", jobuser_prefix, slot);
}

void
jobuser_init(const char *prefix, const char *hide, int nslots)
{
	struct passwd	*pw;
	char		 name[JOBUSER_NAME_MAX], cmd[256];
	int		 i;

	if (strlcpy(jobuser_prefix, prefix, sizeof jobuser_prefix) >=
	    sizeof jobuser_prefix)
		fatalx("slot_user %s: too long", prefix);
	free(jobuser_refused);
	jobuser_refused = xcalloc((size_t)nslots + 1, sizeof *jobuser_refused);
	jobuser_nslots = nslots;
	jobuser_hide_set(hide);
	ju_root = geteuid() == 0;
	if (!ju_root || prefix[0] == '\0')
		return;
	for (i = 1; i <= nslots; i++) {
		jobuser_slot_name(i, name, sizeof name);
		if ((pw = getpwnam(name)) != NULL && pw->pw_uid != 0)
			continue;
		jobuser_refused[i] = 1;
		sysuser_command(name, cmd, sizeof cmd);
		if (pw != NULL)
			log_warnx("slot%d: refused: its user %s is root", i,
			    name);
		else
			log_warnx("slot%d: refused: no user %s for the jobs of "
			    "owners unknown here; make it with `%s` (cq pool "
			    "up does) and restart the agent", i, name, cmd);
	}
}

int
jobuser_slot_ok(int slot)
{
	return slot < 1 || slot > jobuser_nslots || !jobuser_refused[slot];
}

/* PW's uid, gid and name into JU, groups ONLY_OWN or from getgrouplist. */
static int
jobuser_fill(struct jobuser *ju, const struct passwd *pw, int only_own,
    char *err, size_t errlen)
{
	int	n = 32;

	ju->switch_user = 1;
	ju->uid = pw->pw_uid;
	ju->gid = pw->pw_gid;
	strlcpy(ju->name, pw->pw_name, sizeof ju->name);
	if (only_own) {
		ju->groups = xcalloc(1, sizeof *ju->groups);
		ju->groups[0] = pw->pw_gid;
		ju->ngroups = 1;
		return 0;
	}
	for (;;) {
		ju->groups = xreallocarray(ju->groups, (size_t)n,
		    sizeof *ju->groups);
		ju->ngroups = n;
		if (getgrouplist(pw->pw_name, pw->pw_gid, ju->groups,
		    &ju->ngroups) != -1)
			return 0;
		if (ju->ngroups <= n || ju->ngroups > JOBUSER_MAX_GROUPS) {
			snprintf(err, errlen, "groups of user %s: cannot list",
			    pw->pw_name);
			return -1;
		}
		n = ju->ngroups;
	}
}

int
jobuser_pick(const char *owner, long long sched_uid, int slot,
    struct jobuser *ju, char *err, size_t errlen)
{
	struct passwd	*pw;
	char		 name[JOBUSER_NAME_MAX], cmd[256];

	memset(ju, 0, sizeof *ju);
	ju->uid = (uid_t)-1;
	ju->gid = (gid_t)-1;
	if (!ju_root) {
		/* Not root: every job runs as the agent's user. */
		if ((pw = getpwuid(geteuid())) != NULL)
			strlcpy(ju->name, pw->pw_name, sizeof ju->name);
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(owner)) != NULL) {
		if (pw->pw_uid == 0 && sched_uid != 0) {
			snprintf(err, errlen, "user %s is root here but the "
			    "scheduler gave uid %lld: not run", owner,
			    sched_uid);
			return -1;
		}
		if (pw->pw_uid == 0) {
			/* allow_root_jobs: root's own pool. */
			strlcpy(ju->name, pw->pw_name, sizeof ju->name);
			return 0;
		}
		if (jobuser_fill(ju, pw, 0, err, errlen) == -1) {
			jobuser_clear(ju);
			return -1;
		}
		return 0;
	}
	if (errno == EIO || errno == EAGAIN || errno == ETIMEDOUT ||
	    errno == ENOMEM || errno == EMFILE || errno == ENFILE) {
		/* The directory (NIS, LDAP) did not answer: not "unknown". */
		snprintf(err, errlen, "cannot look user %s up: %s", owner,
		    strerror(errno));
		return -1;
	}
	if (jobuser_prefix[0] == '\0') {
		snprintf(err, errlen, "no user %s on this machine (and no "
		    "slot_user)", owner);
		return -1;
	}
	jobuser_slot_name(slot, name, sizeof name);
	if ((pw = getpwnam(name)) == NULL || pw->pw_uid == 0) {
		sysuser_command(name, cmd, sizeof cmd);
		snprintf(err, errlen, "no user %s on this machine, and no "
		    "slot user %s (%s)", owner, name, cmd);
		return -1;
	}
	if (jobuser_fill(ju, pw, 1, err, errlen) == -1) {
		jobuser_clear(ju);
		return -1;
	}
	ju->slot_user = 1;
	return 0;
}

void
jobuser_clear(struct jobuser *ju)
{
	free(ju->groups);
	ju->groups = NULL;
	ju->ngroups = 0;
}
