/*
 * sbfs.c: disk operations inside a sandbox that follow no symbolic link
 * (see sbfs.h).  Every path is resolved from a directory descriptor the
 * caller holds: with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS) when the kernel has it, else by sbfs_walk(), one
 * openat(O_PATH | O_DIRECTORY | O_NOFOLLOW) per directory and O_NOFOLLOW
 * on the last component.  Either way a directory swapped for a symlink
 * between two calls (or during one) makes the call fail with ELOOP
 * rather than lead elsewhere; what a call opened stays what it opened.
 * Operations that make or remove several directories (sbfs_mkdirs(),
 * sbfs_remove()) always go one component at a time from descriptors they
 * hold, which is as safe with or without openat2.  The only state kept
 * between calls is whether this kernel has openat2 (asked once).
 * Callers: startd/sandbox.c; later the agent's privileged parent.
 */
#include "config.h"

#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define SBFS_HAVE_HOW
#endif
#endif

#include "sbfs.h"
#include "xfer.h"
#include "xmalloc.h"

#ifndef SBFS_HAVE_HOW
struct open_how {
	uint64_t	flags;
	uint64_t	mode;
	uint64_t	resolve;
};
#define RESOLVE_NO_MAGICLINKS	0x02
#define RESOLVE_NO_SYMLINKS	0x04
#define RESOLVE_BENEATH		0x08
#endif
#ifndef SYS_openat2
#define SYS_openat2	437
#endif

#define SBFS_RESOLVE	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | \
			    RESOLVE_NO_MAGICLINKS)

/* -1: not asked yet; 0: the component walk; 1: openat2. */
static int	sbfs_mode = -1;

