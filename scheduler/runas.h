/*
 * runas.h: whom a job runs and writes its files as.  A job runs as its
 * owner; a job of root's runs as root_job_user unless allow_root_jobs
 * says yes (schedd keys).  Used by agents.c (the START's owner and uid),
 * spool.c (outputs) and ctl.c (the note at submit).
 */
#ifndef CQ_RUNAS_H
#define CQ_RUNAS_H

#include <sys/types.h>

struct job;

/* Read the keys and look root_job_user up; -1 (logged) if it is unknown
 * or is root while root jobs are not allowed. */
int		 runas_init(void);
/* 1 if jobs of root's run as root. */
int		 runas_root_allowed(void);
/* root_job_user's name. */
const char	*runas_root_user(void);
/* J's user: NAME (borrowed), UID, and GID ((gid_t)-1: look it up). */
void		 runas_job(const struct job *j, const char **name, uid_t *uid,
		    gid_t *gid);

#endif
