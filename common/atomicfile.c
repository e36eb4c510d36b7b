/*
 * atomicfile.c: a small file replaced whole or not at all (atomicfile.h):
 * the scheduler's state files (listen.addr), its TLS key and certificate,
 * the agent's owner-presence history.  A crash leaves the old file or the
 * new one, never a mix; the temporary file a crash may leave is made
 * anew (O_EXCL after an unlink) by the next write.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"

int
atomicfile_sync_dir(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash;
	int		 fd, rc, e;

	if ((slash = strrchr(path, '/')) == NULL)
		strlcpy(dir, ".", sizeof dir);
	else if (slash == path)
		strlcpy(dir, "/", sizeof dir);
	else if ((size_t)(slash - path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
atomicfile_write(const char *path, const void *buf, size_t len,
    mode_t mode, int syncdir)
{
	char	tmp[PATH_MAX];
	size_t	off;
	ssize_t	n;
	int	fd, e;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, mode)) == -1)
		return -1;
	for (off = 0; off < len; off += (size_t)n) {
		if ((n = write(fd, (const char *)buf + off, len - off)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			goto fail;
		}
	}
	if (fchmod(fd, mode) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	/* The rename is done: a directory not synced is only warned of. */
	if (syncdir)
		(void)atomicfile_sync_dir(path);
	return 0;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	errno = e;
	return -1;
}