int
sbfs_path_ok(const char *rel, int dot)
{
	const char	*c, *p;
	size_t		 n, len;

	if (rel == NULL)
		return 0;
	if (dot && strcmp(rel, ".") == 0)
		return 1;
	n = strlen(rel);
	if (n == 0 || n >= SBFS_MAX_PATH || rel[0] == '/' || rel[n - 1] == '/')
		return 0;
	for (c = rel; c != NULL; c = p == NULL ? NULL : p + 1) {
		p = strchr(c, '/');
		len = p == NULL ? strlen(c) : (size_t)(p - c);
		if (len == 0 || len > NAME_MAX || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
	}
	return 1;
}

const char *
sbfs_strerror(int err)
{
	switch (err) {
	case EINVAL:
		return "not a plain relative path";
	case ELOOP:
		return "a symbolic link on its path";
	case EXDEV:
		return "its path leads outside the sandbox";
	case EISDIR:
		return "a directory, not a file";
	case ENXIO:
		return "not a regular file";
	case EMLINK:
		return "a hard link to a file that is not the job's";
	case E2BIG:
		return "a directory with too many entries";
	default:
		return strerror(err);
	}
}

int
sbfs_openat2(void)
{
	struct open_how	 how;
	const char	*e;
	int		 fd;

	if (sbfs_mode != -1)
		return sbfs_mode;
	e = getenv("CQ_SBFS_NO_OPENAT2");
	if (e != NULL && strcmp(e, "1") == 0) {
		sbfs_mode = 0;		/* test-only: force the walk */
		return 0;
	}
	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = SBFS_RESOLVE;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
	if (fd >= 0) {
		close(fd);
		sbfs_mode = 1;
	} else
		sbfs_mode = errno == ENOSYS ? 0 : 1;
	return sbfs_mode;
}

/* The file-system identity and umask of one call, restored after it. */
struct sbfs_id {
	int	 on;
	uid_t	 ouid;
	gid_t	 ogid;
	mode_t	 omask;
};

static void
sbfs_become(struct sbfs_id *id, uid_t uid, gid_t gid)
{
	id->omask = umask(0);
	id->on = uid != (uid_t)-1 && uid != 0 && geteuid() == 0;
	if (!id->on)
		return;
	id->ogid = (gid_t)setfsgid(gid);
	id->ouid = (uid_t)setfsuid(uid);
}

static void
sbfs_unbecome(struct sbfs_id *id)
{
	int	save = errno;

	if (id->on) {
		setfsuid(id->ouid);
		setfsgid(id->ogid);
	}
	umask(id->omask);
	errno = save;
}

static void
sbfs_close(int fd)
{
	int	save = errno;

	close(fd);
	errno = save;
}

/* After ENOTDIR on NAME under DFD: ELOOP if NAME is a symlink. */
static void
sbfs_linkerr(int dfd, const char *name)
{
	struct stat	st;
	int		save = errno;

	if (save == ENOTDIR && fstatat(dfd, name, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		save = ELOOP;
	errno = save;
}

/*
 * The directory holding REL's last component, walked one component at a
 * time from DIRFD; *LAST points at that component.  The fd, or -1.
 */
static int
sbfs_walk(int dirfd, const char *rel, const char **last)
{
	const char	*c, *p;
	char		 comp[NAME_MAX + 1];
	size_t		 len;
	int		 fd, nfd;

	if ((fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	for (c = rel; (p = strchr(c, '/')) != NULL; c = p + 1) {
		len = (size_t)(p - c);
		if (len == 0 || len > NAME_MAX) {
			sbfs_close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, c, len);
		comp[len] = '\0';
		nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd == -1) {
			sbfs_linkerr(fd, comp);
			sbfs_close(fd);
			return -1;
		}
		close(fd);
		fd = nfd;
	}
	*last = c;
	return fd;
}

/* After ENOTDIR from openat2 on REL: ELOOP if REL is a symlink. */
static void
sbfs_linkerr2(int dirfd, const char *rel)
{
	struct open_how	how;
	struct stat	st;
	int		fd;

	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = SBFS_RESOLVE;
	if ((fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how)) ==
	    -1) {
		errno = ENOTDIR;
		return;
	}
	errno = fstat(fd, &st) == 0 && S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
	close(fd);
}

/* Open REL beneath DIRFD with FLAGS (O_NOFOLLOW and O_CLOEXEC added). */
static int
sbfs_at(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how	 how;
	const char	*last;
	int		 fd, pfd, tries;

	flags |= O_NOFOLLOW | O_CLOEXEC;
	if (sbfs_openat2()) {
		memset(&how, 0, sizeof how);
		how.flags = (uint64_t)flags;
		how.mode = (flags & O_CREAT) ? (mode & 0777) : 0;
		how.resolve = SBFS_RESOLVE;
		/* EAGAIN: a rename raced the lookup; it may be retried. */
		for (tries = 0; tries < 8; tries++) {
			fd = (int)syscall(SYS_openat2, dirfd, rel, &how,
			    sizeof how);
			if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
				break;
		}
		if (fd == -1 && errno == ENOTDIR && (flags & O_DIRECTORY))
			sbfs_linkerr2(dirfd, rel);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		sbfs_mode = 0;
	}
	if ((pfd = sbfs_walk(dirfd, rel, &last)) == -1)
		return -1;
	fd = openat(pfd, last, flags, mode & 0777);
	if (fd == -1 && (flags & O_DIRECTORY))
		sbfs_linkerr(pfd, last);
	sbfs_close(pfd);
	return fd;
}

/* The directory holding REL's last component (*LAST), opened O_PATH. */
static int
sbfs_parent(int dirfd, const char *rel, const char **last)
{
	char		 buf[SBFS_MAX_PATH];
	const char	*slash;

	if ((slash = strrchr(rel, '/')) == NULL) {
		*last = rel;
		return fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	}
	memcpy(buf, rel, (size_t)(slash - rel));
	buf[slash - rel] = '\0';
	*last = slash + 1;
	return sbfs_at(dirfd, buf, O_PATH | O_DIRECTORY, 0);
}

/* A fresh fd that is still O_NONBLOCK: clear it (a regular file). */
static int
sbfs_blocking(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		sbfs_close(fd);
		return -1;
	}
	return fd;
}

static enum sbfs_type
sbfs_type_of(mode_t m)
{
	if (S_ISREG(m))
		return SBFS_REG;
	if (S_ISDIR(m))
		return SBFS_DIR;
	if (S_ISLNK(m))
		return SBFS_LNK;
	return SBFS_OTHER;
}

static void
sbfs_fill(struct sbfs_ent *ent, const struct stat *st)
{
	ent->type = sbfs_type_of(st->st_mode);
	ent->size = st->st_size;
	ent->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	    st->st_mtim.tv_nsec;
}

int
sbfs_open_read(int dirfd, const char *rel, uid_t owner)
{
	struct stat	st;
	int		fd;

	if (!sbfs_path_ok(rel, 0)) {
		errno = EINVAL;
		return -1;
	}
	/* O_NONBLOCK: a FIFO put there must not hang the open. */
	if ((fd = sbfs_at(dirfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0))
	    == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENXIO;
		goto fail;
	}
	if (owner != (uid_t)-1 && st.st_nlink > 1 && st.st_uid != owner) {
		errno = EMLINK;
		goto fail;
	}
	return sbfs_blocking(fd);
fail:
	sbfs_close(fd);
	return -1;
}

int
sbfs_create(int dirfd, const char *rel, int how, mode_t mode, uid_t uid,
    gid_t gid)
{
	struct sbfs_id	 id;
	struct stat	 st;
	int		 fd, flags;

	if (!sbfs_path_ok(rel, 0) || (how != SBFS_EXCL && how != SBFS_TRUNC)) {
		errno = EINVAL;
		return -1;
	}
	flags = O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY |
	    (how == SBFS_EXCL ? O_EXCL : O_TRUNC);
	sbfs_become(&id, uid, gid);
	fd = sbfs_at(dirfd, rel, flags, mode);
	sbfs_unbecome(&id);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = ENXIO;
		goto fail;
	}
	return sbfs_blocking(fd);
fail:
	sbfs_close(fd);
	return -1;
}

int
sbfs_open_dir(int dirfd, const char *rel)
{
	if (!sbfs_path_ok(rel, 1)) {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(rel, ".") == 0)
		return openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return sbfs_at(dirfd, rel, O_RDONLY | O_DIRECTORY, 0);
}

int
sbfs_mkdirs(int dirfd, const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	struct sbfs_id	 id;
	const char	*c, *p;
	char		 comp[NAME_MAX + 1];
	size_t		 len;
	int		 fd, nfd, rc = -1;

	if (!sbfs_path_ok(rel, 0)) {
		errno = EINVAL;
		return -1;
	}
	sbfs_become(&id, uid, gid);
	if ((fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1)
		goto done;
	for (c = rel; c != NULL; c = p == NULL ? NULL : p + 1) {
		p = strchr(c, '/');
		len = p == NULL ? strlen(c) : (size_t)(p - c);
		memcpy(comp, c, len);
		comp[len] = '\0';
		nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd == -1 && errno == ENOENT) {
			if (mkdirat(fd, comp, mode & 0777) == -1 &&
			    errno != EEXIST)
				goto done;
			nfd = openat(fd, comp, O_PATH | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd == -1) {
			sbfs_linkerr(fd, comp);
			goto done;
		}
		close(fd);
		fd = nfd;
	}
	rc = 0;
done:
	if (fd != -1)
		sbfs_close(fd);
	sbfs_unbecome(&id);
	return rc;
}

int
sbfs_stat(int dirfd, const char *rel, struct sbfs_ent *ent)
{
	struct stat	st;
	int		fd;

	if (!sbfs_path_ok(rel, 1)) {
		errno = EINVAL;
		return -1;
	}
	/* O_PATH | O_NOFOLLOW: a symlink at the end is itself looked at. */
	if (strcmp(rel, ".") == 0)
		fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	else
		fd = sbfs_at(dirfd, rel, O_PATH, 0);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		sbfs_close(fd);
		return -1;
	}
	close(fd);
	ent->name = NULL;
	sbfs_fill(ent, &st);
	return 0;
}

static int
sbfs_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sbfs_ent *)a)->name,
	    ((const struct sbfs_ent *)b)->name);
}

