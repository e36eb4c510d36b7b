/*
 * jobctl-dyn.c: job starts without an RCU wait.  Where the job's limits
 * live in cgroup v1 (a hybrid hierarchy: memory, pids, cpuacct and the
 * freezer beside a cgroup2 tree without those controllers), each job's
 * init writes its pid to the v1 groups' cgroup.procs before it forks the
 * job.  Such a write takes the kernel's cgroup_threadgroup_rwsem for
 * writing, and unless that lock is kept in its slow mode the write waits
 * for an RCU grace period: 10 to 20 ms on this project's machines when
 * starts are far apart, in every job's start.  The cgroup2 mount option
 * "favordynmods" keeps it in slow mode (forks and exits pay a little
 * more; newer kernels also switch to a per-process lock then), and the
 * write costs tens of microseconds.
 *
 * So at start, with v1 groups in use and cgroup_favordynmods set (the
 * default), the agent reconfigures the cgroup2 superblock with the
 * options it has plus favordynmods, by fspick(2) and fsconfig(2): the
 * mount's own flags (nosuid, nodev, ...) stay as they are.  It says so in
 * its log, and how to undo it; it does not undo it at exit, since other
 * agents on the machine may rely on it and the option changes no
 * behaviour, only costs.  Called by jobctl-cg.c only.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"
#include "log.h"

#define DYN_OPT		"favordynmods"

/* The new mount API's constants, where the headers lack them. */
#ifndef FSPICK_CLOEXEC
#define FSPICK_CLOEXEC		0x00000001
#endif
#ifndef FSPICK_NO_AUTOMOUNT
#define FSPICK_NO_AUTOMOUNT	0x00000004
#endif
#define DYN_SET_FLAG		0	/* FSCONFIG_SET_FLAG */
#define DYN_SET_STRING		1	/* FSCONFIG_SET_STRING */
#define DYN_CMD_RECONFIGURE	7	/* FSCONFIG_CMD_RECONFIGURE */

static int	jobctl_dyn_wanted = 1;

/* Whether jobctl_init() may set favordynmods (config cgroup_favordynmods). */
void
jobctl_favordynmods(int on)
{
	jobctl_dyn_wanted = on != 0;
}

static int
jobctl_dyn_fsconfig(int fd, unsigned cmd, const char *key, const char *val)
{
#ifdef SYS_fsconfig
	return (int)syscall(SYS_fsconfig, fd, cmd, key, val, 0);
#else
	(void)fd; (void)cmd; (void)key; (void)val;
	errno = ENOSYS;
	return -1;
#endif
}

/* Reconfigure the superblock at MNT with OPTS (a mountinfo list) + ours. */
static int
jobctl_dyn_set(const char *mnt, const char *opts)
{
	char	 list[sizeof jobctl_tab.cg2opts], *p, *o, *eq;
	int	 fd, r = -1, saved;

#ifdef SYS_fspick
	fd = (int)syscall(SYS_fspick, AT_FDCWD, mnt,
	    FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT);
#else
	fd = -1;
	errno = ENOSYS;
#endif
	if (fd == -1)
		return -1;
	strlcpy(list, opts, sizeof list);
	p = list;
	while ((o = strsep(&p, ",")) != NULL) {
		if (*o == '\0' || strcmp(o, "rw") == 0 || strcmp(o, "ro") == 0)
			continue;	/* the mount's, not the superblock's */
		if ((eq = strchr(o, '=')) != NULL) {
			*eq++ = '\0';
			if (jobctl_dyn_fsconfig(fd, DYN_SET_STRING, o, eq) == -1)
				goto out;
		} else if (jobctl_dyn_fsconfig(fd, DYN_SET_FLAG, o,
		    NULL) == -1)
			goto out;
	}
	if (jobctl_dyn_fsconfig(fd, DYN_SET_FLAG, DYN_OPT, NULL) == -1 ||
	    jobctl_dyn_fsconfig(fd, DYN_CMD_RECONFIGURE, NULL, NULL) == -1)
		goto out;
	r = 0;
out:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* See the top of this file; called once v1 groups are known in use. */
void
jobctl_dyn_init(void)
{
	const char	*mnt = jobctl_tab.cg2mnt;

	if (mnt[0] == '\0')
		return;			/* no cgroup2: nothing to set */
	if (jobctl_inlist(jobctl_tab.cg2opts, DYN_OPT)) {
		log_info("jobctl: %s has %s already", mnt, DYN_OPT);
		return;
	}
	if (!jobctl_dyn_wanted) {
		log_info("jobctl: cgroup_favordynmods is off: each job's "
		    "start may wait 10-20 ms for its v1 groups");
		return;
	}
	if (jobctl_dyn_set(mnt, jobctl_tab.cg2opts) == -1) {
		log_info("jobctl: cannot set %s on %s (%s): each job's start "
		    "may wait 10-20 ms for its v1 groups", DYN_OPT, mnt,
		    strerror(errno));
		return;
	}
	log_info("jobctl: set %s on the cgroup2 mount %s, so a job's start "
	    "does not wait for its v1 groups (cgroup_favordynmods = no "
	    "leaves the mount alone)", DYN_OPT, mnt);
}
