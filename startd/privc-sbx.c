/*
 * privc-sbx.c: the network child's side of the sandbox requests
 * (psbx.h): each call sends one request on the sandbox socket and waits
 * for the parent's answer (a local process that answers at once, so the
 * wait is short), taking the descriptor that comes with it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "psbx.h"
#include "xmalloc.h"

static int	psbxc_sock = -1;

/* The run each open sandbox number was made for (sent with each
 * request: the parent checks it). */
static struct psbxc_run {
	char		job[PSBX_JOB_MAX];
	uint32_t	run;
}		*psbxc_runs;
static size_t	 psbxc_nruns;

static void
psbxc_name(struct psbx_req *q, const char **s)
{
	if (q->id < psbxc_nruns && psbxc_runs[q->id].job[0] != '\0') {
		q->run = psbxc_runs[q->id].run;
		s[3] = psbxc_runs[q->id].job;
	}
}

void
psbxc_init(int sock)
{
	psbxc_sock = sock;
}

/* Send Q with strings S (NULL: empty); the reply into R, its fd into
 * *FDP (NULL: none wanted).  R->rv, errno set from the reply. */
static int
psbxc_ask(struct psbx_req *q, const char *const *s, struct psbx_rep *r,
    int *fdp)
{
	static char	 buf[PSBX_MSG_MAX];
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	size_t		 i, off = sizeof *q, l;
	ssize_t		 n;
	int		 fd = -1;

	if (fdp != NULL)
		*fdp = -1;
	for (i = 0; i < PSBX_NSTR; i++) {
		l = s != NULL && s[i] != NULL ? strlen(s[i]) : 0;
		if (l > SBFS_MAX_PATH) {
			errno = ENAMETOOLONG;
			return -1;
		}
		q->len[i] = (uint16_t)l;
		memcpy(buf + off, l ? s[i] : "", l);
		off += l;
	}
	memcpy(buf, q, sizeof *q);
	if (send(psbxc_sock, buf, off, MSG_NOSIGNAL) != (ssize_t)off) {
		log_warn("sandbox request to the parent");
		errno = EIO;
		return -1;
	}
	memset(&mh, 0, sizeof mh);
	iov.iov_base = r;
	iov.iov_len = sizeof *r;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	do
		n = recvmsg(psbxc_sock, &mh, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&mh); n > 0 && c != NULL;
	    c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
	if (n != (ssize_t)sizeof *r) {
		log_warnx("sandbox request: no answer from the parent");
		if (fd != -1)
			close(fd);
		errno = EIO;
		return -1;
	}
	if (fdp != NULL)
		*fdp = fd;
	else if (fd != -1)
		close(fd);
	if (r->rv == -1)
		errno = r->err;
	return r->rv;
}

static int
psbxc_simple(uint32_t op, int id, const char *a, const char *b, int how,
    mode_t mode, int *fdp)
{
	struct psbx_req	 q;
	struct psbx_rep	 r;
	const char	*s[PSBX_NSTR] = { a, b, NULL, NULL };

	memset(&q, 0, sizeof q);
	q.op = op;
	q.id = (uint32_t)id;
	q.how = how;
	q.mode = (uint32_t)mode;
	psbxc_name(&q, s);
	return psbxc_ask(&q, s, &r, fdp);
}

int
psbxc_sweep(void)
{
	return psbxc_simple(PSBX_SWEEP, 0, NULL, NULL, 0, 0, NULL);
}

int
psbxc_make(const char *job, uint32_t run, int byjob, const char *owner,
    long long sched_uid, int slot, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct psbx_req	 q;
	struct psbx_rep	 r;
	const char	*s[PSBX_NSTR] = { job, owner, NULL, NULL };

	memset(&q, 0, sizeof q);
	memset(&r, 0, sizeof r);
	q.op = PSBX_MAKE;
	q.run = run;
	q.byjob = byjob != 0;
	q.sched_uid = sched_uid;
	q.slot = slot;
	if (psbxc_ask(&q, s, &r, NULL) == -1) {
		r.msg[sizeof r.msg - 1] = '\0';
		snprintf(err, errlen, "%s", r.msg[0] != '\0' ? r.msg :
		    strerror(errno));
		return -1;
	}
	*uid = (uid_t)r.uid;
	*gid = (gid_t)r.gid;
	if (r.id >= psbxc_nruns) {
		psbxc_runs = xreallocarray(psbxc_runs, r.id + 16,
		    sizeof *psbxc_runs);
		memset(psbxc_runs + psbxc_nruns, 0, (r.id + 16 - psbxc_nruns) *
		    sizeof *psbxc_runs);
		psbxc_nruns = r.id + 16;
	}
	strlcpy(psbxc_runs[r.id].job, job, sizeof psbxc_runs[r.id].job);
	psbxc_runs[r.id].run = run;
	return (int)r.id;
}

