/*
 * absence.c: the owner-presence history of this desktop (absence.h).
 *
 * At each tick the owner counts as present if the owner's last activity
 * is more recent than the idle time the policy waits for before it
 * starts a job (idle_after in owner hours, idle_after_offhours outside),
 * but at least ABSENCE_MIN_QUIET_MS, or while a `cq reclaim` holds the
 * desktop: an absence is a spell in which jobs may run, and a return is
 * what would suspend one.  The history is saved
 * every ABSENCE_SAVE_MS and at exit, through a temporary file; one saved
 * within PRESENCE_MAX_GAP_S of the restart carries on counting, one
 * older counts nothing for the time the agent was down.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "absence.h"
#include "clock.h"
#include "log.h"
#include "owner.h"
#include "policy.h"
#include "presence.h"
#include "xmalloc.h"

#define ABSENCE_MIN_QUIET_MS	60000		/* present: active this
						   recently at least */
#define ABSENCE_SAVE_MS		(5 * 60 * 1000)	/* save this often */
#define ABSENCE_LEVEL		0.5		/* the median absence */

static struct presence	*absence_hist;
static char		*absence_path;		/* through absence_dfd */
static char		*absence_shown;		/* the same, for people */
static int		 absence_dfd = -1;	/* the agent's directory */
static int64_t		 absence_saved;		/* wall ms of the last save */
static int		 absence_failed;	/* the last save failed */

/* ERR names the file by its descriptor's path: name it as people do. */
static void
absence_err(char *err, size_t errlen)
{
	size_t	n = strlen(absence_path);
	char	tmp[512];

	if (strncmp(err, absence_path, n) != 0)
		return;
	snprintf(tmp, sizeof tmp, "%s%s", absence_shown, err + n);
	strlcpy(err, tmp, errlen);
}

static void
absence_save(void)
{
	char	err[512];

	if (absence_hist == NULL)
		return;
	if (presence_save(absence_hist, absence_path, err, sizeof err) == -1) {
		absence_err(err, sizeof err);
		if (!absence_failed)
			log_warnx("absence: cannot save the owner's presence "
			    "history: %s", err);
		absence_failed = 1;
		return;
	}
	if (absence_failed)
		log_info("absence: %s saved again", absence_shown);
	absence_failed = 0;
}

void
absence_open(const char *dir)
{
	/*
	 * As root, the agent's own directory sits in state_dir, which may
	 * be root's and 0700: the child, once it is agent_user, reaches it
	 * through this descriptor (its /proc/self/fd link), not the path.
	 */
	if ((absence_dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		log_warn("absence: %s", dir);
}

void
absence_init(const char *dir)
{
	char	err[512];

	absence_hist = xcalloc(1, sizeof *absence_hist);
	presence_init(absence_hist);
	xasprintf(&absence_shown, "%s/presence", dir);
	if (absence_dfd != -1)
		xasprintf(&absence_path, "/proc/self/fd/%d/presence",
		    absence_dfd);
	else
		absence_path = xstrdup(absence_shown);
	switch (presence_load(absence_hist, absence_path, err, sizeof err)) {
	case 0:
		log_info("absence: the owner's presence history from %s",
		    absence_shown);
		break;
	case 1:
		log_info("absence: no presence history yet (%s): a new one",
		    absence_shown);
		break;
	default:
		absence_err(err, sizeof err);
		log_warnx("absence: %s; the owner's presence history starts "
		    "afresh", err);
		break;
	}
	absence_saved = clock_now_ms();
	absence_tick(absence_saved);
}

void
absence_shutdown(void)
{
	if (absence_hist != NULL)
		absence_tick(clock_now_ms());
	absence_save();
	free(absence_hist);
	absence_hist = NULL;
	free(absence_path);
	absence_path = NULL;
	free(absence_shown);
	absence_shown = NULL;
	if (absence_dfd != -1)
		close(absence_dfd);
	absence_dfd = -1;
}

void
absence_tick(int64_t now)
{
	const struct policy_cfg	*cfg = owner_policy();
	struct policy_in	 in;
	int64_t			 quiet;

	if (absence_hist == NULL)
		return;
	owner_input_seen(now, &in);
	quiet = in.owner_hours ? cfg->idle_after_ms :
	    cfg->idle_after_offhours_ms;
	if (quiet < ABSENCE_MIN_QUIET_MS)
		quiet = ABSENCE_MIN_QUIET_MS;
	presence_observe(absence_hist, now / 1000, (in.last_activity > 0 &&
	    now - in.last_activity < quiet) || in.reclaim_until > now);
	if (now - absence_saved >= ABSENCE_SAVE_MS || now < absence_saved) {
		absence_saved = now;
		absence_save();
	}
}

int64_t
absence_expected_s(void)
{
	int64_t	s;

	if (absence_hist == NULL)
		return -1;
	s = presence_absence(absence_hist, clock_now_ms() / 1000,
	    ABSENCE_LEVEL);
	return (s + 30) / 60 * 60;
}
