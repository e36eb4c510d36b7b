/*
 * sandbox.c: the agent's job sandboxes.  A job whose files travel runs in
 * a fresh directory sandbox_dir/<job>.r<run>, owned by the job's user
 * (sandbox_dir/<job> for a CRIU job: the same path on every agent, as a
 * restore needs, see docs/criu.md);
 * the scheduler streams the inputs (and the latest checkpoint) into it,
 * each file written as NAME.cq-part and renamed only once its checksum
 * matched (common/xfer.c), as the job's user, never following a symlink,
 * with no mode bit the owner's umask (from the submit) takes away and no
 * setuid, setgid or sticky bit;
 * without fsync, as a sandbox is scratch space that a restarted agent
 * removes (the spool keeps the durable copy).
 * jobs.c starts the job once the announced count of files has arrived,
 * and sends the outputs or checkpoint files listed here back before it
 * reports the exit; the directory goes once the scheduler acknowledged
 * that exit.  At start-up every leftover sandbox is removed: a restarted
 * agent has killed the jobs of the one before it.  Data for a job or run
 * that is not waiting for files here is discarded (a stale order).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "jobdesc.h"
#include "jobs.h"
#include "jsonx.h"
#include "log.h"
#include "mkdirs.h"
#include "sandbox.h"
#include "startd.h"
#include "xfer.h"
#include "xferq.h"
#include "xmalloc.h"

#define SANDBOX_MAX_SNAP	100000

struct snap {
	char		*name;
	int64_t		 mtime_ns;
	off_t		 size;
};

struct sandbox {
	char		*path;
	uid_t		 uid;
	gid_t		 gid;
	mode_t		 umask;		/* the job owner's, for what arrives */
	struct snap	*snap;
	size_t		 nsnap;
};

/* The file arriving on the link. */
static struct {
	struct xfer_in	 in;
	uint32_t	 reqid;
	int		 receiving;
	uint64_t	 discard;
	char		 job[32];
	uint32_t	 run;
} rx = { .in = { .fd = -1, .dirfd = -1 } };

static const char	*sandbox_dir;

