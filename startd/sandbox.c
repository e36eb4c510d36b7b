/*
 * sandbox.c: the agent's job sandboxes.  A job whose files travel runs in
 * a fresh directory sandbox_dir/<job>.r<run>, mode 0700 and owned by the
 * job's user (sandbox_dir/<job> for a CRIU job: the same path on every
 * agent, as a restore needs, see docs/criu.md).
 * The agent holds an O_DIRECTORY descriptor of each sandbox, and every
 * file it reads, writes, lists or removes there goes through startd/sbfs.c
 * from that descriptor, following no symlink anywhere on the path: the
 * job, and its owner outside the job, may change the tree at any moment
 * and still cannot point the agent outside it.
 * The scheduler streams the inputs (and the latest checkpoint) in, each
 * file written as NAME.cq-part and renamed only once its checksum
 * matched (common/xfer.c), as the job's user, with no mode bit the
 * owner's umask (from the submit) takes away and no setuid, setgid or
 * sticky bit; without fsync, as a sandbox is scratch space that a
 * restarted agent removes (the spool keeps the durable copy).
 * jobs.c starts the job once the announced count of files has arrived,
 * and sends the outputs or checkpoint files listed here back before it
 * reports the exit: each is opened (through sbfs) when its turn to be
 * sent comes, and what is sent is that open file.  The directory goes
 * once the scheduler acknowledged that exit.  At start-up every leftover
 * sandbox is removed: a restarted agent has killed the jobs of the one
 * before it.  Data for a job or run that is not waiting for files here is
 * discarded (a stale order).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentmsg.h"
#include "cfg.h"
#include "jobdesc.h"
#include "jobs.h"
#include "log.h"
#include "psbx.h"
#include "sandbox.h"
#include "sbfs.h"
#include "startd.h"
#include "xfer.h"
#include "xferq.h"
#include "xmalloc.h"

struct snap {
	char		*name;
	int64_t		 mtime_ns;
	off_t		 size;
};

/*
 * A sandbox's directory descriptor, shared by the sandbox and the files
 * queued or arriving for it: closed when the last of them lets it go, so
 * that a transfer never reads through a number reused for another file.
 */
struct sbroot {
	int		 fd;
	int		 refs;
	uid_t		 uid;
	char		*path;		/* for messages */
};

struct sandbox {
	char		*path;
	char		*name;		/* under sandbox_dir */
	struct sbroot	*root;
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
	struct sbroot	*root;		/* while receiving */
	char		*rel;
	char		*part;		/* REL.cq-part */
	uid_t		 uid;
	gid_t		 gid;
} rx = { .in = { .fd = -1, .dirfd = -1 } };

static const char	*sandbox_dir;

static void
sandbox_root_ref(void *arg)
{
	struct sbroot	*r = arg;

	r->refs++;
}

static void
sandbox_root_unref(void *arg)
{
	struct sbroot	*r = arg;

	if (r == NULL || --r->refs > 0)
		return;
	psbxc_close(r->fd);
	free(r->path);
	free(r);
}

void
sandbox_init(void)
{
	int	n;

	sandbox_dir = cfg_str(st->cfg, "sandbox_dir");
	log_info("sandbox: paths are opened with %s", sbfs_openat2() ?
	    "openat2 (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)" :
	    "a component walk (O_NOFOLLOW on each)");
	/* The parent removes what a crashed agent left. */
	if ((n = psbxc_sweep()) == -1)
		log_warnx("sandbox_dir %s: %s", sandbox_dir,
		    sbfs_strerror(errno));
	else if (n > 0)
		log_info("sandbox: removed %d leftover sandbox(es)", n);
}

