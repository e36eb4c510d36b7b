/*
 * place.c: the expected run time of a job and how well a desktop's
 * expected owner absence suits it (place.h).
 *
 * Why a best fit: a short job on the desktop whose owner is away
 * longest would finish, but it takes that desktop from a long job that
 * only it could have finished.  So a job goes to the desktop with the
 * shortest expected absence that still covers its run time, and the long
 * absences are left for the long jobs.  When no desktop covers it, the
 * longest absence gives the job its best chance (and loses the least
 * work if it has checkpoints).
 */
#include "config.h"

#include <string.h>

#include "clusters.h"
#include "job.h"
#include "place.h"
#include "schedd.h"

#define PLACE_FIT	2e9	/* above every absence, in seconds */
#define PLACE_NOFIT	1e9

static enum place_mode	place_current = PLACE_BLIND;

const char *
place_mode_str(enum place_mode mode)
{
	return mode == PLACE_OWNER_AWARE ? "owner-aware" : "blind";
}

int
place_mode_parse(const char *s, enum place_mode *out)
{
	if (strcmp(s, "owner-aware") == 0)
		*out = PLACE_OWNER_AWARE;
	else if (strcmp(s, "blind") == 0)
		*out = PLACE_BLIND;
	else
		return -1;
	return 0;
}

void
place_set_mode(enum place_mode mode)
{
	place_current = mode;
}

enum place_mode
place_mode(void)
{
	return place_current;
}

int64_t
place_runtime(const struct job *j)
{
	const struct cluster	*c;

	if (place_current == PLACE_BLIND)
		return -1;
	/* Rounded as a learned one: each value is a group of its own. */
	if (j->runtime_s >= 0)
		return clusters_round(j->runtime_s);
	if ((c = clusters_find(j->cluster)) == NULL)
		return -1;
	return c->runtime_s;
}

double
place_score(int64_t runtime_s, const struct machine *m)
{
	double	a;

	if (runtime_s < 0 || !m->has_absence || m->owner_absence_s < 0)
		return 0;
	a = (double)m->owner_absence_s;
	if (a > PLACE_NOFIT - 1)
		a = PLACE_NOFIT - 1;
	if (m->owner_absence_s >= runtime_s)
		return PLACE_FIT - a;
	return PLACE_NOFIT + a;
}

enum place_keeps
place_keeps(int xfer, int64_t checkpoint_exit_code, const char *checkpoint)
{
	if (!xfer)
		return PLACE_KEEPS_NONE;
	/* A CRIU job whose dump fails falls back to its checkpoint
	 * signal, if it has one (jobs-criu.c): then it keeps anywhere. */
	if (checkpoint_exit_code >= 0)
		return PLACE_KEEPS_SIGNAL;
	if (checkpoint != NULL && strcmp(checkpoint, "criu") == 0)
		return PLACE_KEEPS_CRIU;
	return PLACE_KEEPS_NONE;
}

int
place_keeps_on(enum place_keeps keeps, const struct machine *m)
{
	return keeps == PLACE_KEEPS_SIGNAL ||
	    (keeps == PLACE_KEEPS_CRIU && m->criu);
}
