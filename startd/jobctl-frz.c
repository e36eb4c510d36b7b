/*
 * jobctl-frz.c: freezing a job and checking that it is frozen.  A job's
 * freeze ladder is what can stop it, in order: cgroup2 cgroup.freeze (its
 * own cgroup2 group), the v1 freezer (its own freezer group), and SIGSTOP
 * to its process group and to every member of its cgroups.  A freeze takes
 * the first rung that accepts the order; jobctl_freeze_escalate() adds the
 * next one when the caller saw that the freeze did not take effect in
 * time; the rungs applied stay applied (each job's FRZ mask) and the thaw
 * undoes them all.  A job without cgroups has only the last rung.  While
 * frozen, the job's session autogroup is raised to JOBCTL_BOOST: a job
 * task stops only once it runs, and under load the scheduler gives its
 * group ever less as its tasks stop (a group's weight follows its runnable
 * load): stragglers waited 100-300 ms behind 2 busy processes on 2 CPUs,
 * and 1-8 ms with the boost.  Nothing of the job runs while frozen, so the
 * boost costs nobody; the thaw puts the old value back first.  Nothing
 * here waits: the caller polls jobctl_frozen() from its loop.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"
#include "log.h"

/* Rungs that fail on purpose (CQ_JOBCTL_FREEZE_FAIL, tests only). */
static unsigned	jobctl_frz_fail;
/* A kernel without autogroups (no /proc/self/autogroup, checked once at
 * jobctl_frz_init(): the file is there or not from the build on) is not
 * asked for them at every start. */
static int	jobctl_ag_none;

/* Read the test-only switch; see jobctl.h. */
void
jobctl_frz_init(void)
{
	const char	*v = getenv("CQ_JOBCTL_FREEZE_FAIL");

	jobctl_frz_fail = 0;
	jobctl_ag_none = access("/proc/self/autogroup", F_OK) == -1 &&
	    errno == ENOENT;
	if (v == NULL || *v == '\0')
		return;
	if (strcmp(v, "cgroup2") == 0)
		jobctl_frz_fail = JOBCTL_FRZ_CG2;
	else if (strcmp(v, "cgroup") == 0)
		jobctl_frz_fail = JOBCTL_FRZ_CG2 | JOBCTL_FRZ_V1;
	else if (strcmp(v, "all") == 0)
		jobctl_frz_fail = JOBCTL_FRZ_ALL;
	else {
		log_warnx("jobctl: CQ_JOBCTL_FREEZE_FAIL=%s: not cgroup2, "
		    "cgroup or all; ignored", v);
		return;
	}
	log_warnx("jobctl: CQ_JOBCTL_FREEZE_FAIL=%s: freezes fail on "
	    "purpose (tests only)", v);
}

