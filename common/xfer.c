/*
 * xfer.c: one file in transit (see xfer.h).  The receiver walks to the
 * file's directory one component at a time with openat(O_NOFOLLOW |
 * O_DIRECTORY), so neither a ".." nor a symlink planted by the job or a
 * user leads it outside its root; when it writes for a job's owner it does
 * so under that owner's file-system identity (setfsuid), so permissions
 * are the owner's, not root's.  Callers: submit/cmd-submit.c (sender),
 * scheduler/spool.c and startd/sandbox.c (both ways), common/xferq.c.
 */
#include "config.h"

#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sha256.h"
#include "xfer.h"
#include "xmalloc.h"

int
xfer_path_ok(const char *rel)
{
	const char	*p, *c;
	size_t		 n = strlen(rel), len;

	if (n == 0 || n >= XFER_MAX_PATH || rel[0] == '/' || rel[n - 1] == '/')
		return 0;
	for (p = rel; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	for (c = rel; c != NULL; c = p == NULL ? NULL : p + 1) {
		p = strchr(c, '/');
		len = p == NULL ? strlen(c) : (size_t)(p - c);
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (len >= sizeof XFER_PART - 1 && strncmp(c + len -
		    (sizeof XFER_PART - 1), XFER_PART, sizeof XFER_PART - 1)
		    == 0)
			return 0;
		if (len > 255)
			return 0;
	}
	return 1;
}

mode_t
xfer_mode(mode_t mode, mode_t umask)
{
	return mode & 0777 & ~(umask & 0777);
}

int
xfer_sha_ok(const char *hex)
{
	size_t	i;

	for (i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	return hex[64] == '\0';
}

static void
xfer_hex(const unsigned char *d, char *out)
{
	static const char	x[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[64] = '\0';
}

/* Finish MD into HEX (and free it). */
static void
xfer_md_done(void *md, char *hex)
{
	uint8_t	d[SHA256_LEN];

	sha256_final(md, d);
	xfer_hex(d, hex);
}

/* --- sending ---------------------------------------------------------- */

int
xfer_out_open(struct xfer_out *x, const char *path, int trust_sum, char *err,
    size_t errlen)
{
	int	fd;

	memset(x, 0, sizeof *x);
	x->fd = -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC))
	    == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return xfer_out_open_fd(x, fd, path, trust_sum, err, errlen);
}

int
xfer_out_open_fd(struct xfer_out *x, int fd, const char *name, int trust_sum,
    char *err, size_t errlen)
{
	struct stat	sb;

	memset(x, 0, sizeof *x);
	x->fd = fd;
	if (fstat(x->fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", name);
		close(x->fd);
		x->fd = -1;
		return -1;
	}
	x->size = (uint64_t)sb.st_size;
	/* Never a setuid, setgid or sticky bit. */
	x->mode = sb.st_mode & 0777;
	if (trust_sum && fgetxattr(x->fd, XFER_XATTR, x->sha, 64) == 64 &&
	    (x->sha[64] = '\0', xfer_sha_ok(x->sha))) {
		x->hashed = 1;
		return 0;
	}
	x->sha[0] = '\0';
	x->md = sha256_new();
	posix_fadvise(x->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

int
xfer_out_hash(struct xfer_out *x, size_t budget, char *err, size_t errlen)
{
	static unsigned char	buf[XFER_CHUNK];
	ssize_t			n;
	size_t			done = 0;

	while (!x->hashed && done < budget) {
		if (x->off >= x->size) {
			xfer_md_done(x->md, x->sha);
			x->md = NULL;
			x->hashed = 1;
			x->off = 0;
			break;
		}
		n = pread(x->fd, buf, sizeof buf, (off_t)x->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "read: %s", n == 0 ?
			    "file shrank while being read" : strerror(errno));
			return -1;
		}
		if ((uint64_t)n > x->size - x->off)
			n = (ssize_t)(x->size - x->off);	/* it grew */
		sha256_update(x->md, buf, (size_t)n);
		x->off += (uint64_t)n;
		done += (size_t)n;
	}
	return x->hashed;
}

size_t
xfer_out_read(struct xfer_out *x, void *buf, size_t len)
{
	ssize_t	n;
	size_t	want;

	if (x->off >= x->size)
		return 0;
	want = x->size - x->off < len ? (size_t)(x->size - x->off) : len;
	do
		n = pread(x->fd, buf, want, (off_t)x->off);
	while (n == -1 && errno == EINTR);
	if (n <= 0) {
		/* Shrank or failed: zeros, which the checksum refuses. */
		memset(buf, 0, want);
		n = (ssize_t)want;
	}
	x->off += (uint64_t)n;
	return (size_t)n;
}

void
xfer_out_close(struct xfer_out *x)
{
	if (x->md != NULL)
		sha256_free(x->md);
	x->md = NULL;
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

/* --- receiving -------------------------------------------------------- */

struct xfer_id {
	int	 on;
	uid_t	 ouid;
	gid_t	 ogid;
};

static void
xfer_become(struct xfer_id *id, uid_t uid, gid_t gid)
{
	id->on = uid != (uid_t)-1 && geteuid() == 0 && uid != 0;
	if (!id->on)
		return;
	id->ogid = (gid_t)setfsgid(gid);
	id->ouid = (uid_t)setfsuid(uid);
}

static void
xfer_unbecome(struct xfer_id *id)
{
	if (!id->on)
		return;
	setfsuid(id->ouid);
	setfsgid(id->ogid);
	id->on = 0;
}

/*
 * Open the directory of REL under ROOT, creating missing components when
 * CREATE; *LAST points at REL's last component.  The fd, or -1.
 */
static int
xfer_walk(const char *root, const char *rel, int create, const char **last)
{
	const char	*c, *p;
	char		 comp[256];
	int		 fd, nfd;
	size_t		 len;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (c = rel; (p = strchr(c, '/')) != NULL; c = p + 1) {
		len = (size_t)(p - c);
		if (len >= sizeof comp) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, c, len);
		comp[len] = '\0';
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd == -1 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) == -1 && errno != EEXIST) {
				close(fd);
				return -1;
			}
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		if (nfd == -1)
			return -1;
		fd = nfd;
	}
	*last = c;
	return fd;
}

int
xfer_in_open(struct xfer_in *x, const char *root, const char *rel,
    uint64_t size, mode_t mode, const char *sha, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	struct xfer_id	 id;
	const char	*last;

	memset(x, 0, sizeof *x);
	x->fd = x->dirfd = -1;
	if (!xfer_path_ok(rel) || !xfer_sha_ok(sha) || size > XFER_MAX_SIZE) {
		snprintf(err, errlen, "bad path, checksum or size");
		return -1;
	}
	xfer_become(&id, uid, gid);
	if ((x->dirfd = xfer_walk(root, rel, 1, &last)) == -1) {
		snprintf(err, errlen, "%s/%s: %s", root, rel, strerror(errno));
		xfer_unbecome(&id);
		return -1;
	}
	x->name = xstrdup(last);
	xasprintf(&x->part, "%s%s", last, XFER_PART);
	x->fd = openat(x->dirfd, x->part, O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	xfer_unbecome(&id);
	if (x->fd == -1) {
		snprintf(err, errlen, "%s/%s: %s", root, rel, strerror(errno));
		close(x->dirfd);
		free(x->name);
		free(x->part);
		memset(x, 0, sizeof *x);
		x->fd = x->dirfd = -1;
		return -1;
	}
	x->size = size;
	x->mode = xfer_mode(mode, 0);
	memcpy(x->want, sha, 65);
	x->md = sha256_new();
	x->uid = uid;
	x->gid = gid;
	return 0;
}

int
xfer_in_open_fd(struct xfer_in *x, int fd, const char *name, uint64_t size,
    mode_t mode, const char *sha, char *err, size_t errlen)
{
	memset(x, 0, sizeof *x);
	x->fd = x->dirfd = -1;
	if (!xfer_sha_ok(sha) || size > XFER_MAX_SIZE) {
		snprintf(err, errlen, "bad checksum or size");
		close(fd);
		return -1;
	}
	x->fd = fd;
	x->name = xstrdup(name);
	x->size = size;
	x->mode = xfer_mode(mode, 0);
	memcpy(x->want, sha, 65);
	x->md = sha256_new();
	x->uid = x->gid = (uid_t)-1;
	return 0;
}

int
xfer_in_active(const struct xfer_in *x)
{
	return x->fd >= 0;
}

static void
xfer_in_close(struct xfer_in *x)
{
	if (x->md != NULL)
		sha256_free(x->md);
	if (x->fd >= 0)
		close(x->fd);
	if (x->dirfd >= 0)
		close(x->dirfd);
	free(x->name);
	free(x->part);
	memset(x, 0, sizeof *x);
	x->fd = x->dirfd = -1;
}

void
xfer_in_scratch(struct xfer_in *x)
{
	x->scratch = 1;
}

void
xfer_in_abort(struct xfer_in *x)
{
	if (x->fd < 0)
		return;
	if (x->dirfd >= 0)
		unlinkat(x->dirfd, x->part, 0);
	xfer_in_close(x);
}

/* The whole file is here: check, make durable, put in place. */
static int
xfer_in_finish(struct xfer_in *x, char *err, size_t errlen)
{
	struct xfer_id	 id;
	struct stat	 xsb;
	char		 got[65];
	int		 rc;

	xfer_md_done(x->md, got);
	x->md = NULL;
	if (strcmp(got, x->want) != 0) {
		snprintf(err, errlen, "%s: checksum mismatch", x->name);
		xfer_in_abort(x);
		return -1;
	}
	/* Remember the checksum: a spool file is sent on without rehashing. */
	(void)fsetxattr(x->fd, XFER_XATTR, got, 64, 0);
	/* Made with its mode already by someone else (the agent's parent,
	 * as the job's user): a chmod would be refused, and is not needed. */
	if ((fstat(x->fd, &xsb) == -1 || (xsb.st_mode & 07777) != x->mode) &&
	    fchmod(x->fd, x->mode) == -1) {
		snprintf(err, errlen, "%s: %s", x->name, strerror(errno));
		xfer_in_abort(x);
		return -1;
	}
	if ((!x->scratch &&
	    fsync(x->fd) == -1)) {
		snprintf(err, errlen, "%s: %s", x->name, strerror(errno));
		xfer_in_abort(x);
		return -1;
	}
	if (x->dirfd < 0) {
		/* xfer_in_open_fd(): the caller names the file. */
		xfer_in_close(x);
		return 1;
	}
	xfer_become(&id, x->uid, x->gid);
	rc = renameat(x->dirfd, x->part, x->dirfd, x->name);
	xfer_unbecome(&id);
	if (rc == -1 || (!x->scratch && fsync(x->dirfd) == -1)) {
		snprintf(err, errlen, "%s: %s", x->name, strerror(errno));
		xfer_in_abort(x);
		return -1;
	}
	xfer_in_close(x);
	return 1;
}

int
xfer_in_data(struct xfer_in *x, const void *buf, size_t len, char *err,
    size_t errlen)
{
	const char	*p = buf;
	ssize_t		 n;

	if (x->fd < 0) {
		snprintf(err, errlen, "no file is being received");
		return -1;
	}
	if (len > x->size - x->got) {
		snprintf(err, errlen, "%s: more data than announced", x->name);
		xfer_in_abort(x);
		return -1;
	}
	sha256_update(x->md, buf, len);
	while (len > 0) {
		n = write(x->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", x->name,
			    strerror(errno));
			xfer_in_abort(x);
			return -1;
		}
		p += n;
		len -= (size_t)n;
		x->got += (uint64_t)n;
	}
	/* Start writeback as we go, so the final fsync is short. */
	if (!x->scratch && x->got - x->flushed >= XFER_FLUSH) {
		(void)sync_file_range(x->fd, (off_t)x->flushed,
		    (off_t)(x->got - x->flushed), SYNC_FILE_RANGE_WRITE);
		x->flushed = x->got;
	}
	if (x->got == x->size)
		return xfer_in_finish(x, err, errlen);
	return 0;
}

int
xfer_mkdir(const char *root, const char *rel, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	struct xfer_id	 id;
	const char	*last;
	char		*withslash;
	int		 fd;

	if (!xfer_path_ok(rel)) {
		snprintf(err, errlen, "bad directory path");
		return -1;
	}
	/* Walk "REL/" so that every component of REL is made. */
	xasprintf(&withslash, "%s/", rel);
	xfer_become(&id, uid, gid);
	fd = xfer_walk(root, withslash, 1, &last);
	xfer_unbecome(&id);
	free(withslash);
	if (fd == -1) {
		snprintf(err, errlen, "%s/%s: %s", root, rel, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Remove NAME under DFD and what is below it, following no link; see xfer.h. */
int
xfer_rmtree_at(int dfd, const char *name)
{
	DIR		*d;
	struct dirent	*e;
	int		 fd, rc = 0;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;	/* gone meanwhile */
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (xfer_rmtree_at(dirfd(d), e->d_name) == -1)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}

int
xfer_rmtree(const char *path)
{
	return xfer_rmtree_at(AT_FDCWD, path);
}

static int
xfer_sweep_at(int dfd)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 len, sl = sizeof XFER_PART - 1;
	int		 n = 0, fd;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		len = strlen(e->d_name);
		if (len > sl && strcmp(e->d_name + len - sl, XFER_PART) == 0) {
			if (unlinkat(dirfd(d), e->d_name, 0) == 0)
				n++;
			continue;
		}
		if ((fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) != -1)
			n += xfer_sweep_at(fd);
	}
	closedir(d);
	return n;
}

int
xfer_sweep_parts(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	return xfer_sweep_at(fd);
}
