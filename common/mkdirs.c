/*
 * mkdirs.c: mkdir -p, for the one place each program makes its own
 * directories (scheduler/main.c, startd/enroll.c, startd/priv-sbx.c,
 * submit/cmd-pool.c).  Parents get 0755 so that others may pass through;
 * the directory itself gets the caller's mode.  Existing directories keep
 * theirs: an administrator's choice is not undone.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "mkdirs.h"

int
mkdirs(const char *path, mode_t mode)
{
	char	buf[PATH_MAX], *p;

	if (strlcpy(buf, path, sizeof buf) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}