int
psbxc_open_read(int id, const char *rel)
{
	int	fd;

	if (psbxc_simple(PSBX_OPEN_READ, id, rel, NULL, 0, 0, &fd) == -1)
		return -1;
	return fd;
}

int
psbxc_create(int id, const char *rel, int how, mode_t mode)
{
	int	fd;

	if (psbxc_simple(PSBX_CREATE, id, rel, NULL, how, mode, &fd) == -1)
		return -1;
	return fd;
}

int
psbxc_mkdirs(int id, const char *rel, mode_t mode)
{
	return psbxc_simple(PSBX_MKDIRS, id, rel, NULL, 0, mode, NULL);
}

int
psbxc_stat(int id, const char *rel, struct sbfs_ent *e)
{
	struct psbx_req	 q;
	struct psbx_rep	 r;
	const char	*s[PSBX_NSTR] = { rel, NULL, NULL, NULL };

	memset(&q, 0, sizeof q);
	q.op = PSBX_STAT;
	q.id = (uint32_t)id;
	psbxc_name(&q, s);
	if (psbxc_ask(&q, s, &r, NULL) == -1)
		return -1;
	e->name = NULL;
	e->type = (enum sbfs_type)r.type;
	e->size = (off_t)r.size;
	e->mtime_ns = r.mtime_ns;
	return 0;
}

int
psbxc_list(int id, const char *rel, struct sbfs_ent **ents, size_t *np)
{
	struct sbfs_ent	*e = NULL;
	struct stat	 sb;
	char		*buf = NULL, *p, *end;
	size_t		 n = 0, i;
	int		 fd, cnt;

	if ((cnt = psbxc_simple(PSBX_LIST, id, rel, NULL, 0, 0, &fd)) == -1)
		return -1;
	if (fd == -1 || fstat(fd, &sb) == -1 || sb.st_size > (off_t)1 << 30)
		goto bad;
	buf = xmalloc((size_t)sb.st_size + 1);
	if (pread(fd, buf, (size_t)sb.st_size, 0) != sb.st_size)
		goto bad;
	e = xcalloc((size_t)cnt + 1, sizeof *e);
	p = buf;
	end = buf + sb.st_size;
	for (i = 0; i < (size_t)cnt; i++) {
		int32_t		t;
		int64_t		sz, mt;
		uint32_t	l;

		if ((size_t)(end - p) < 24)
			goto bad;
		memcpy(&t, p, 4);
		memcpy(&sz, p + 4, 8);
		memcpy(&mt, p + 12, 8);
		memcpy(&l, p + 20, 4);
		p += 24;
		if ((size_t)(end - p) < l)
			goto bad;
		e[i].name = xmalloc((size_t)l + 1);
		memcpy(e[i].name, p, l);
		e[i].name[l] = '\0';
		e[i].type = (enum sbfs_type)t;
		e[i].size = (off_t)sz;
		e[i].mtime_ns = mt;
		p += l;
		n++;
	}
	close(fd);
	free(buf);
	*ents = e;
	*np = n;
	return 0;
bad:
	if (fd != -1)
		close(fd);
	free(buf);
	if (e != NULL)
		sbfs_list_free(e, n);
	errno = EIO;
	return -1;
}

int
psbxc_remove(int id, const char *rel)
{
	return psbxc_simple(PSBX_REMOVE, id, rel, NULL, 0, 0, NULL);
}

int
psbxc_rename(int id, const char *from, const char *to)
{
	return psbxc_simple(PSBX_RENAME, id, from, to, 0, 0, NULL);
}

int
psbxc_destroy(int id)
{
	return psbxc_simple(PSBX_DESTROY, id, NULL, NULL, 0, 0, NULL);
}

void
psbxc_close(int id)
{
	(void)psbxc_simple(PSBX_CLOSE, id, NULL, NULL, 0, 0, NULL);
	if (id >= 0 && (size_t)id < psbxc_nruns)
		psbxc_runs[id].job[0] = '\0';
}

/* Test only (CQ_PRIVC_FORGE=1): the number of JOB/RUN's sandbox, or -1. */
int
psbxc_forge_id(const char *job, uint32_t run)
{
	size_t	i;

	for (i = 0; i < psbxc_nruns; i++)
		if (psbxc_runs[i].run == run &&
		    strcmp(psbxc_runs[i].job, job) == 0)
			return (int)i;
	return -1;
}

/* Test only: open REL in sandbox ID, naming the run JOB/RUN instead of
 * the one it was made for. */
int
psbxc_forge_open(int id, const char *job, uint32_t run, const char *rel)
{
	struct psbx_req	 q;
	struct psbx_rep	 r;
	const char	*s[PSBX_NSTR] = { rel, NULL, NULL, job };
	int		 fd;

	memset(&q, 0, sizeof q);
	q.op = PSBX_OPEN_READ;
	q.id = (uint32_t)id;
	q.run = run;
	if (psbxc_ask(&q, s, &r, &fd) == -1)
		return -1;
	return fd;
}
