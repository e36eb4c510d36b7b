/*
 * ctl-users.c: who a client is and what it may hold.  At accept the
 * kernel's credentials (SO_PEERCRED, and SO_PEERGROUPS for the groups)
 * decide whether the client is an administrator (root, the scheduler's
 * own uid, or a member of admin_group) and which user's limits it counts
 * against: max_conns_per_user connections (the one over is answered
 * "too many connections for user X (max N)" and closed), and
 * max_buffer_per_user bytes in the input and output buffers of all its
 * connections (a peer_quota: common/peer.c counts and refuses).  A
 * connection that has sent no message for client_idle_timeout is closed
 * unless its replies are still being read or a frame is arriving.  Refusals are
 * logged once per user and then at most once in CTL_USERS_LOG_MS, with
 * the count.  The users live in a tree by uid while they have a
 * connection.  Called by ctl.c (accept, messages, close, submit).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/tree.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cfg.h"
#include "clock.h"
#include "ctl.h"
#include "ctl-int.h"
#include "log.h"
#include "owners.h"
#include "peer.h"
#include "schedd.h"
#include "xmalloc.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS	59	/* Linux 4.13 */
#endif

#define CTL_USERS_LOG_MS	10000	/* one refusal line per user in this */
#define CTL_USERS_REFUSED_MAX	16	/* refused conns waiting to be told */
#define CTL_USERS_REFUSED_WAIT	2	/* s a refused conn has to say hello */
#define CTL_USERS_MAX_GROUPS	65536

enum {	CTL_USERS_LOG_CONNS, CTL_USERS_LOG_JOBS, CTL_USERS_NLOG };

struct ctl_user {
	uid_t			 uid;
	char			 owner[64];
	unsigned		 nconns;	/* admitted connections */
	unsigned		 nrefused;	/* refused, not closed yet */
	struct peer_quota	 quota;
	int64_t			 logged[CTL_USERS_NLOG];  /* mono ms, per kind */
	uint64_t		 untold[CTL_USERS_NLOG];  /* not logged yet */
	RB_ENTRY(ctl_user)	 entry;
};

int	ctl_users_cmp(struct ctl_user *, struct ctl_user *);

int
ctl_users_cmp(struct ctl_user *a, struct ctl_user *b)
{
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return 0;
}

RB_HEAD(ctl_user_tree, ctl_user);
RB_PROTOTYPE(ctl_user_tree, ctl_user, entry, ctl_users_cmp);
RB_GENERATE(ctl_user_tree, ctl_user, entry, ctl_users_cmp);

static struct ctl_user_tree	ctl_users = RB_INITIALIZER(&ctl_users);

static struct {
	unsigned	 max_conns;
	size_t		 max_buffer;
	uint64_t	 max_jobs;
	int64_t		 idle_ms;
	int		 has_admin_gid;
	gid_t		 admin_gid;
} ctl_limits;

