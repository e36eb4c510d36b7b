/*
 * runas.c: whom a job runs and writes its files as (see runas.h).  The
 * scheduler never hands an agent's data root's identity by default: a job
 * submitted by uid 0 runs, and has its outputs written, as root_job_user
 * (default nobody) unless allow_root_jobs = yes.  The user is looked up
 * once at start-up, so a bad name stops the daemon there, not at a job's
 * start.  Called by agents.c, spool.c and ctl.c.
 */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "job.h"
#include "log.h"
#include "runas.h"
#include "schedd.h"
#include "xmalloc.h"

static int	 runas_allowed;
static char	*runas_name;
static uid_t	 runas_uid;
static gid_t	 runas_gid;

int
runas_init(void)
{
	struct passwd	*pw;
	const char	*name = cfg_str(sd->cfg, "root_job_user");

	runas_allowed = cfg_bool(sd->cfg, "allow_root_jobs");
	free(runas_name);
	runas_name = xstrdup(name);
	if (runas_allowed)
		return 0;
	if ((pw = getpwnam(name)) == NULL) {
		log_warnx("root_job_user %s: no such user (jobs of root's "
		    "run as that user while allow_root_jobs = no)", name);
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_warnx("root_job_user %s: is root; with allow_root_jobs = "
		    "no it must be an unprivileged user", name);
		return -1;
	}
	runas_uid = pw->pw_uid;
	runas_gid = pw->pw_gid;
	log_info("jobs of root's run as %s (uid %u; allow_root_jobs = no)",
	    name, (unsigned)runas_uid);
	return 0;
}

int
runas_root_allowed(void)
{
	return runas_allowed;
}

const char *
runas_root_user(void)
{
	return runas_name != NULL ? runas_name : "nobody";
}

void
runas_job(const struct job *j, const char **name, uid_t *uid, gid_t *gid)
{
	if (j->uid == 0 && !runas_allowed) {
		*name = runas_name;
		*uid = runas_uid;
		*gid = runas_gid;
		return;
	}
	*name = j->owner;
	*uid = j->uid;
	*gid = (gid_t)-1;
}