struct sandbox *
sandbox_new(const char *job, uint32_t run, const char *owner,
    long long sched_uid, int slot, mode_t umask, int byjob, char *err,
    size_t errlen)
{
	struct sandbox	*sb;
	uid_t		 uid;
	gid_t		 gid;
	int		 id;

	/* The parent makes it, for the user it picks itself. */
	if ((id = psbxc_make(job, run, byjob, owner, sched_uid, slot, &uid,
	    &gid, err, errlen)) == -1)
		return NULL;
	sb = xcalloc(1, sizeof *sb);
	if (byjob)
		xasprintf(&sb->name, "%s", job);
	else
		xasprintf(&sb->name, "%s.r%u", job, run);
	xasprintf(&sb->path, "%s/%s", sandbox_dir, sb->name);
	sb->root = xcalloc(1, sizeof *sb->root);
	sb->root->fd = id;
	sb->root->refs = 1;
	sb->root->uid = uid;
	sb->root->path = xstrdup(sb->path);
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
	if (remove && psbxc_destroy(sb->root->fd) == -1)
		log_warnx("sandbox %s: cannot remove: %s", sb->path,
		    sbfs_strerror(errno));
	sandbox_root_unref(sb->root);
	for (i = 0; i < sb->nsnap; i++)
		free(sb->snap[i].name);
	free(sb->snap);
	free(sb->name);
	free(sb->path);
	free(sb);
}

int
sandbox_has_file(const struct sandbox *sb, const char *rel)
{
	struct sbfs_ent	e;

	return psbxc_stat(sb->root->fd, rel, &e) == 0 && e.type == SBFS_REG;
}

int
sandbox_remove(struct sandbox *sb, const char *rel)
{
	if (psbxc_remove(sb->root->fd, rel) == -1) {
		log_warnx("sandbox %s: %s: %s", sb->path, rel,
		    sbfs_strerror(errno));
		return -1;
	}
	return 0;
}

const char *
sandbox_path(const struct sandbox *sb)
{
	return sb->path;
}

void
sandbox_snapshot(struct sandbox *sb)
{
	struct sbfs_ent	*e;
	size_t		 ne, i;

	for (i = 0; i < sb->nsnap; i++)
		free(sb->snap[i].name);
	sb->nsnap = 0;
	if (psbxc_list(sb->root->fd, ".", &e, &ne) == -1) {
		log_warnx("sandbox %s: %s", sb->path, sbfs_strerror(errno));
		return;
	}
	for (i = 0; i < ne; i++) {
		if (e[i].type != SBFS_REG)
			continue;
		sb->snap = xreallocarray(sb->snap, sb->nsnap + 1,
		    sizeof *sb->snap);
		sb->snap[sb->nsnap].name = xstrdup(e[i].name);
		sb->snap[sb->nsnap].mtime_ns = e[i].mtime_ns;
		sb->snap[sb->nsnap].size = e[i].size;
		sb->nsnap++;
	}
	sbfs_list_free(e, ne);
}

/* 1 if NAME (listed as E) is new or changed since the snapshot. */
static int
sandbox_changed(const struct sandbox *sb, const char *name,
    const struct sbfs_ent *e)
{
	size_t	i;

	for (i = 0; i < sb->nsnap; i++)
		if (strcmp(sb->snap[i].name, name) == 0)
			return sb->snap[i].size != e->size ||
			    sb->snap[i].mtime_ns != e->mtime_ns;
	return 1;
}

struct sendctx {
	struct xferq	*q;
	const char	*job;
	uint32_t	 run;
	const char	*kind;
	int		 n;
};

/* xferq_src open: the file REL of the sandbox, through sbfs. */
static int
sandbox_src_open(void *arg, const char *rel, char *err, size_t errlen)
{
	struct sbroot	*r = arg;
	int		 fd;

	if ((fd = psbxc_open_read(r->fd, rel)) == -1)
		snprintf(err, errlen, "%s in sandbox %s: refused: %s", rel,
		    r->path, sbfs_strerror(errno));
	return fd;
}

/* Queue the file or tree at SB/REL (symlinks are never followed); -1 if
 * there is none. */