/* Resolve GROUP, a name or a number, into *GID; -1 if there is none. */
static int
ctl_users_group(const char *group, gid_t *gid)
{
	struct group	*gr;
	const char	*errstr = NULL;
	long long	 n;

	if ((gr = getgrnam(group)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	n = strtonum(group, 0, INT_MAX, &errstr);
	if (errstr != NULL)
		return -1;
	*gid = (gid_t)n;
	return 0;
}

int
ctl_admin_group_check(const struct cfg *cfg, char *err, size_t len)
{
	const char	*group = cfg_str(cfg, "admin_group");
	gid_t		 gid;

	if (*group != '\0' && ctl_users_group(group, &gid) == -1) {
		snprintf(err, len, "%s: admin_group: no such group: %s",
		    cfg_origin(cfg, "admin_group"), group);
		return -1;
	}
	return 0;
}

int
ctl_users_init(void)
{
	const char	*group = cfg_str(sd->cfg, "admin_group");

	ctl_limits.max_conns = (unsigned)cfg_int(sd->cfg,
	    "max_conns_per_user");
	ctl_limits.max_buffer = (size_t)cfg_int(sd->cfg,
	    "max_buffer_per_user") * 1024 * 1024;
	ctl_limits.max_jobs = (uint64_t)cfg_int(sd->cfg,
	    "max_jobs_per_owner");
	ctl_limits.idle_ms = cfg_ms(sd->cfg, "client_idle_timeout");
	if (*group == '\0')
		return 0;
	/* A name, or a number for a group without one. */
	if (ctl_users_group(group, &ctl_limits.admin_gid) == -1) {
		log_warnx("%s: admin_group: no such group: %s",
		    cfg_origin(sd->cfg, "admin_group"), group);
		return -1;
	}
	ctl_limits.has_admin_gid = 1;
	log_info("administrators: root, uid %u and group %s (gid %u)",
	    (unsigned)getuid(), group, (unsigned)ctl_limits.admin_gid);
	return 0;
}

/*
 * 1 if the client on FD (primary group GID) is in admin_group.  The
 * groups are the kernel's: SO_PEERGROUPS gives those the connecting
 * process had at connect(2), which no later exit or pid reuse changes.
 * Only a kernel without it (before 4.13) falls back to the group
 * database (getgrouplist of the user).
 */
static int
ctl_users_in_admin_group(int fd, const char *owner, gid_t gid)
{
	gid_t		 small[64], *gids = small;
	socklen_t	 len = sizeof small;
	int		 n, i, yes = 0;

	if (gid == ctl_limits.admin_gid)
		return 1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gids, &len) == -1) {
		if (errno == ERANGE && len <= CTL_USERS_MAX_GROUPS *
		    sizeof *gids) {
			gids = xmalloc(len);
			if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gids,
			    &len) == -1) {
				log_warn("ctl: SO_PEERGROUPS");
				free(gids);
				return 0;
			}
		} else if (errno == ENOPROTOOPT) {
			n = (int)(sizeof small / sizeof small[0]);
			if (getgrouplist(owner, gid, small, &n) == -1)
				return 0;	/* more than 64: not checked */
			len = (socklen_t)((size_t)n * sizeof small[0]);
		} else {
			log_warn("ctl: SO_PEERGROUPS");
			return 0;
		}
	}
	for (i = 0; i < (int)(len / sizeof *gids); i++)
		if (gids[i] == ctl_limits.admin_gid)
			yes = 1;
	if (gids != small)
		free(gids);
	return yes;
}

static struct ctl_user *
ctl_users_get(uid_t uid, const char *owner)
{
	struct ctl_user	 key, *u;

	key.uid = uid;
	if ((u = RB_FIND(ctl_user_tree, &ctl_users, &key)) != NULL)
		return u;
	u = xcalloc(1, sizeof *u);
	u->uid = uid;
	strlcpy(u->owner, owner, sizeof u->owner);
	u->quota.max = ctl_limits.max_buffer;
	snprintf(u->quota.refusal, sizeof u->quota.refusal,
	    "too many bytes buffered for user %s (max %zu MiB)", owner,
	    ctl_limits.max_buffer / (1024 * 1024));
	RB_INSERT(ctl_user_tree, &ctl_users, u);
	return u;
}

static void
ctl_users_put(struct ctl_user *u)
{
	if (u->nconns > 0 || u->nrefused > 0 || u->quota.npeers > 0)
		return;
	RB_REMOVE(ctl_user_tree, &ctl_users, u);
	free(u);
}

/*
 * Log a refusal of U's of kind K: the first, then one line per
 * CTL_USERS_LOG_MS with the count.
 */
static void
ctl_users_log(struct ctl_user *u, int k, const char *what)
{
	int64_t	now = clock_mono_ms();

	u->untold[k]++;
	if (u->logged[k] != 0 && now - u->logged[k] < CTL_USERS_LOG_MS)
		return;
	log_warnx("client %s: refused: %s (%llu time(s) since the last "
	    "line)", u->owner, what, (unsigned long long)u->untold[k]);
	u->logged[k] = now;
	u->untold[k] = 0;
}

/*
 * C's user name: known already if the user has a connection, else from
 * the password database (a uid without an entry is its number).  -1 if
 * the database cannot be read now (out of descriptors, say): a name
 * made up then would be stored as the owner of the user's jobs.
 */
