/*
 * sysuser.c: make a system user with useradd(8): --system, so a uid
 * below UID_MIN and no aging; --no-create-home with /nonexistent as its
 * home; --shell /usr/sbin/nologin; and a group of its own (useradd's
 * --user-group default).  An existing user is
 * left as it is.  `cq pool up` run as root calls it for the agents' slot
 * users; the agent itself only names the command (sysuser_command()) when
 * one is missing, as it never changes the desktop's user database.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysuser.h"

#define SYSUSER_SHELL	"/usr/sbin/nologin"
#define SYSUSER_HOME	"/nonexistent"	/* Debian's for such users */

static const char *const sysuser_useradds[] = {
	"/usr/sbin/useradd", "/sbin/useradd", NULL
};

void
sysuser_command(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "useradd --system --no-create-home --home-dir "
	    "%s --shell %s %s", SYSUSER_HOME, SYSUSER_SHELL, name);
}

int
sysuser_ensure(const char *name, char *err, size_t errlen)
{
	const char	*prog = NULL;
	pid_t		 pid;
	int		 i, status, fd;

	if (getpwnam(name) != NULL)
		return 0;
	if (geteuid() != 0) {
		snprintf(err, errlen, "no user %s, and only root can make it",
		    name);
		return -1;
	}
	for (i = 0; sysuser_useradds[i] != NULL && prog == NULL; i++)
		if (access(sysuser_useradds[i], X_OK) == 0)
			prog = sysuser_useradds[i];
	if (prog == NULL) {
		snprintf(err, errlen, "no user %s, and no useradd to make it",
		    name);
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);	/* stderr stays: its complaint counts */
		}
		execl(prog, prog, "--system", "--no-create-home",
		    "--home-dir", SYSUSER_HOME, "--shell", SYSUSER_SHELL, name,
		    (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s --system ... %s failed (status %d)",
		    prog, name, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	if (getpwnam(name) == NULL) {
		snprintf(err, errlen, "useradd made no user %s", name);
		return -1;
	}
	return 1;
}