static int
sandbox_add(struct sandbox *sb, struct sendctx *c, const char *rel)
{
	struct xferq_src	 from;
	struct sbfs_ent		 s, *e;
	size_t			 ne, i;
	char			*r2;

	if (!xfer_path_ok(rel)) {
		log_warnx("sandbox %s: %s is not a path inside it", sb->path,
		    rel);
		return -1;
	}
	if (psbxc_stat(sb->root->fd, rel, &s) == -1) {
		if (errno == ENOENT)
			log_info("sandbox %s: no %s to send", sb->path, rel);
		else
			log_warnx("sandbox %s: %s not sent: %s", sb->path, rel,
			    sbfs_strerror(errno));
		return -1;
	}
	if (s.type != SBFS_REG && s.type != SBFS_DIR) {
		log_info("sandbox %s: %s is %s: not sent", sb->path, rel,
		    s.type == SBFS_LNK ? "a symbolic link" :
		    "not a regular file");
		return -1;
	}
	if (s.type == SBFS_REG) {
		/* Opened when its turn comes, from the sandbox's fd. */
		from.open = sandbox_src_open;
		from.ref = sandbox_root_ref;
		from.unref = sandbox_root_unref;
		from.arg = sb->root;
		xferq_add_from(c->q, c->job, c->run, c->kind, &from, rel, rel);
		c->n++;
		return 0;
	}
	if (psbxc_list(sb->root->fd, rel, &e, &ne) == -1) {
		log_warnx("sandbox %s: %s not sent: %s", sb->path, rel,
		    sbfs_strerror(errno));
		return -1;
	}
	for (i = 0; i < ne; i++) {
		xasprintf(&r2, "%s/%s", rel, e[i].name);
		(void)sandbox_add(sb, c, r2);
		free(r2);
	}
	if (ne == 0) {
		xferq_add(c->q, c->job, c->run, c->kind, NULL, rel);
		c->n++;
	}
	sbfs_list_free(e, ne);
	return 0;
}