int
sbfs_list(int base, const char *rel, struct sbfs_ent **ents, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	struct sbfs_ent	*v = NULL;
	size_t		 nv = 0, cap = 0;
	int		 fd;

	*ents = NULL;
	*n = 0;
	if ((fd = sbfs_open_dir(base, rel)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		sbfs_close(fd);
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL)
			break;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (nv == SBFS_MAX_LIST) {
			errno = E2BIG;
			break;
		}
		/* Gone since readdir: not there. */
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (nv == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[nv].name = xstrdup(e->d_name);
		sbfs_fill(&v[nv], &st);
		nv++;
	}
	if (errno != 0) {
		closedir(d);
		sbfs_list_free(v, nv);
		return -1;
	}
	closedir(d);
	if (nv > 1)
		qsort(v, nv, sizeof *v, sbfs_cmp);
	*ents = v;
	*n = nv;
	return 0;
}

void
sbfs_list_free(struct sbfs_ent *ents, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
}

int
sbfs_remove(int dirfd, const char *rel)
{
	const char	*last;
	int		 pfd, rc;

	if (!sbfs_path_ok(rel, 0)) {
		errno = EINVAL;
		return -1;
	}
	if ((pfd = sbfs_parent(dirfd, rel, &last)) == -1)
		return errno == ENOENT ? 0 : -1;
	rc = xfer_rmtree_at(pfd, last);
	sbfs_close(pfd);
	return rc;
}

int
sbfs_rename(int dirfd, const char *from, const char *to, uid_t uid,
    gid_t gid)
{
	struct sbfs_id	 id;
	const char	*lf, *lt;
	int		 pf = -1, pt = -1, rc = -1;

	if (!sbfs_path_ok(from, 0) || !sbfs_path_ok(to, 0)) {
		errno = EINVAL;
		return -1;
	}
	sbfs_become(&id, uid, gid);
	if ((pf = sbfs_parent(dirfd, from, &lf)) == -1 ||
	    (pt = sbfs_parent(dirfd, to, &lt)) == -1)
		goto done;
	rc = renameat(pf, lf, pt, lt);
done:
	if (pf != -1)
		sbfs_close(pf);
	if (pt != -1)
		sbfs_close(pt);
	sbfs_unbecome(&id);
	return rc;
}