void
sandbox_init(void)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;
	int		 n = 0;

	sandbox_dir = cfg_str(st->cfg, "sandbox_dir");
	if ((d = opendir(sandbox_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", sandbox_dir, e->d_name);
		if (xfer_rmtree(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	if (n > 0)
		log_info("sandbox: removed %d leftover sandbox(es)", n);
}

struct sandbox *
sandbox_new(const char *job, uint32_t run, uid_t uid, gid_t gid,
    mode_t umask, int byjob, char *err, size_t errlen)
{
	struct sandbox	*sb;

	if (mkdirs(sandbox_dir, 0711) == -1) {
		snprintf(err, errlen, "sandbox_dir %s: %s", sandbox_dir,
		    strerror(errno));
		return NULL;
	}
	sb = xcalloc(1, sizeof *sb);
	if (byjob)
		xasprintf(&sb->path, "%s/%s", sandbox_dir, job);
	else
		xasprintf(&sb->path, "%s/%s.r%u", sandbox_dir, job, run);
	xfer_rmtree(sb->path);
	if (mkdir(sb->path, 0700) == -1 ||
	    (uid != (uid_t)-1 && geteuid() == 0 &&
	    chown(sb->path, uid, gid) == -1)) {
		snprintf(err, errlen, "sandbox %s: %s", sb->path,
		    strerror(errno));
		free(sb->path);
		free(sb);
		return NULL;
	}
	sb->uid = uid;
	sb->gid = gid;
	sb->umask = umask & 0777;
	return sb;
}

void
sandbox_free(struct sandbox *sb, int remove)
{
	size_t	i;

	if (sb == NULL)
		return;
	if (remove && xfer_rmtree(sb->path) == -1)
		log_warn("sandbox %s: cannot remove", sb->path);
	for (i = 0; i < sb->nsnap; i++)
		free(sb->snap[i].name);
	free(sb->snap);
	free(sb->path);
	free(sb);
}

const char *
sandbox_path(const struct sandbox *sb)
{
	return sb->path;
}

void
sandbox_snapshot(struct sandbox *sb)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 s;
	size_t		 i;

	for (i = 0; i < sb->nsnap; i++)
		free(sb->snap[i].name);
	sb->nsnap = 0;
	if ((d = opendir(sb->path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && sb->nsnap < SANDBOX_MAX_SNAP) {
		if (fstatat(dirfd(d), e->d_name, &s, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(s.st_mode))
			continue;
		sb->snap = xreallocarray(sb->snap, sb->nsnap + 1,
		    sizeof *sb->snap);
		sb->snap[sb->nsnap].name = xstrdup(e->d_name);
		sb->snap[sb->nsnap].mtime_ns = (int64_t)s.st_mtim.tv_sec *
		    1000000000 + s.st_mtim.tv_nsec;
		sb->snap[sb->nsnap].size = s.st_size;
		sb->nsnap++;
	}
	closedir(d);
}

/* 1 if NAME (with stat S) is new or changed since the snapshot. */
static int
sandbox_changed(const struct sandbox *sb, const char *name,
    const struct stat *s)
{
	size_t	i;

	for (i = 0; i < sb->nsnap; i++)
		if (strcmp(sb->snap[i].name, name) == 0)
			return sb->snap[i].size != s->st_size ||
			    sb->snap[i].mtime_ns != (int64_t)s->st_mtim.tv_sec
			    * 1000000000 + s->st_mtim.tv_nsec;
	return 1;
}

struct sendctx {
	struct xferq	*q;
	const char	*job;
	uint32_t	 run;
	const char	*kind;
	int		 n;
};

/*
 * 1 if no directory on the way from SB to REL is a symlink: a job could
 * plant one to have the agent (maybe root) send a file that is not its
 * own.  The job is dead by now (its cgroup killed), so nothing changes
 * the tree between this check and the open.
 */
static int
sandbox_inside(const struct sandbox *sb, const char *rel)
{
	struct stat	 s;
	const char	*slash;
	char		*p;
	int		 ok = 1;

	for (slash = strchr(rel, '/'); ok && slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		xasprintf(&p, "%s/%.*s", sb->path, (int)(slash - rel), rel);
		ok = lstat(p, &s) == 0 && S_ISDIR(s.st_mode);
		free(p);
	}
	return ok;
}

/* Queue the file or tree at SB/REL (symlinks are never followed); -1 if
 * there is none. */
static int
sandbox_add(struct sandbox *sb, struct sendctx *c, const char *rel)
{
	struct stat	 s;
	DIR		*d;
	struct dirent	*e;
	char		*abs, *r2;
	int		 any = 0;

	if (!xfer_path_ok(rel) || !sandbox_inside(sb, rel)) {
		log_warnx("sandbox %s: %s is not a path inside it", sb->path,
		    rel);
		return -1;
	}
	xasprintf(&abs, "%s/%s", sb->path, rel);
	if (lstat(abs, &s) == -1 || (!S_ISREG(s.st_mode) &&
	    !S_ISDIR(s.st_mode))) {
		log_info("sandbox %s: no %s to send", sb->path, rel);
		free(abs);
		return -1;
	}
	if (S_ISREG(s.st_mode)) {
		xferq_add(c->q, c->job, c->run, c->kind, abs, rel);
		c->n++;
	} else if (S_ISDIR(s.st_mode) && (d = opendir(abs)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			any = 1;
			xasprintf(&r2, "%s/%s", rel, e->d_name);
			(void)sandbox_add(sb, c, r2);
			free(r2);
		}
		closedir(d);
		if (!any) {
			xferq_add(c->q, c->job, c->run, c->kind, NULL, rel);
			c->n++;
		}
	}
	free(abs);
	return 0;
}

/* Queue every top-level entry of SB but the inputs the scheduler keeps. */
static void
sandbox_add_all(struct sandbox *sb, struct sendctx *c, const char *exe,
    int changed_only)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 s;

	if ((d = opendir(sb->path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, SANDBOX_STDIN) == 0 ||
		    (exe != NULL && strcmp(e->d_name, exe) == 0))
			continue;
		if (changed_only) {
			/* Outputs: new or changed top-level files only. */
			if (strncmp(e->d_name, "_cq_", 4) == 0 ||
			    fstatat(dirfd(d), e->d_name, &s,
			    AT_SYMLINK_NOFOLLOW) == -1 ||
			    !S_ISREG(s.st_mode) ||
			    !sandbox_changed(sb, e->d_name, &s))
				continue;
		}
		(void)sandbox_add(sb, c, e->d_name);
	}
	closedir(d);
}

int
sandbox_send(struct sandbox *sb, const struct jobdesc *d, const char *exe,
    struct xferq *q, const char *job, uint32_t run, int ckpt, char **missing)
{
	struct sendctx	 c;
	size_t		 i;

	c.q = q;
	c.job = job;
	c.run = run;
	c.kind = ckpt ? "checkpoint" : "output";
	c.n = 0;
	if ((ckpt == 1 && d->nckpt_files == 0) || ckpt == 3) {
		sandbox_add_all(sb, &c, exe, 0);
		return c.n;
	}
	if (ckpt == 1) {
		for (i = 0; i < d->nckpt_files; i++)
			(void)sandbox_add(sb, &c, d->ckpt_files[i]);
	} else if (d->xfer_out != NULL) {
		for (i = 0; i < d->nxfer_out; i++)
			if (sandbox_add(sb, &c, d->xfer_out[i]) == -1 &&
			    ckpt == 0 && missing != NULL && *missing == NULL)
				*missing = xstrdup(d->xfer_out[i]);
	} else
		sandbox_add_all(sb, &c, exe, 1);
	if (d->output != NULL)
		(void)sandbox_add(sb, &c, SANDBOX_STDOUT);
	if (d->error != NULL && (d->output == NULL ||
	    strcmp(d->output, d->error) != 0))
		(void)sandbox_add(sb, &c, SANDBOX_STDERR);
	return c.n;
}

/* --- files from the scheduler ----------------------------------------- */

void
sandbox_file(uint32_t reqid, struct json_object *msg)
{
	struct sandbox	*sb;
	const char	*id = jsonx_str(msg, "job", "");
	const char	*rel = jsonx_str(msg, "path", "");
	const char	*kind = jsonx_str(msg, "kind", "");
	int64_t		 size = jsonx_int(msg, "size", -1);
	uint32_t	 run = (uint32_t)jsonx_int(msg, "run", 0);
	char		 err[512] = "";
	mode_t		 old;
	int		 r;

	if (rx.receiving || rx.discard > 0 || size < 0 ||
	    (uint64_t)size > XFER_MAX_SIZE) {
		log_warnx("link: unexpected file announcement");
		rx.discard = size > 0 ? (uint64_t)size : 0;
		return;
	}
	rx.reqid = reqid;
	strlcpy(rx.job, id, sizeof rx.job);
	rx.run = run;
	sb = jobs_sandbox(id, run);
	if (sb == NULL || !xfer_path_ok(rel) ||
	    (strcmp(kind, "input") != 0 && strcmp(kind, "checkpoint") != 0)) {
		if (sb != NULL)
			jobs_file_done(id, run, 0, "bad file announcement");
		else
			log_info("file %s for job %s run %u: not expected "
			    "here, discarded", rel, id, run);
		rx.discard = (uint64_t)size;
		return;
	}
	/* Directories and files within the owner's umask, no setuid. */
	old = umask(sb->umask);
	if (jsonx_bool(msg, "dir", 0)) {
		r = xfer_mkdir(sb->path, rel, sb->uid, sb->gid, err,
		    sizeof err);
		umask(old);
		jobs_file_done(id, run, r == 0, err);
		rx.discard = (uint64_t)size;
		return;
	}
	r = xfer_in_open(&rx.in, sb->path, rel, (uint64_t)size,
	    xfer_mode((mode_t)jsonx_int(msg, "mode", 0644), sb->umask),
	    jsonx_str(msg, "sha256", ""), sb->uid, sb->gid, err, sizeof err);
	umask(old);
	if (r == -1) {
		jobs_file_done(id, run, 0, err);
		rx.discard = (uint64_t)size;
		return;
	}
	/* A crashed agent removes its sandboxes: no fsync needed here. */
	xfer_in_scratch(&rx.in);
	rx.receiving = 1;
	if (size == 0) {
		rx.receiving = 0;
		r = xfer_in_data(&rx.in, "", 0, err, sizeof err);
		jobs_file_done(id, run, r == 1, err);
	}
}

int
sandbox_data(uint32_t reqid, const void *raw, size_t len)
{
	char	err[512];
	int	r;

	if (reqid != rx.reqid || (!rx.receiving && rx.discard == 0))
		return -1;
	if (rx.discard > 0) {
		if (len > rx.discard)
			return -1;
		rx.discard -= len;
		return 0;
	}
	if ((r = xfer_in_data(&rx.in, raw, len, err, sizeof err)) == 0)
		return 0;
	rx.receiving = 0;
	jobs_file_done(rx.job, rx.run, r == 1, err);
	return 0;
}

void
sandbox_link_closed(void)
{
	xfer_in_abort(&rx.in);
	rx.receiving = 0;
	rx.discard = 0;
}
