/*
 * logwriter.c: the writers of the users' event logs.  A user log may sit
 * on a slow or hung NFS home, and a write there can block for minutes, so
 * the loop never writes one: userlog.c formats each event and queues it
 * here, and a few writer threads append the events to their files.  These
 * threads are the scheduler's only ones; they share nothing with the loop
 * but the queues below (one mutex) and an eventfd that wakes the loop
 * after they wrote, and they call no libevent, SQLite or json-c.
 *
 * Each file has its queue of events, and one writer at a time takes a
 * file and appends what its queue holds, in order: the events of one log
 * keep their order.  A hung file holds one writer; the others go on with
 * the other files (LOGWRITER_THREADS hung files at once hold them all).
 * The events waiting in all queues are bounded (LOGWRITER_QMAX); past
 * that userlog.c stops reading the store until the writers made room, so
 * nothing is dropped: the events wait in the store (job_events), and
 * userlog.c's mark only moves past an event once it was written.
 *
 * The file is opened as the job's owner: when we are root, the writer
 * thread takes the owner's fsuid, fsgid and groups for the open.  Linux
 * keeps these per thread, and the groups are set with the raw system
 * call (glibc's setgroups() would change every thread's), so the loop
 * never runs with the user's rights.  O_APPEND, O_NOFOLLOW, and only a
 * regular file: a FIFO or a device is refused.  A failure is logged and
 * the event skipped: a log never stops a job.
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/fsuid.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "logwriter.h"
#include "xmalloc.h"

#define LOGWRITER_THREADS	4
#define LOGWRITER_QMAX		65536	/* events waiting, all files */

struct lw_item {
	STAILQ_ENTRY(lw_item)	 entry;
	int64_t			 id;
	uint32_t		 cluster, proc;
	size_t			 len;
	char			 text[];
};

/* A log file with events to write. */
struct lw_file {
	RB_ENTRY(lw_file)	 entry;
	TAILQ_ENTRY(lw_file)	 ready_entry;
	uid_t			 uid;
	char			*path;
	STAILQ_HEAD(, lw_item)	 q;
	int			 busy;		/* a writer has it */
	int			 on_ready;
};

static int
lw_file_cmp(struct lw_file *a, struct lw_file *b)
{
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return strcmp(a->path, b->path);
}

RB_HEAD(lw_files, lw_file);
RB_PROTOTYPE(lw_files, lw_file, entry, lw_file_cmp);
RB_GENERATE(lw_files, lw_file, entry, lw_file_cmp);
TAILQ_HEAD(lw_ready, lw_file);

/* How many events of a cluster are not written yet (for cq wait). */
struct lw_cluster {
	RB_ENTRY(lw_cluster)	 entry;
	uint32_t		 cluster;
	size_t			 n;
};

static int
lw_cluster_cmp(struct lw_cluster *a, struct lw_cluster *b)
{
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return 0;
}

RB_HEAD(lw_clusters, lw_cluster);
RB_PROTOTYPE(lw_clusters, lw_cluster, entry, lw_cluster_cmp);
RB_GENERATE(lw_clusters, lw_cluster, entry, lw_cluster_cmp);

struct lw_writer {
	pthread_t	 th;
	int		 started;
	int64_t		 busy;		/* the id being written, or -1 */
};

static pthread_mutex_t	 lw_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 lw_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t	 lw_idle;	/* a writer finished an event */
static struct lw_files	 lw_files = RB_INITIALIZER(&lw_files);
static struct lw_ready	 lw_ready = TAILQ_HEAD_INITIALIZER(lw_ready);
static struct lw_clusters lw_clusters = RB_INITIALIZER(&lw_clusters);
static size_t		 lw_nitems;
static struct lw_writer	 lw_w[LOGWRITER_THREADS];
static int		 lw_nstarted;
static int		 lw_stop;
static int		 lw_efd = -1;
static struct event	*lw_ev;
static void		(*lw_done)(void);

/*
 * Open PATH for appending as UID: this thread's fsuid, fsgid and groups
 * switched to the owner's for the open, or refused when we are not root
 * and not UID.
 */