static int
ctl_users_name(struct client *c)
{
	static int64_t	 logged;
	static uint64_t	 untold;
	struct ctl_user	 key, *u;
	struct passwd	 pw, *pwp = NULL;
	char		 buf[4096];
	int		 rc;
	int64_t		 now;

	key.uid = c->uid;
	if ((u = RB_FIND(ctl_user_tree, &ctl_users, &key)) != NULL) {
		strlcpy(c->owner, u->owner, sizeof c->owner);
		return 0;
	}
	if ((rc = getpwuid_r(c->uid, &pw, buf, sizeof buf, &pwp)) != 0 &&
	    rc != ENOENT && rc != ESRCH) {
		untold++;
		now = clock_mono_ms();
		if (logged == 0 || now - logged >= CTL_USERS_LOG_MS) {
			log_warnx("client uid %u: cannot look the user up: "
			    "%s (%llu connection(s) closed so)",
			    (unsigned)c->uid, strerror(rc),
			    (unsigned long long)untold);
			logged = now;
			untold = 0;
		}
		return -1;
	}
	if (pwp != NULL)
		strlcpy(c->owner, pw.pw_name, sizeof c->owner);
	else
		snprintf(c->owner, sizeof c->owner, "%u", (unsigned)c->uid);
	return 0;
}

int
ctl_users_admit(struct client *c, int fd, gid_t gid)
{
	struct ctl_user	*u;

	if (ctl_users_name(c) == -1)
		return -1;
	c->admin = c->uid == 0 || c->uid == getuid() ||
	    (ctl_limits.has_admin_gid &&
	    ctl_users_in_admin_group(fd, c->owner, gid));
	u = c->user = ctl_users_get(c->uid, c->owner);
	if (u->nconns < ctl_limits.max_conns) {
		u->nconns++;
		return 0;
	}
	snprintf(c->refusal, sizeof c->refusal, "too many connections for "
	    "user %s (max %u)", c->owner, ctl_limits.max_conns);
	ctl_users_log(u, CTL_USERS_LOG_CONNS, c->refusal);
	if (u->nrefused >= CTL_USERS_REFUSED_MAX) {
		/* Told enough of them: the rest are just closed. */
		c->user = NULL;
		ctl_users_put(u);
		return -1;
	}
	u->nrefused++;
	c->refused = 1;
	return 0;
}

static void
ctl_users_idle_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct client	*c = arg;
	struct timeval	 tv;
	int64_t		 left;
	size_t		 q;
	int		 moving;
	char		 why[96];

	left = c->active + ctl_limits.idle_ms - clock_mono_ms();
	/*
	 * Replies still being read, or a request coming in: not idle (a
	 * half frame has deadlines of its own, common/peer.c).  Replies
	 * that sit unread a whole period are idleness too.
	 */
	q = peer_outq(c->peer);
	moving = q > 0 && q != c->outq_seen;
	c->outq_seen = q;
	if (left <= 0 && (moving || peer_partial(c->peer)))
		left = ctl_limits.idle_ms;
	if (left > 0) {
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		evtimer_add(c->idle, &tv);
		return;
	}
	snprintf(why, sizeof why, "idle for %lld s (client_idle_timeout)",
	    (long long)(ctl_limits.idle_ms / 1000));
	peer_refuse(c->peer, 0, why);
}

void
ctl_users_attach(struct client *c, struct peer *p)
{
	c->peer = p;
	if (c->refused) {
		peer_set_deadline(p, CTL_USERS_REFUSED_WAIT);
		return;
	}
	peer_set_quota(p, &c->user->quota);
	c->active = clock_mono_ms();
	if (ctl_limits.idle_ms > 0 && (c->idle = evtimer_new(sd->base,
	    ctl_users_idle_cb, c)) != NULL)
		ctl_users_idle_cb(-1, 0, c);
}

void
ctl_users_active(struct client *c)
{
	c->active = clock_mono_ms();
}

void
ctl_users_leave(struct client *c)
{
	struct ctl_user	*u = c->user;

	if (c->idle != NULL)
		event_free(c->idle);
	c->idle = NULL;
	if (u == NULL)
		return;
	if (c->refused)
		u->nrefused--;
	else
		u->nconns--;
	c->user = NULL;
	ctl_users_put(u);
}

int
ctl_users_jobs_ok(struct client *c, size_t n, char *err, size_t len)
{
	uint64_t	have = owners_jobs(c->uid);

	if (have + n <= ctl_limits.max_jobs)
		return 1;
	snprintf(err, len, "submit refused: user %s would have %llu jobs in "
	    "the queue, max %llu (max_jobs_per_owner)", c->owner,
	    (unsigned long long)(have + n),
	    (unsigned long long)ctl_limits.max_jobs);
	if (c->user != NULL)
		ctl_users_log(c->user, CTL_USERS_LOG_JOBS, err);
	return 0;
}
