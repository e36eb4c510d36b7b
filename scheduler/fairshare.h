/*
 * fairshare.h: fair share between submitters, HTCondor's way.  Each
 * submitter (a job's owner, or accounting_group.user) has a decayed usage
 * (HTCondor's real user priority, RUP) that moves toward the cores it
 * runs with a half-life, a priority factor, and an effective priority
 * (EUP = RUP x factor; lower goes first).  Matching walks the idle jobs
 * submitter by submitter, by each one's own order (priority, then
 * submission), giving the next free slot to the submitter whose running
 * cores weighed by its EUP are smallest.  Domain code: no store, no
 * socket; time comes in as an argument.
 */
#ifndef CQ_FAIRSHARE_H
#define CQ_FAIRSHARE_H

#include <sys/queue.h>
#include <sys/tree.h>
#include <stdint.h>

#define FAIRSHARE_MIN_RUP	0.5	/* HTCondor's floor of a user's RUP */
#define FAIRSHARE_HALFLIFE_MS	(86400 * 1000LL)	/* one day */
#define FAIRSHARE_FACTOR	1000.0	/* HTCondor's DEFAULT_PRIO_FACTOR */
#define FAIRSHARE_MAX_FACTOR	1e12

struct job;

TAILQ_HEAD(fs_jobs, job);

struct fs_submitter {
	char			*name;
	double			 rup;		/* decayed usage, in cores */
	double			 factor;	/* set for it (0: not set) */
	double			 conf_factor;	/* from the config (0: none) */
	double			 accumulated;	/* core-seconds, not decayed */
	int64_t			 updated;	/* wall ms rup is as of */
	int64_t			 cores;		/* its running jobs' cpus */
	int64_t			 running;	/* its running jobs */
	int64_t			 nidle;		/* its idle jobs */
	struct fs_jobs		 idle;		/* its idle jobs, in order */
	struct job		*cursor;	/* fairshare_walk_next() */
	int			 dirty;		/* changed since saved */
	int			 queued;	/* to be saved (share.c) */
	RB_ENTRY(fs_submitter)	 entry;
};

RB_HEAD(fs_tree, fs_submitter);
int	fairshare_cmp(struct fs_submitter *, struct fs_submitter *);
RB_PROTOTYPE(fs_tree, fs_submitter, entry, fairshare_cmp);

struct fairshare {
	int64_t			 halflife_ms;
	double			 default_factor;
	struct fs_tree		 subs;
};

/* A fair-share order over the idle jobs (fairshare_walk_begin). */
struct fairshare_walk {
	struct fairshare	*fs;
	/* Skip a job it says 0 for (a concurrency limit is full). */
	int			(*ok)(const struct job *, void *);
	void			*arg;
};

/* A new table: HALFLIFE_MS > 0, DEFAULT_FACTOR >= 1. */
struct fairshare	*fairshare_new(int64_t halflife_ms,
			    double default_factor);
void			 fairshare_free(struct fairshare *);

/* The submitter named NAME, made (usage at the floor, as of NOW; 0: as of
 * its first decay) if new. */
struct fs_submitter	*fairshare_get(struct fairshare *, const char *name,
			    int64_t now);
/* The submitter named NAME, or NULL. */
struct fs_submitter	*fairshare_find(struct fairshare *, const char *name);
/* Submitters in name order: the first, and the one after S (or NULL). */
struct fs_submitter	*fairshare_first(struct fairshare *);
struct fs_submitter	*fairshare_next(struct fairshare *,
			    struct fs_submitter *s);
/* Put back what the store kept of NAME (before any job is counted). */
struct fs_submitter	*fairshare_restore(struct fairshare *,
			    const char *name, double rup, double accumulated,
			    int64_t updated, double factor);

/* The factor in force for S: set, else the config's, else the default. */
double	fairshare_factor(const struct fairshare *,
	    const struct fs_submitter *s);
/* S's effective priority: max(RUP, 0.5) x its factor. */
double	fairshare_eup(const struct fairshare *, const struct fs_submitter *s);
/* Bring S's usage up to NOW (its cores steady since it was last brought). */
void	fairshare_decay(struct fairshare *, struct fs_submitter *s,
	    int64_t now);
/* The same for every submitter. */
void	fairshare_decay_all(struct fairshare *, int64_t now);

/*
 * Job J (j->submitter) starts (ON) or stops counting as running at NOW:
 * its submitter's usage is brought up to NOW first, then its cores
 * change.  With NOW < 0 (loading the queue) nothing decays: the jobs that
 * ran when the scheduler stopped are charged for the time it was down.
 */
void	fairshare_run(struct fairshare *, struct job *j, int on, int64_t now);
/* Put J on (ON) or take it off its submitter's idle list, in its order
 * (priority, higher first, then cluster and proc). */
void	fairshare_idle(struct fairshare *, struct job *j, int on);

/*
 * S's place (1: first) in the order free slots go in now, among the
 * submitters with idle jobs (*NWAITING, S included); for `cq why`.
 */
int	fairshare_place(struct fairshare *, const struct fs_submitter *s,
	    int *nwaiting);
/* How many of S's idle jobs come before J (-1: J is not among them). */
int64_t	fairshare_ahead(const struct fs_submitter *s, const struct job *j);

/* Start a walk over the idle jobs in fair-share order. */
void	fairshare_walk_begin(struct fairshare *, struct fairshare_walk *w,
	    int (*ok)(const struct job *, void *), void *arg);
/*
 * The next idle job: the first untried one of the submitter with the
 * least running cores x EUP (then lower EUP, then name), NULL at the end.
 * The caller may start the job it got (it leaves the idle list) before
 * asking for the next one.
 */
struct job	*fairshare_walk_next(struct fairshare_walk *w);
/* The idle job after J of J's submitter that the walk's ok() allows
 * (NULL: none); it does not move the walk. */
struct job	*fairshare_walk_after(struct fairshare_walk *w, struct job *j);
/* J, got from the walk and still idle, comes again in its turn. */
void		 fairshare_walk_again(struct fairshare_walk *w, struct job *j);

#endif