static int
lw_open(const char *path, uid_t uid)
{
	struct passwd	 pw, *pwp = NULL;
	struct stat	 sb;
	char		 pwbuf[4096];
	gid_t		 gid, saved[NGROUPS_MAX];
	int		 fd, nsaved, flags, err;

	flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY |
	    O_NONBLOCK | O_CLOEXEC;
	if (geteuid() != 0 || uid == 0) {
		/* Our own job (a personal pool, or root's job). */
		if (uid != geteuid()) {
			errno = EPERM;
			return -1;
		}
		fd = open(path, flags, 0644);
	} else {
		if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &pwp) != 0 ||
		    pwp == NULL) {
			errno = ESRCH;
			return -1;
		}
		gid = pw.pw_gid;
		/* This thread's groups only (see above). */
		if ((nsaved = getgroups(NGROUPS_MAX, saved)) == -1 ||
		    syscall(SYS_setgroups, 1, &gid) == -1)
			return -1;
		setfsgid(gid);
		setfsuid(uid);
		if ((uid_t)setfsuid(uid) != uid) {
			setfsuid(0);
			setfsgid(0);
			syscall(SYS_setgroups, (size_t)nsaved, saved);
			errno = EPERM;
			return -1;
		}
		fd = open(path, flags, 0644);
		err = errno;
		setfsuid(0);
		setfsgid(0);
		if (syscall(SYS_setgroups, (size_t)nsaved, saved) == -1)
			log_warn("userlog: cannot restore the writer's groups");
		errno = err;
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags != -1)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

/* Wake the loop: it moves the mark (userlog.c). */
static void
lw_wake(void)
{
	uint64_t	one = 1;

	if (write(lw_efd, &one, sizeof one) == -1 && errno != EAGAIN)
		log_warn("userlog: eventfd");
}

/* Count an event of CLUSTER in (1) or out (-1); with lw_mtx held. */
static void
lw_cluster_count(uint32_t cluster, int add)
{
	struct lw_cluster	key, *c;

	key.cluster = cluster;
	if ((c = RB_FIND(lw_clusters, &lw_clusters, &key)) == NULL) {
		if (add < 0)
			return;
		c = xcalloc(1, sizeof *c);
		c->cluster = cluster;
		RB_INSERT(lw_clusters, &lw_clusters, c);
	}
	if (add > 0)
		c->n++;
	else if (--c->n == 0) {
		RB_REMOVE(lw_clusters, &lw_clusters, c);
		free(c);
	}
}

/* Append F's queue to its file; with lw_mtx held, as W. */
static void
lw_service(struct lw_writer *w, struct lw_file *f)
{
	struct lw_item	*it;
	int		 fd = -1, opened = 0;

	while ((it = STAILQ_FIRST(&f->q)) != NULL) {
		STAILQ_REMOVE_HEAD(&f->q, entry);
		lw_nitems--;
		w->busy = it->id;
		pthread_mutex_unlock(&lw_mtx);
		if (!opened) {
			opened = 1;
			if ((fd = lw_open(f->path, f->uid)) == -1)
				log_warn("userlog: job %u.%u: cannot open %s "
				    "as uid %u", it->cluster, it->proc,
				    f->path, (unsigned)f->uid);
		}
		/* A file that failed is said once for this batch. */
		if (fd != -1 && write(fd, it->text, it->len) !=
		    (ssize_t)it->len) {
			log_warn("userlog: job %u.%u: write %s", it->cluster,
			    it->proc, f->path);
			close(fd);
			fd = -1;
		}
		pthread_mutex_lock(&lw_mtx);
		lw_cluster_count(it->cluster, -1);
		free(it);
		w->busy = -1;
		pthread_cond_broadcast(&lw_idle);
		lw_wake();
	}
	if (fd != -1) {
		pthread_mutex_unlock(&lw_mtx);
		close(fd);
		pthread_mutex_lock(&lw_mtx);
	}
}

static void *
lw_main(void *arg)
{
	struct lw_writer	*w = arg;
	struct lw_file		*f;

	pthread_mutex_lock(&lw_mtx);
	for (;;) {
		if ((f = TAILQ_FIRST(&lw_ready)) == NULL) {
			if (lw_stop)
				break;
			pthread_cond_wait(&lw_work, &lw_mtx);
			continue;
		}
		TAILQ_REMOVE(&lw_ready, f, ready_entry);
		f->on_ready = 0;
		f->busy = 1;
		lw_service(w, f);
		f->busy = 0;
		if (!STAILQ_EMPTY(&f->q)) {
			/* More came while it was closing. */
			TAILQ_INSERT_TAIL(&lw_ready, f, ready_entry);
			f->on_ready = 1;
		} else {
			RB_REMOVE(lw_files, &lw_files, f);
			free(f->path);
			free(f);
		}
	}
	pthread_mutex_unlock(&lw_mtx);
	return NULL;
}

static void
lw_ev_cb(evutil_socket_t fd, short ev, void *arg)
{
	uint64_t	n;

	(void)ev;
	(void)arg;
	if (read(fd, &n, sizeof n) == -1 && errno != EAGAIN)
		log_warn("userlog: eventfd");
	lw_done();
}