/* State and process group of PID from /proc/PID/stat; 0 or -1. */
static int
jobctl_proc_stat(pid_t pid, char *state, pid_t *pgrp)
{
	char		 path[64], buf[512], num[16], *p;
	const char	*errstr;
	size_t		 n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (jobctl_read(path, buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL || strlen(p) < 4)
		return -1;
	*state = p[2];
	p += 4;				/* ") S " */
	p += strcspn(p, " ");		/* ppid */
	if (*p++ != ' ' || (n = strcspn(p, " ")) == 0 || n >= sizeof num)
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	*pgrp = strtonum(num, 0, INT_MAX, &errstr);
	return errstr == NULL ? 0 : -1;
}

/* A state in which a process uses no CPU until woken: T, t, D, Z, X. */
static int
jobctl_still(char state)
{
	return strchr("TtDZX", state) != NULL;
}

/* 1 if every process in group PGID is stopped (or a zombie). */
static int
jobctl_pg_stopped(pid_t pgid)
{
	const char	*errstr;
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid, pgrp;
	char		 state;
	int		 stopped = 1;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (stopped && (de = readdir(d)) != NULL) {
		pid = strtonum(de->d_name, 1, INT_MAX, &errstr);
		if (errstr == NULL && jobctl_proc_stat(pid, &state, &pgrp) == 0 &&
		    pgrp == pgid && !jobctl_still(state))
			stopped = 0;
	}
	closedir(d);
	return stopped;
}

/*
 * For each member of J's cgroup (cgroup2, else freezer): SIG if SIG > 0,
 * and count those that may run.  -1 if the list cannot be read.
 */
static int
jobctl_members(const struct jobctl_job *j, int sig)
{
	char		 path[PATH_MAX], line[32], state;
	const char	*errstr;
	FILE		*f;
	pid_t		 pid, pgrp;
	int		 h, running = 0;

	h = (j->mask & JOBCTL_BIT(JOBCTL_CG2)) ? JOBCTL_CG2 : JOBCTL_FREEZER;
	if (jobctl_cg_path(path, sizeof path, j, h, "cgroup.procs") == -1 ||
	    (f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		pid = strtonum(line, 2, INT_MAX, &errstr);
		if (errstr != NULL)
			continue;
		if (sig > 0)
			(void)kill(pid, sig);
		if (jobctl_proc_stat(pid, &state, &pgrp) == 0 &&
		    !jobctl_still(state))
			running++;
	}
	fclose(f);
	return running;
}

/* Set the autogroup nice of PID's session to NICE; 0 or -1. */
static int
jobctl_ag_set(pid_t pid, int nice)
{
	char	path[64], val[16];

	if (jobctl_ag_none) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof path, "/proc/%ld/autogroup", (long)pid);
	snprintf(val, sizeof val, "%d", nice);
	return jobctl_write(path, val);
}

/* Put the job's session autogroup at JOBCTL_NICE; see jobctl.h. */
int
jobctl_background(pid_t pgid)
{
	struct jobctl_job	*j;
	pid_t			 leader = pgid;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	if ((j = jobctl_job_find(pgid)) != NULL) {
		if (j->boosted) {
			j->agnice = JOBCTL_NICE;	/* for the thaw */
			return 0;
		}
		/* Its leader reaped by its init already: its pid may be
		 * another's now, and there is no session to lower. */
		if (j->exited)
			return 0;
		if ((leader = jobctl_leader(j)) <= 1) {
			errno = EAGAIN;
			return -1;
		}
	}
	return jobctl_ag_set(leader, JOBCTL_NICE);
}

/* Raise J's session autogroup to JOBCTL_BOOST while it freezes. */
static void
jobctl_boost(struct jobctl_job *j)
{
	char		 path[64], buf[128], *p;
	const char	*errstr;
	int		 nice;
	pid_t		 leader;

	if (j == NULL || j->boosted || j->state != JOBCTL_LIVE ||
	    (leader = jobctl_leader(j)) <= 1)
		return;
	j->agpid = leader;	/* the job's session, not its init's */
	snprintf(path, sizeof path, "/proc/%ld/autogroup", (long)leader);
	if (jobctl_read(path, buf, sizeof buf) <= 0 ||
	    (p = strstr(buf, " nice ")) == NULL)
		return;
	p += 6;
	p[strcspn(p, "\n")] = '\0';
	nice = strtonum(p, -20, 19, &errstr);
	if (errstr == NULL && jobctl_ag_set(leader, JOBCTL_BOOST) == 0) {
		j->agnice = nice;
		j->boosted = 1;
	}
}

/* Undo jobctl_boost(); before the thaw, so the job never runs boosted. */
static void
jobctl_unboost(struct jobctl_job *j)
{
	if (j == NULL || !j->boosted)
		return;
	(void)jobctl_ag_set(j->agpid, j->agnice);
	j->boosted = 0;
}

/* The rungs J (NULL: a job without cgroups) has. */
static unsigned
jobctl_rungs(const struct jobctl_job *j)
{
	unsigned	r = JOBCTL_FRZ_STOP;

	if (j != NULL && (j->mask & JOBCTL_BIT(JOBCTL_CG2)))
		r |= JOBCTL_FRZ_CG2;
	if (j != NULL && (j->mask & JOBCTL_BIT(JOBCTL_FREEZER)))
		r |= JOBCTL_FRZ_V1;
	return r;
}

/* Apply rung R to the job; 0, or -1 with errno. */
static int
jobctl_rung(struct jobctl_job *j, pid_t pgid, unsigned r)
{
	int	got = 0;

	if (jobctl_frz_fail & r) {
		errno = EIO;
		return -1;
	}
	switch (r) {
	case JOBCTL_FRZ_CG2:
		j->tainted = 1;
		return jobctl_cg_write(j, JOBCTL_CG2, "cgroup.freeze", "1");
	case JOBCTL_FRZ_V1:
		j->tainted = 1;
		return jobctl_cg_write(j, JOBCTL_FREEZER, "freezer.state",
		    "FROZEN");
	default:
		/* The group, then escapees that left it but not the cgroup. */
		if (j != NULL && !j->bare) {
			if ((pgid = jobctl_leader(j)) <= 1) {
				errno = j->state == JOBCTL_LIVE ? EAGAIN : ESRCH;
				return -1;	/* not started yet, or gone */
			}
		}
		if (kill(-pgid, SIGSTOP) == 0)
			got = 1;
		else if (errno != ESRCH)
			return -1;
		if (j != NULL && (j->mask & JOBCTL_CONTAIN) &&
		    jobctl_members(j, SIGSTOP) >= 0)
			got = 1;
		if (!got)
			errno = ESRCH;
		return got ? 0 : -1;
	}
}

/* Apply the first rung above those J has that takes; 0, or -1 with errno. */
static int
jobctl_climb(struct jobctl_job *j, pid_t pgid)
{
	unsigned	 rungs = jobctl_rungs(j), have, r;
	int		 saved = ENOSYS;

	have = j != NULL ? j->frz : 0;
	/* Rungs are powers of two in order: r <= have is "not above". */
	for (r = JOBCTL_FRZ_CG2; r <= JOBCTL_FRZ_STOP; r <<= 1) {
		if ((rungs & r) == 0 || r <= have)
			continue;
		if (jobctl_rung(j, pgid, r) == 0) {
			if (j != NULL)
				j->frz |= r;
			return 0;
		}
		if ((saved = errno) == EAGAIN)
			break;		/* before the exec: later */
	}
	errno = saved;
	return -1;
}

/* Stop every process of the job, without waiting; see jobctl.h. */
int
jobctl_freeze(pid_t pgid)
{
	struct jobctl_job	*j;
	int			 saved;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	j = jobctl_job_find(pgid);
	if (j != NULL && j->frz != 0)
		return 0;		/* already frozen */
	jobctl_boost(j);
	if (jobctl_climb(j, pgid) == 0)
		return 0;
	saved = errno;
	jobctl_unboost(j);	/* never run boosted */
	errno = saved;
	return -1;
}

/* The freeze did not take in time: the next rung; see jobctl.h. */
int
jobctl_freeze_escalate(pid_t pgid)
{
	struct jobctl_job	*j;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	if ((j = jobctl_job_find(pgid)) == NULL) {
		errno = ENOSYS;		/* SIGSTOP was all it had */
		return -1;
	}
	return jobctl_climb(j, pgid);
}

/* The rung most recently applied; see jobctl.h. */
const char *
jobctl_freeze_how(pid_t pgid)
{
	struct jobctl_job	*j;

	if ((j = jobctl_job_find(pgid)) == NULL)
		return "SIGSTOP";
	if (j->frz & JOBCTL_FRZ_STOP)
		return "SIGSTOP";
	if (j->frz & JOBCTL_FRZ_V1)
		return "v1 freezer";
	if (j->frz & JOBCTL_FRZ_CG2)
		return "cgroup2";
	return "none";
}

/* Let the job run again after jobctl_freeze(); see jobctl.h. */
int
jobctl_thaw(pid_t pgid)
{
	struct jobctl_job	*j;
	int			 r = 0, saved = 0;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	j = jobctl_job_find(pgid);
	jobctl_unboost(j);
	if (j == NULL)
		return kill(-pgid, SIGCONT);
	if (j->frz == 0 && !j->bare && (j->mask & JOBCTL_CONTAIN) == 0)
		return jobctl_signal(pgid, SIGCONT);
	if ((j->frz & JOBCTL_FRZ_CG2) &&
	    jobctl_cg_write(j, JOBCTL_CG2, "cgroup.freeze", "0") == -1)
		saved = errno;
	if ((j->frz & JOBCTL_FRZ_V1) && jobctl_cg_write(j, JOBCTL_FREEZER,
	    "freezer.state", "THAWED") == -1 && saved == 0)
		saved = errno;
	if (j->frz & JOBCTL_FRZ_STOP) {
		(void)kill(-(j->bare ? pgid : jobctl_leader(j)), SIGCONT);
		if (j->mask & JOBCTL_CONTAIN)
			(void)jobctl_members(j, SIGCONT);
	}
	j->frz = 0;
	if (saved != 0) {
		errno = saved;
		r = -1;
	}
	return r;
}

/* 1 if no process of the job can run (frozen, stopped or gone), else 0. */
int
jobctl_frozen(pid_t pgid)
{
	struct jobctl_job	*j;
	char			 path[PATH_MAX], buf[256];

	if (pgid <= 1)
		return 0;
	if ((j = jobctl_job_find(pgid)) == NULL)
		return jobctl_pg_stopped(pgid);
	if (j->state != JOBCTL_LIVE && (j->mask & JOBCTL_CONTAIN) == 0)
		return 1;
	if (!j->bare && (j->mask & JOBCTL_CONTAIN) == 0)
		return jobctl_leader(j) > 1 && jobctl_pg_stopped(jobctl_leader(j));
	if (j->frz == 0)
		return (j->mask & JOBCTL_CONTAIN) ? jobctl_cg_frozen(j) :
		    jobctl_pg_stopped(pgid);
	if ((j->frz & JOBCTL_FRZ_CG2) && jobctl_cg_path(path, sizeof path, j,
	    JOBCTL_CG2, "cgroup.events") == 0 &&
	    jobctl_read(path, buf, sizeof buf) > 0 &&
	    (strstr(buf, "populated 0\n") != NULL ||
	    strstr(buf, "frozen 1\n") != NULL))
		return 1;
	if ((j->frz & JOBCTL_FRZ_V1) && jobctl_cg_path(path, sizeof path, j,
	    JOBCTL_FREEZER, "freezer.state") == 0 &&
	    jobctl_read(path, buf, sizeof buf) > 0 &&
	    strcmp(buf, "FROZEN\n") == 0)
		return 1;
	if (j->frz & JOBCTL_FRZ_STOP)
		return jobctl_members(j, 0) == 0;
	return 0;
}
