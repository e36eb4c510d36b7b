/*
 * drop.c: the network child gives up root (drop.h).  Before the split
 * the agent looks agent_user up and makes the one directory the child
 * writes to (STATE_DIR/agent: the credential); once the child has what
 * needs root (its configuration, the sockets, the parent's descriptors),
 * it takes agent_user's ids for good (setgroups, setresgid, setresuid,
 * checked by a setuid(0) that must fail), sets no_new_privs and stops
 * being dumpable.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drop.h"
#include "log.h"
#include "mkdirs.h"

static uid_t	drop_u = (uid_t)-1;
static gid_t	drop_g = (gid_t)-1;
static char	drop_name[64];

/* STATE_DIR/NAME (an older agent's) into DFD, as the agent's, if DFD has
 * none yet. */
static void
drop_migrate(int sfd, int dfd, const char *name)
{
	struct stat	sb;

	if (fstatat(sfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(sb.st_mode))
		return;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return;
	if (renameat(sfd, name, dfd, name) == -1 ||
	    fchownat(dfd, name, drop_u, drop_g, AT_SYMLINK_NOFOLLOW) == -1)
		log_warn("state_dir: moving %s to agent/", name);
	else
		log_info("state_dir: %s moved to agent/%s", name, name);
}

int
drop_prepare(const char *user, const char *state_dir, char *dir,
    size_t dirlen, char *err, size_t errlen)
{
	struct passwd	*pw;
	struct stat	 sb;
	int		 sfd, dfd;

	if (geteuid() != 0) {
		if (strlcpy(dir, state_dir, dirlen) >= dirlen) {
			snprintf(err, errlen, "state_dir: too long");
			return -1;
		}
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "agent_user %s: %s; make it with: "
		    "useradd --system --no-create-home --home-dir /nonexistent "
		    "--shell /usr/sbin/nologin %s", user, errno != 0 ?
		    strerror(errno) : "no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "agent_user %s: is root (uid 0); the "
		    "network child must run as a user of its own", user);
		return -1;
	}
	drop_u = pw->pw_uid;
	drop_g = pw->pw_gid;
	strlcpy(drop_name, user, sizeof drop_name);
	if ((size_t)snprintf(dir, dirlen, "%s/agent", state_dir) >= dirlen) {
		snprintf(err, errlen, "state_dir: too long");
		return -1;
	}
	if (mkdirs(state_dir, 0700) == -1 ||
	    (sfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "state_dir %s: %s", state_dir,
		    strerror(errno));
		return -1;
	}
	if (mkdirat(sfd, "agent", 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		close(sfd);
		return -1;
	}
	/* Ours (root's) state_dir, the agent's own directory within. */
	if ((dfd = openat(sfd, "agent", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(dfd, &sb) == -1 ||
	    fchown(dfd, drop_u, drop_g) == -1 || fchmod(dfd, 0700) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		if (dfd != -1)
			close(dfd);
		close(sfd);
		return -1;
	}
	drop_migrate(sfd, dfd, "credential");
	drop_migrate(sfd, dfd, "request");
	close(dfd);
	close(sfd);
	return 0;
}

uid_t
drop_uid(void)
{
	return drop_u;
}

void
drop_now(void)
{
	pid_t	parent = getppid();

	if (drop_u == (uid_t)-1)
		return;
	if (setgroups(0, NULL) == -1)
		fatal("setgroups");
	if (setresgid(drop_g, drop_g, drop_g) == -1)
		fatal("setresgid %s", drop_name);
	if (setresuid(drop_u, drop_u, drop_u) == -1)
		fatal("setresuid %s", drop_name);
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("agent_user %s: root is still within reach", drop_name);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_DUMPABLE)");
	/* A change of ids clears the parent-death signal: again. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		fatal("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent)
		_exit(1);
	log_info("network child: now %s (uid %u, gid %u), no capabilities",
	    drop_name, (unsigned)drop_u, (unsigned)drop_g);
}