int
logwriter_init(struct event_base *base, void (*done)(void))
{
	pthread_condattr_t	 ca;
	sigset_t		 all, old;
	int			 i, rc;

	lw_done = done;
	if ((lw_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_warn("userlog: eventfd");
		return -1;
	}
	if ((lw_ev = event_new(base, lw_efd, EV_READ | EV_PERSIST, lw_ev_cb,
	    NULL)) == NULL || event_add(lw_ev, NULL) == -1) {
		log_warnx("userlog: cannot watch the writers");
		return -1;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&lw_idle, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals are the loop's: the writers block them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < LOGWRITER_THREADS; i++) {
		lw_w[i].busy = -1;
		if ((rc = pthread_create(&lw_w[i].th, NULL, lw_main,
		    &lw_w[i])) != 0) {
			errno = rc;
			log_warn("userlog: cannot start a writer");
			break;
		}
		lw_w[i].started = 1;
		lw_nstarted++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return i == LOGWRITER_THREADS ? 0 : -1;
}

int
logwriter_put(int64_t id, uint32_t cluster, uint32_t proc, uid_t uid,
    const char *path, const char *text, size_t len)
{
	struct lw_file	 key, *f;
	struct lw_item	*it;

	it = xmalloc(sizeof *it + len);
	it->id = id;
	it->cluster = cluster;
	it->proc = proc;
	it->len = len;
	memcpy(it->text, text, len);
	pthread_mutex_lock(&lw_mtx);
	if (lw_nitems >= LOGWRITER_QMAX || lw_nstarted == 0) {
		pthread_mutex_unlock(&lw_mtx);
		free(it);
		return -1;
	}
	key.uid = uid;
	key.path = (char *)path;
	if ((f = RB_FIND(lw_files, &lw_files, &key)) == NULL) {
		f = xcalloc(1, sizeof *f);
		f->uid = uid;
		f->path = xstrdup(path);
		STAILQ_INIT(&f->q);
		RB_INSERT(lw_files, &lw_files, f);
	}
	STAILQ_INSERT_TAIL(&f->q, it, entry);
	lw_nitems++;
	lw_cluster_count(cluster, 1);
	if (!f->busy && !f->on_ready) {
		TAILQ_INSERT_TAIL(&lw_ready, f, ready_entry);
		f->on_ready = 1;
		pthread_cond_signal(&lw_work);
	}
	pthread_mutex_unlock(&lw_mtx);
	return 0;
}

/* With lw_mtx held. */
static int64_t
lw_pending_locked(void)
{
	struct lw_file	*f;
	struct lw_item	*it;
	int64_t		 min = -1;
	int		 i;

	for (i = 0; i < LOGWRITER_THREADS; i++)
		if (lw_w[i].busy != -1 && (min == -1 || lw_w[i].busy < min))
			min = lw_w[i].busy;
	if (lw_nitems == 0)
		return min;
	RB_FOREACH(f, lw_files, &lw_files)
		if ((it = STAILQ_FIRST(&f->q)) != NULL &&
		    (min == -1 || it->id < min))
			min = it->id;
	return min;
}

int64_t
logwriter_pending(void)
{
	int64_t	min;

	pthread_mutex_lock(&lw_mtx);
	min = lw_pending_locked();
	pthread_mutex_unlock(&lw_mtx);
	return min;
}

int
logwriter_cluster_pending(uint32_t cluster)
{
	struct lw_cluster	key;
	int			found;

	key.cluster = cluster;
	pthread_mutex_lock(&lw_mtx);
	found = RB_FIND(lw_clusters, &lw_clusters, &key) != NULL;
	pthread_mutex_unlock(&lw_mtx);
	return found;
}

static void
lw_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

int
logwriter_drain(int64_t ms)
{
	struct timespec	ts;
	int		rc = 0;

	lw_deadline(&ts, ms);
	pthread_mutex_lock(&lw_mtx);
	while (lw_pending_locked() != -1 && rc == 0)
		if (pthread_cond_timedwait(&lw_idle, &lw_mtx, &ts) ==
		    ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&lw_mtx);
	return rc;
}

void
logwriter_shutdown(int64_t ms)
{
	struct timespec	 ts;
	int		 i, hung = 0;

	pthread_mutex_lock(&lw_mtx);
	lw_stop = 1;
	pthread_cond_broadcast(&lw_work);
	pthread_mutex_unlock(&lw_mtx);
	/* The wait for the idle ones is short; the hung stay behind. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000 + 1;
	for (i = 0; i < LOGWRITER_THREADS; i++) {
		if (!lw_w[i].started)
			continue;
		if (pthread_timedjoin_np(lw_w[i].th, NULL, &ts) != 0) {
			log_warnx("userlog: a writer is still blocked on a "
			    "file; its events are written at the next start");
			hung++;
			continue;
		}
		lw_w[i].started = 0;
		lw_nstarted--;
	}
	if (lw_ev != NULL)
		event_free(lw_ev);
	lw_ev = NULL;
	/* A hung writer may still wake us: its eventfd stays ours. */
	if (lw_efd != -1 && hung == 0) {
		close(lw_efd);
		lw_efd = -1;
	}
}