/* Queue every top-level entry of SB but the inputs the scheduler keeps. */
static void
sandbox_add_all(struct sandbox *sb, struct sendctx *c, const char *exe,
    int changed_only)
{
	struct sbfs_ent	*e;
	size_t		 ne, i;

	if (psbxc_list(sb->root->fd, ".", &e, &ne) == -1) {
		log_warnx("sandbox %s: %s", sb->path, sbfs_strerror(errno));
		return;
	}
	for (i = 0; i < ne; i++) {
		if (strcmp(e[i].name, SANDBOX_STDIN) == 0 ||
		    (exe != NULL && strcmp(e[i].name, exe) == 0))
			continue;
		/* Outputs: new or changed top-level files only. */
		if (changed_only && (strncmp(e[i].name, "_cq_", 4) == 0 ||
		    e[i].type != SBFS_REG ||
		    !sandbox_changed(sb, e[i].name, &e[i])))
			continue;
		(void)sandbox_add(sb, c, e[i].name);
	}
	sbfs_list_free(e, ne);
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

/* The file being received is over: let go of its names and its root,
 * removing the part file if REMOVE. */
static void
sandbox_rx_end(int remove)
{
	if (remove && rx.root != NULL && rx.part != NULL &&
	    psbxc_remove(rx.root->fd, rx.part) == -1)
		log_warnx("sandbox %s: %s: %s", rx.root->path, rx.part,
		    sbfs_strerror(errno));
	sandbox_root_unref(rx.root);
	rx.root = NULL;
	free(rx.rel);
	free(rx.part);
	rx.rel = rx.part = NULL;
}

/* Start receiving REL into SB as REL.cq-part; 0, or -1 with ERR. */
static int
sandbox_rx_open(struct sandbox *sb, const char *rel, uint64_t size,
    mode_t mode, const char *sha, char *err, size_t errlen)
{
	const char	*slash;
	char		*dir;
	int		 fd, r;

	/* Directories and files within the owner's umask, no setuid. */
	if ((slash = strrchr(rel, '/')) != NULL) {
		xasprintf(&dir, "%.*s", (int)(slash - rel), rel);
		r = psbxc_mkdirs(sb->root->fd, dir, 0755 & ~sb->umask);
		free(dir);
		if (r == -1) {
			snprintf(err, errlen, "%.400s: %s", rel,
			    sbfs_strerror(errno));
			return -1;
		}
	}
	xasprintf(&rx.part, "%s%s", rel, XFER_PART);
	rx.root = sb->root;
	sandbox_root_ref(rx.root);
	if ((fd = psbxc_create(sb->root->fd, rx.part, SBFS_TRUNC,
	    xfer_mode(mode, sb->umask))) == -1) {
		snprintf(err, errlen, "%.400s: %s", rel,
		    sbfs_strerror(errno));
		sandbox_rx_end(0);
		return -1;
	}
	if (xfer_in_open_fd(&rx.in, fd, rel, size, xfer_mode(mode, sb->umask),
	    sha, err, errlen) == -1) {
		sandbox_rx_end(1);
		return -1;
	}
	/* A crashed agent removes its sandboxes: no fsync needed here. */
	xfer_in_scratch(&rx.in);
	rx.rel = xstrdup(rel);
	rx.uid = sb->uid;
	rx.gid = sb->gid;
	return 0;
}

/* Bytes of the file being received: 1 when it is complete and in place,
 * 0 when more is due, -1 with ERR (nothing is left behind). */
static int
sandbox_rx_data(const void *raw, size_t len, char *err, size_t errlen)
{
	int	r;

	if ((r = xfer_in_data(&rx.in, raw, len, err, errlen)) == 0)
		return 0;
	if (r == 1 && psbxc_rename(rx.root->fd, rx.part, rx.rel) == -1) {
		snprintf(err, errlen, "%s: %s", rx.rel, sbfs_strerror(errno));
		r = -1;
	}
	sandbox_rx_end(r == -1);
	return r;
}

void
sandbox_file(uint32_t reqid, const struct agentmsg_file *f)
{
	struct sandbox	*sb;
	const char	*id = f->job;
	const char	*rel = f->path;
	int64_t		 size = f->size;
	uint32_t	 run = f->run;
	char		 err[512] = "";
	int		 r;

	/* agentmsg.c checked the size (0 to XFER_MAX_SIZE). */
	if (rx.receiving || rx.discard > 0) {
		log_warnx("link: unexpected file announcement");
		rx.discard = size > 0 ? (uint64_t)size : 0;
		return;
	}
	rx.reqid = reqid;
	strlcpy(rx.job, id, sizeof rx.job);
	rx.run = run;
	sb = jobs_sandbox(id, run);
	if (sb == NULL || !xfer_path_ok(rel) ||
	    f->kind == AGENTMSG_FILE_OUTPUT) {
		if (sb != NULL)
			jobs_file_done(id, run, 0, "bad file announcement");
		else
			log_info("file %s for job %s run %u: not expected "
			    "here, discarded", rel, id, run);
		rx.discard = (uint64_t)size;
		return;
	}
	if (f->dir) {
		r = psbxc_mkdirs(sb->root->fd, rel, 0755 & ~sb->umask);
		if (r == -1)
			snprintf(err, sizeof err, "%.400s: %s", rel,
			    sbfs_strerror(errno));
		jobs_file_done(id, run, r == 0, err);
		rx.discard = (uint64_t)size;
		return;
	}
	if (sandbox_rx_open(sb, rel, (uint64_t)size,
	    (mode_t)f->mode, f->sha256, err, sizeof err) == -1) {
		jobs_file_done(id, run, 0, err);
		rx.discard = (uint64_t)size;
		return;
	}
	rx.receiving = 1;
	if (size == 0) {
		rx.receiving = 0;
		r = sandbox_rx_data("", 0, err, sizeof err);
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
	if ((r = sandbox_rx_data(raw, len, err, sizeof err)) == 0)
		return 0;
	rx.receiving = 0;
	jobs_file_done(rx.job, rx.run, r == 1, err);
	return 0;
}

void
sandbox_link_closed(void)
{
	xfer_in_abort(&rx.in);
	if (rx.root != NULL)
		sandbox_rx_end(1);
	rx.receiving = 0;
	rx.discard = 0;
}
