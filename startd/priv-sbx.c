/*
 * priv-sbx.c: the parent's side of the sandbox requests (psbx.h).  The
 * parent makes each run's sandbox under sandbox_dir (0700, then the job's
 * user's, whom it picks itself): the run enters the parent's table of
 * runs then (priv-run.c), holding the sandbox's directory descriptor,
 * and its number goes back.  Every later request names the number and
 * the run it was made for; a number not open, or another run's, is
 * refused and logged.  The file operations run beneath that descriptor
 * with sbfs.h (no symlink, nothing outside), as the run's user where
 * sbfs.h switches users.  A sandbox is not removed while its job runs;
 * closing it forgets the run once its process is gone too.  Descriptors
 * go back with SCM_RIGHTS; a listing goes back in a memfd.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "mkdirs.h"
#include "priv.h"
#include "psbx.h"
#include "startd.h"
#include "xmalloc.h"

static struct {
	struct event	 *ev;
	int		  sock;
	const char	 *dir;
	int		  swept;
	struct priv_run	**sbs;		/* by sandbox number; NULL: free */
	size_t		  nsbs;
} ps = { .sock = -1 };

static int
psbx_dir_open(void)
{
	return open(ps.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static struct priv_run *
psbx_find(uint32_t id)
{
	return id < ps.nsbs ? ps.sbs[id] : NULL;
}

static int
psbx_sweep(void)
{
	struct sbfs_ent	*e;
	size_t		 i, ne;
	int		 dfd, n = 0;

	if (ps.swept++) {
		errno = EPERM;
		return -1;
	}
	if ((dfd = psbx_dir_open()) == -1)
		return errno == ENOENT ? 0 : -1;
	if (sbfs_list(dfd, ".", &e, &ne) == -1) {
		close(dfd);
		return -1;
	}
	for (i = 0; i < ne; i++)
		if (sbfs_remove(dfd, e[i].name) == 0)
			n++;
		else
			log_warnx("sandbox %s/%s: cannot remove: %s", ps.dir,
			    e[i].name, sbfs_strerror(errno));
	sbfs_list_free(e, ne);
	close(dfd);
	return n;
}

/*
 * A run's sandbox, Q's and S's (job, owner): the run comes into the
 * parent's table now (priv_run_new(): its user picked here), its
 * directory is made 0700 and given to that user, and its number goes
 * back.  A run known already, or another's directory, is refused.
 */
static int
psbx_make(const struct psbx_req *q, char *const *s, struct psbx_rep *r)
{
	struct priv_run	*run;
	char		 name[SBFS_MAX_PATH];
	size_t		 i;
	int		 dfd, fd = -1;

	if (!sbfs_path_ok(s[0], 0) || strchr(s[0], '/') != NULL) {
		snprintf(r->msg, sizeof r->msg, "bad job id");
		errno = EINVAL;
		return -1;
	}
	if ((run = priv_run_find(s[0], q->run)) != NULL) {
		snprintf(r->msg, sizeof r->msg, "job %s run %u is known "
		    "already (%s)", run->job, run->run,
		    priv_run_state_str(run->state));
		errno = EEXIST;
		return -1;
	}
	if (q->byjob)
		snprintf(name, sizeof name, "%s", s[0]);
	else
		snprintf(name, sizeof name, "%s.r%u", s[0], q->run);
	/* Never another live sandbox's directory. */
	for (i = 0; i < ps.nsbs; i++)
		if (ps.sbs[i] != NULL && strcmp(strrchr(ps.sbs[i]->path, '/') +
		    1, name) == 0) {
			snprintf(r->msg, sizeof r->msg, "sandbox %s/%.100s: "
			    "in use by job %s run %u", ps.dir, name,
			    ps.sbs[i]->job, ps.sbs[i]->run);
			errno = EBUSY;
			return -1;
		}
	if ((run = priv_run_new(s[0], q->run, q->slot, s[1],
	    (long long)q->sched_uid, r->msg, sizeof r->msg)) == NULL)
		return -1;
	if (mkdirs(ps.dir, 0711) == -1 || (dfd = psbx_dir_open()) == -1) {
		snprintf(r->msg, sizeof r->msg, "sandbox_dir %s: %s", ps.dir,
		    strerror(errno));
		priv_run_drop(run);
		return -1;
	}
	/* Ours alone (0700, whatever our umask), then the job's user's. */
	if (sbfs_remove(dfd, name) == -1 ||
	    sbfs_mkdirs(dfd, name, 0700, (uid_t)-1, (gid_t)-1) == -1 ||
	    (fd = sbfs_open_dir(dfd, name)) == -1 ||
	    (run->uid != (uid_t)-1 && fchown(fd, run->uid, run->gid) == -1)) {
		snprintf(r->msg, sizeof r->msg, "sandbox %s/%.100s: %s", ps.dir,
		    name, sbfs_strerror(errno));
		if (fd != -1)
			close(fd);
		close(dfd);
		priv_run_drop(run);
		return -1;
	}
	close(dfd);
	for (i = 0; i < ps.nsbs && ps.sbs[i] != NULL; i++)
		;
	if (i == ps.nsbs) {
		ps.sbs = xreallocarray(ps.sbs, ps.nsbs + 16, sizeof *ps.sbs);
		memset(ps.sbs + ps.nsbs, 0, 16 * sizeof *ps.sbs);
		ps.nsbs += 16;
	}
	ps.sbs[i] = run;
	run->sbx = (int)i;
	run->dirfd = fd;
	xasprintf(&run->path, "%s/%s", ps.dir, name);
	r->id = (uint32_t)i;
	r->uid = (uint32_t)run->uid;
	r->gid = (uint32_t)run->gid;
	log_debug("priv: job %s run %u: sandbox %u, %s", run->job, run->run,
	    r->id, run->path);
	return 0;
}

/* Forget run R's sandbox (its directory is left as it is). */
static void
psbx_close(struct priv_run *r)
{
	ps.sbs[r->sbx] = NULL;
	close(r->dirfd);
	r->dirfd = -1;
	r->sbx = -1;
	priv_run_drop(r);	/* unless its job still runs */
}

/* The listing into a memfd: per entry type, size, mtime, length, name. */
static int
psbx_list(struct priv_run *sb, const char *rel, int *fdp)
{
	struct sbfs_ent	*e;
	size_t		 i, ne;
	FILE		*f;
	int		 fd, ok;

	if (sbfs_list(sb->dirfd, rel, &e, &ne) == -1)
		return -1;
	if ((fd = memfd_create("cq-sbx-list", MFD_CLOEXEC)) == -1) {
		sbfs_list_free(e, ne);
		return -1;
	}
	if ((f = fdopen(dup(fd), "w")) == NULL) {
		close(fd);
		sbfs_list_free(e, ne);
		return -1;
	}
	for (i = 0; i < ne; i++) {
		int32_t		t = (int32_t)e[i].type;
		int64_t		sz = (int64_t)e[i].size, mt = e[i].mtime_ns;
		uint32_t	l = (uint32_t)strlen(e[i].name);

		fwrite(&t, sizeof t, 1, f);
		fwrite(&sz, sizeof sz, 1, f);
		fwrite(&mt, sizeof mt, 1, f);
		fwrite(&l, sizeof l, 1, f);
		fwrite(e[i].name, 1, l, f);
	}
	ok = fclose(f) == 0;
	sbfs_list_free(e, ne);
	if (!ok) {
		close(fd);
		errno = EIO;
		return -1;
	}
	*fdp = fd;
	return (int)ne;
}

static void
psbx_reply(const struct psbx_rep *r, int fd)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;

	memset(&mh, 0, sizeof mh);
	iov.iov_base = (void *)r;
	iov.iov_len = sizeof *r;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		cm.hdr.cmsg_len = CMSG_LEN(sizeof(int));
		cm.hdr.cmsg_level = SOL_SOCKET;
		cm.hdr.cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(&cm.hdr), &fd, sizeof fd);
	}
	if (sendmsg(ps.sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		log_warn("priv: sandbox reply");
	if (fd != -1)
		close(fd);
}

/*
 * Request Q names a sandbox the parent made and has not closed (its
 * number), of the run Q names (STR[3], Q's run): that run into *SBP.
 * Else -1 with errno set (EBADF), logged.
 */
static int
psbx_check(const struct psbx_req *q, char *const *str, struct priv_run **sbp)
{
	struct priv_run	*sb;

	if ((sb = psbx_find(q->id)) == NULL) {
		log_warnx("priv: sandbox request %u refused: sandbox %u is "
		    "not open", q->op, q->id);
		errno = EBADF;
		return -1;
	}
	if (strcmp(str[3], sb->job) != 0 || q->run != sb->run) {
		log_warnx("priv: sandbox request %u refused: sandbox %u is job "
		    "%s run %u's, not job %.32s run %u's", q->op, q->id,
		    sb->job, sb->run, str[3], q->run);
		errno = EBADF;
		return -1;
	}
	*sbp = sb;
	return 0;
}

static void
psbx_read(evutil_socket_t s, short ev, void *arg)
{
	static char		 buf[PSBX_MSG_MAX + 1];
	struct psbx_req		 q;
	struct psbx_rep		 r;
	struct priv_run		*sb = NULL;
	char			*str[PSBX_NSTR], *p;
	ssize_t			 n;
	size_t			 i, want;
	int			 fd = -1, rv, saved;

	(void)ev;
	(void)arg;
	if ((n = recv(s, buf, sizeof buf, MSG_DONTWAIT)) == -1)
		return;
	if (n == 0) {
		event_del(ps.ev);
		return;	/* the child is gone: priv.c hears it too */
	}
	memset(&r, 0, sizeof r);
	if ((size_t)n < sizeof q) {
		log_warnx("priv: sandbox request too short");
		r.rv = -1;
		r.err = EINVAL;
		psbx_reply(&r, -1);
		return;
	}
	memcpy(&q, buf, sizeof q);
	want = sizeof q;
	for (i = 0; i < PSBX_NSTR; i++)
		want += q.len[i];
	if (want != (size_t)n) {
		log_warnx("priv: sandbox request %u: bad lengths", q.op);
		r.rv = -1;
		r.err = EINVAL;
		psbx_reply(&r, -1);
		return;
	}
	/* NUL-terminate each string in a copy. */
	p = buf + sizeof q;
	for (i = 0; i < PSBX_NSTR; i++) {
		str[i] = xmalloc((size_t)q.len[i] + 1);
		memcpy(str[i], p, q.len[i]);
		str[i][q.len[i]] = '\0';
		if (memchr(str[i], '\0', q.len[i]) != NULL)
			str[i][0] = '\0', q.op = 0;
		p += q.len[i];
	}
	rv = -1;
	errno = EINVAL;
	if (q.op != 0 && q.op != PSBX_SWEEP && q.op != PSBX_MAKE &&
	    psbx_check(&q, str, &sb) == -1)
		q.op = 0;
	if (q.op == PSBX_SWEEP)
		rv = psbx_sweep();
	else if (q.op == PSBX_MAKE && (rv = psbx_make(&q, str, &r)) == -1) {
		saved = errno;
		log_warnx("priv: sandbox for job %.32s run %u refused: %s",
		    str[0], q.run, r.msg);
		errno = saved;
	}
	switch (q.op) {
	case PSBX_OPEN_READ:
		if ((fd = sbfs_open_read(sb->dirfd, str[0], sb->uid)) != -1)
			rv = 0;
		break;
	case PSBX_CREATE:
		if ((fd = sbfs_create(sb->dirfd, str[0], q.how & (SBFS_EXCL |
		    SBFS_TRUNC), q.mode & 0777, sb->uid, sb->gid)) != -1)
			rv = 0;
		break;
	case PSBX_MKDIRS:
		rv = sbfs_mkdirs(sb->dirfd, str[0], q.mode & 0777, sb->uid,
		    sb->gid);
		break;
	case PSBX_STAT: {
		struct sbfs_ent	e;

		if ((rv = sbfs_stat(sb->dirfd, str[0], &e)) == 0) {
			r.type = (int32_t)e.type;
			r.size = (int64_t)e.size;
			r.mtime_ns = e.mtime_ns;
		}
		break;
	}
	case PSBX_LIST:
		rv = psbx_list(sb, str[0], &fd);
		break;
	case PSBX_REMOVE:
		rv = sbfs_remove(sb->dirfd, str[0]);
		break;
	case PSBX_RENAME:
		rv = sbfs_rename(sb->dirfd, str[0], str[1], sb->uid, sb->gid);
		break;
	case PSBX_DESTROY: {
		int	dfd;

		if (priv_run_live(sb)) {
			log_warnx("priv: sandbox request refused: job %s run "
			    "%u still runs: its sandbox stays", sb->job,
			    sb->run);
			errno = EBUSY;
			break;
		}
		if ((dfd = psbx_dir_open()) == -1)
			break;
		rv = sbfs_remove(dfd, strrchr(sb->path, '/') + 1);
		close(dfd);
		break;
	}
	case PSBX_CLOSE:
		psbx_close(sb);
		rv = 0;
		break;
	case PSBX_SWEEP:
	case PSBX_MAKE:
		break;		/* above */
	default:
		if (errno == EINVAL)
			log_warnx("priv: sandbox request %u refused: %s",
			    q.op, strerror(errno));
		break;
	}
	r.rv = rv;
	r.err = rv == -1 ? errno : 0;
	for (i = 0; i < PSBX_NSTR; i++)
		free(str[i]);
	psbx_reply(&r, fd);
}

void
psbx_serve(struct event_base *base, int sock, const char *dir)
{
	ps.sock = sock;
	ps.dir = dir;
	if ((ps.ev = event_new(base, sock, EV_READ | EV_PERSIST, psbx_read,
	    NULL)) == NULL || event_add(ps.ev, NULL) == -1)
		fatalx("psbx event");
}
