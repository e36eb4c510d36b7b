/*
 * spool.c: the scheduler's spool, STATE_DIR/spool:
 *   stage.<conn>/         a client's upload before its submit (mirrors the
 *                         absolute submit-side paths without the leading /)
 *   <cluster>/in/         the same tree, adopted by the submit's turn
 *   <cluster>.<proc>/ckpt.<N>/      the job's checkpoint number N
 *   <cluster>.<proc>/ckpt.<N>.tmp/  the next one while it arrives
 * Invariants: a staging area is renamed into the spool in the turn whose
 * commit creates the cluster, so no job is ever matched before its inputs
 * are complete; a checkpoint directory is renamed from .tmp only once all
 * its files arrived intact, the job's row names the version in use, and
 * the previous version is deleted only after that row is committed.  Any
 * other state found at start-up is a crash's leftover and is swept.
 * Outputs go straight to the job's initialdir (or output/error paths) as
 * the job's owner (runas.c: a job of root's as root_job_user unless root
 * jobs are allowed); data of a run that is not the job's current run on
 * that machine is refused and discarded (exactly once), and so is a file
 * under a name the job did not ask for (common/xfername.c).  No mode an
 * agent sends survives beyond 0777 less the owner's umask.  Callers: stage.c
 * (client uploads), agents.c (files to and from agents), queue.c
 * (cleanup).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cfg.h"
#include "clock.h"
#include "clusters.h"
#include "commit.h"
#include "agents.h"
#include "jobdesc.h"
#include "agentmsg.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "runas.h"
#include "schedd.h"
#include "spool.h"
#include "xfer.h"
#include "xfername.h"
#include "xferq.h"
#include "xmalloc.h"

/* The umask of a job whose submit told none (an older cq). */
#define SPOOL_UMASK	022

static char	*spool_dir;
static char	 spool_fsdomain[256];

/* What a machine's link carries: the send queue and the file arriving. */
struct spool_link {
	struct peer	*peer;
	struct xferq	*xq;
	struct xfer_in	 in;
	uint32_t	 reqid;
	int		 receiving;	/* a file's data is due */
	uint64_t	 discard;	/* bytes of a refused file still due */
	struct job	*job;		/* whose file arrives */
	uint32_t	 run;
};

const char *
spool_domain(void)
{
	return spool_fsdomain;
}

const char *
spool_path(void)
{
	return spool_dir;
}

int
spool_mkdir(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

void
spool_fsync_dir(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

int
spool_init(void)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;
	const char	*dom = cfg_str(sd->cfg, "filesystem_domain");

	if (dom == NULL || *dom == '\0') {
		if (gethostname(spool_fsdomain, sizeof spool_fsdomain) == -1)
			strlcpy(spool_fsdomain, "localhost",
			    sizeof spool_fsdomain);
		spool_fsdomain[sizeof spool_fsdomain - 1] = '\0';
	} else
		strlcpy(spool_fsdomain, dom, sizeof spool_fsdomain);
	xasprintf(&spool_dir, "%s/spool", sd->state_dir);
	if (spool_mkdir(spool_dir) == -1) {
		log_warn("%s", spool_dir);
		return -1;
	}
	/* Uploads that never became a submit, files cut halfway. */
	if ((d = opendir(spool_dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "stage.", 6) != 0)
			continue;
		xasprintf(&p, "%s/%s", spool_dir, e->d_name);
		xfer_rmtree(p);
		free(p);
	}
	closedir(d);
	xfer_sweep_parts(spool_dir);
	log_info("spool: %s (filesystem_domain %s)", spool_dir,
	    spool_fsdomain);
	return 0;
}

/* Remove ckpt.* in DIR other than ckpt.KEEP (0: keep none). */
static void
spool_sweep_ckpt(const char *dir, uint32_t keep)
{
	DIR		*d;
	struct dirent	*e;
	char		 want[32], *p;

	snprintf(want, sizeof want, "ckpt.%u", keep);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "ckpt.", 5) != 0 ||
		    (keep > 0 && strcmp(e->d_name, want) == 0))
			continue;
		xasprintf(&p, "%s/%s", dir, e->d_name);
		xfer_rmtree(p);
		free(p);
	}
	closedir(d);
}

void
spool_sweep(void)
{
	DIR		*d;
	struct dirent	*e;
	struct job	*j, key;
	char		*p, *dot;
	unsigned long	 c, pr;

	if ((d = opendir(spool_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		c = strtoul(e->d_name, &dot, 10);
		xasprintf(&p, "%s/%s", spool_dir, e->d_name);
		j = NULL;
		if (*dot == '.') {
			pr = strtoul(dot + 1, NULL, 10);
			j = queue_find((uint32_t)c, (uint32_t)pr);
			if (j != NULL) {
				spool_sweep_ckpt(p, j->ckpt_version);
				j->spooled = 1;
			}
		} else {
			key.cluster = (uint32_t)c;
			key.proc = 0;
			j = RB_NFIND(job_tree, &sd->jobs, &key);
			if (j != NULL && j->cluster != (uint32_t)c)
				j = NULL;
		}
		if (j == NULL)
			xfer_rmtree(p);
		free(p);
	}
	closedir(d);
}

/* --- files to agents -------------------------------------------------- */

struct spool_file {
	char	*src;		/* NULL: an empty directory */
	char	*rel;
	int	 ckpt;		/* a checkpoint file, not an input */
};

struct spool_send {
	struct machine		*m;
	uint32_t		 cluster, proc, run;
	struct spool_file	*files;
	size_t			 n;
};

static void
spool_send_add(struct spool_send *ss, const char *src, const char *rel)
{
	ss->files = xreallocarray(ss->files, ss->n + 1, sizeof *ss->files);
	ss->files[ss->n].src = src != NULL ? xstrdup(src) : NULL;
	ss->files[ss->n].rel = xstrdup(rel);
	ss->files[ss->n].ckpt = 0;
	ss->n++;
}

/* Add SRC (file or directory tree) to arrive as REL ("" for contents). */
static void
spool_send_tree(struct spool_send *ss, const char *src, const char *rel)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*e;
	char		*s2, *r2;
	int		 any = 0;

	if (lstat(src, &sb) == -1)
		return;
	if (S_ISREG(sb.st_mode)) {
		if (*rel != '\0')
			spool_send_add(ss, src, rel);
		return;
	}
	if (!S_ISDIR(sb.st_mode) || (d = opendir(src)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		any = 1;
		xasprintf(&s2, "%s/%s", src, e->d_name);
		if (*rel == '\0')
			r2 = xstrdup(e->d_name);
		else
			xasprintf(&r2, "%s/%s", rel, e->d_name);
		spool_send_tree(ss, s2, r2);
		free(s2);
		free(r2);
	}
	closedir(d);
	if (!any && *rel != '\0')
		spool_send_add(ss, NULL, rel);
}

static const char *
spool_base(const char *path)
{
	const char	*b = strrchr(path, '/');

	return b == NULL ? path : b + 1;
}

static struct spool_link *
spool_link_get(struct machine *m)
{
	struct spool_link	*l = m->spool;

	if (m->peer == NULL)
		return NULL;
	if (l != NULL && l->peer == m->peer)
		return l;
	spool_link_closed(m);
	l = xcalloc(1, sizeof *l);
	l->peer = m->peer;
	l->in.fd = l->in.dirfd = -1;
	l->xq = xferq_new(sd->base, m->peer, 1);
	m->spool = l;
	return l;
}

/* After the commit that started the run: the files follow the START. */
static void
spool_send_go(void *arg)
{
	struct spool_send	*ss = arg;
	struct spool_link	*l;
	struct job		*j;
	char			 id[32];
	size_t			 i;

	j = queue_find(ss->cluster, ss->proc);
	if (j != NULL && j->run == ss->run && j->slot != NULL &&
	    j->slot->machine == ss->m && (l = spool_link_get(ss->m)) != NULL) {
		snprintf(id, sizeof id, "%u.%u", ss->cluster, ss->proc);
		for (i = 0; i < ss->n; i++)
			xferq_add(l->xq, id, ss->run, ss->files[i].ckpt ?
			    "checkpoint" : "input", ss->files[i].src,
			    ss->files[i].rel);
	}
	for (i = 0; i < ss->n; i++) {
		free(ss->files[i].src);
		free(ss->files[i].rel);
	}
	free(ss->files);
	free(ss);
}

/*
 * Whether CLUSTER's staged inputs (spool/<cluster>/in) are there.  They
 * come with the submit's commit, before any of its jobs, and go with its
 * last job; an id is never used twice: so one look per cluster.
 */
static int
spool_has_in(uint32_t cluster)
{
	struct cluster	*cl;
	struct stat	 sb;
	char		*p;
	int		 there;

	if ((cl = clusters_find(cluster)) != NULL && cl->spool_in != 0)
		return cl->spool_in == 2;
	xasprintf(&p, "%s/%u/in", spool_dir, cluster);
	there = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(p);
	if (cl != NULL)
		cl->spool_in = there ? 2 : 1;
	return there;
}

int
spool_start(struct job *j, struct machine *m, const struct jobdesc *d,
    struct agentmsg_start *start)
{
	struct spool_send	*ss;
	struct stat		 sb;
	char			*src;
	const char		*x;
	size_t			 i, first;
	int			 in;

	j->xfer = 0;
	j->rx_ok = j->rx_bad = 0;
	if (d->should_transfer == JD_XFER_NO ||
	    (d->should_transfer == JD_XFER_IF_NEEDED && m->fs_domain != NULL &&
	    strcmp(m->fs_domain, spool_fsdomain) == 0))
		return 0;
	j->xfer = 1;
	ss = xcalloc(1, sizeof *ss);
	ss->m = m;
	ss->cluster = j->cluster;
	ss->proc = j->proc;
	ss->run = j->run;
	/* Nothing was staged: nothing to look for. */
	in = spool_has_in(j->cluster);
	for (i = 0; in && i < d->nxfer_in; i++) {
		x = d->xfer_in[i];
		xasprintf(&src, "%s/%u/in%s", spool_dir, j->cluster, x);
		if (x[strlen(x) - 1] == '/')
			spool_send_tree(ss, src, "");
		else
			spool_send_tree(ss, src, spool_base(x));
		free(src);
	}
	xasprintf(&src, "%s/%u/in%s", spool_dir, j->cluster, d->executable);
	if (in && d->transfer_executable && d->executable[0] == '/' &&
	    stat(src, &sb) == 0 && S_ISREG(sb.st_mode)) {
		spool_send_add(ss, src, spool_base(d->executable));
		strlcpy(start->exe, spool_base(d->executable),
		    sizeof start->exe);
	}
	free(src);
	if (in && d->input != NULL) {
		xasprintf(&src, "%s/%u/in%s", spool_dir, j->cluster, d->input);
		if (stat(src, &sb) == 0 && S_ISREG(sb.st_mode))
			spool_send_add(ss, src, "_cq_stdin");
		free(src);
	}
	if (j->ckpt_version > 0) {
		first = ss->n;
		xasprintf(&src, "%s/%u.%u/ckpt.%u", spool_dir, j->cluster,
		    j->proc, j->ckpt_version);
		spool_send_tree(ss, src, "");
		free(src);
		for (i = first; i < ss->n; i++)
			ss->files[i].ckpt = 1;
		start->ckpt = j->ckpt_version;
	}
	start->xfer = 1;
	start->nfiles = (int64_t)ss->n;
	commit_after(spool_send_go, ss);
	return 1;
}

void
spool_cancel(struct machine *m, struct job *j)
{
	struct spool_link	*l = m->spool;
	char			 id[32];

	if (l == NULL || l->peer != m->peer)
		return;
	snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	xferq_cancel(l->xq, id, j->run);
}

/* --- files from agents ------------------------------------------------ */

void
spool_link_closed(struct machine *m)
{
	struct spool_link	*l = m->spool;
	struct job		*j;

	if (l == NULL)
		return;
	/* The agent sends a cut run's files again, all of them: recount. */
	/* Its jobs (agents.c keeps them with it), not the whole queue. */
	TAILQ_FOREACH(j, &m->jobs, on_entry) {
		if (j->slot != NULL && j->slot->machine == m) {
			j->rx_ok = j->rx_bad = j->rx_hold = 0;
			j->ckpt_tmp = 0;
		}
	}
	xfer_in_abort(&l->in);
	xferq_free(l->xq);
	free(l);
	m->spool = NULL;
}

/* The ids to write J's outputs as (runas.c: a job of root's as
 * root_job_user unless root jobs are allowed); -1 if we are root and the
 * user is not one here (nothing is ever written as root for someone
 * else). */
static int
spool_owner_ids(const struct job *j, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;
	const char	*name;

	runas_job(j, &name, uid, gid);
	if (*gid != (gid_t)-1)
		return 0;
	if ((pw = getpwuid(*uid)) != NULL)
		*gid = pw->pw_gid;
	else if (geteuid() == 0 && *uid != 0)
		return -1;
	else
		*uid = (uid_t)-1;
	return 0;
}

/* J's description into D; -1 if its stored ad does not parse. */
static int
spool_desc(const struct job *j, struct jobdesc *d)
{
	struct json_object	*ad;
	const char		*errstr;
	int			 rc;

	memset(d, 0, sizeof *d);
	if (jsonx_parse(j->ad, strlen(j->ad), &ad, &errstr) == -1)
		return -1;
	rc = jobdesc_from_json(ad, d, &errstr);
	json_object_put(ad);
	return rc;
}

/* The executable's name in J's sandbox if it travelled (spool_start). */
static const char *
spool_exe(const struct job *j, const struct jobdesc *d)
{
	struct stat	 sb;
	char		*src;
	int		 ok;

	if (!d->transfer_executable || d->executable[0] != '/' ||
	    !spool_has_in(j->cluster))
		return NULL;
	xasprintf(&src, "%s/%u/in%s", spool_dir, j->cluster, d->executable);
	ok = stat(src, &sb) == 0 && S_ISREG(sb.st_mode);
	free(src);
	return ok ? spool_base(d->executable) : NULL;
}

/* Where a file of J (D) named REL goes (a checkpoint's when CKPT); ROOT
 * and NAME are set. */
static int
spool_dest(struct job *j, const struct jobdesc *d, int ckpt, const char *rel,
    char **root, char **name)
{
	const char	*path = NULL, *slash;

	*root = *name = NULL;
	if (ckpt) {
		xasprintf(root, "%s/%u.%u", spool_dir, j->cluster, j->proc);
		j->spooled = 1;
		spool_mkdir(*root);
		free(*root);
		xasprintf(root, "%s/%u.%u/ckpt.%u.tmp", spool_dir, j->cluster,
		    j->proc, j->ckpt_version + 1);
		if (!j->ckpt_tmp) {
			xfer_rmtree(*root);
			j->ckpt_tmp = 1;
		}
		spool_mkdir(*root);
		*name = xstrdup(rel);
		return 0;
	}
	if (strcmp(rel, XFERNAME_STDOUT) == 0)
		path = d->output;
	else if (strcmp(rel, XFERNAME_STDERR) == 0)
		path = d->error;
	else if (strncmp(rel, "_cq_", 4) != 0) {
		*root = xstrdup(d->initialdir);
		*name = xstrdup(rel);
		return 0;
	}
	if (path != NULL && (slash = strrchr(path, '/')) != NULL &&
	    slash[1] != '\0') {
		*root = xstrndup(path, (size_t)(slash - path) + 1);
		*name = xstrdup(slash + 1);
		return 0;
	}
	return -1;
}

/*
 * Is the file MSG announces for run RUN of J (ID) one M may send?  1 if
 * so; 0 if not (refused and logged; the caller discards its data), with
 * *CLOSED set if the refusal closed M's link.
 */
static int
spool_file_ok(struct machine *m, struct job *j, const char *id, int64_t run,
    const struct agentmsg_file *f, const struct jobdesc *d, int *closed)
{
	const char	*rel = f->path;
	const char	*why;
	char		 erel[160], what[200];
	int		 ckpt = f->kind == AGENTMSG_FILE_CHECKPOINT;

	*closed = 0;
	if (!ckpt && f->kind != AGENTMSG_FILE_OUTPUT)
		why = "agents send only outputs and checkpoints";
	else if (xfername_ok(d, ckpt, rel, f->dir,
	    spool_exe(j, d), &why))
		return 1;
	log_escape(erel, sizeof erel, rel, strlen(rel));
	snprintf(what, sizeof what, "%s file \"%s\"", ckpt ? "checkpoint" :
	    "output", erel);
	*closed = agents_refuse(m, m->peer, what, id, run, why);
	return 0;
}

void
spool_file(struct machine *m, uint32_t reqid, const struct agentmsg_file *f)
{
	struct spool_link	*l = spool_link_get(m);
	struct job		*j = NULL;
	struct jobdesc		 d;
	const char		*id = f->job;
	const char		*rel = f->path;
	const char		*kind = agentmsg_file_kind_str(f->kind);
	int64_t			 run = f->run;
	int64_t			 size = f->size, proc;
	uint32_t		 cluster;
	char			*root = NULL, *name = NULL, err[512], erel[160];
	char			 why[160];
	uid_t			 uid = (uid_t)-1;
	gid_t			 gid = (gid_t)-1;
	mode_t			 um, old;
	int			 ckpt = f->kind == AGENTMSG_FILE_CHECKPOINT, closed;

	if (l == NULL)
		return;
	if (l->receiving || l->discard > 0) {
		peer_close(m->peer, "file while another is arriving");
		return;
	}
	/* agentmsg.c checked the size (0 to XFER_MAX_SIZE). */
	l->reqid = reqid;
	log_escape(erel, sizeof erel, rel, strlen(rel));
	if (job_id_parse(id, &cluster, &proc) == 0 && proc >= 0)
		j = queue_find(cluster, (uint32_t)proc);
	if (!agents_run_here(j, m, run) || (j->vacating && !ckpt) ||
	    (j->state != JOB_RUNNING && j->state != JOB_SUSPENDED &&
	    j->state != JOB_TRANSFERRING_OUTPUT)) {
		/*
		 * Exactly once: a stale run's files are never written, nor
		 * those of a run killed by a hold, a removal or cq vacate;
		 * nor, of course, those of a run given to another machine.
		 */
		if (agents_run_foreign(j, m, run, why, sizeof why)) {
			snprintf(err, sizeof err, "%s file \"%s\"", ckpt ?
			    "checkpoint" : "output", erel);
			if (agents_refuse(m, m->peer, err, id, run, why))
				return;
		} else
			log_info("agent %s: refusing %s file %s of %s run "
			    "%lld: not the current run", m->name, kind, erel,
			    id, (long long)run);
		l->discard = (uint64_t)size;
		return;
	}
	if (spool_desc(j, &d) == -1) {
		log_warnx("job %s: its description does not parse", id);
		j->rx_bad++;
		j->rx_hold = 1;
		l->discard = (uint64_t)size;
		return;
	}
	/* Only under the names the job asked for: else not written. */
	if (!spool_file_ok(m, j, id, run, f, &d, &closed)) {
		jobdesc_free(&d);
		if (closed)
			return;
		j->rx_bad++;
		j->rx_hold = 2;		/* the agent, not the directory */
		l->discard = (uint64_t)size;
		return;
	}
	/* No setuid, setgid or sticky bit; nothing wider than the umask. */
	um = d.umask >= 0 ? (mode_t)d.umask : SPOOL_UMASK;
	if (spool_dest(j, &d, ckpt, rel, &root, &name) == -1) {
		log_warnx("job %s: no place for %s file %s", id, kind, erel);
		j->rx_bad++;
		j->rx_hold = 1;
		l->discard = (uint64_t)size;
		goto done;
	}
	if (!ckpt && spool_owner_ids(j, &uid, &gid) == -1) {
		log_warnx("job %s: owner uid %u is unknown here: output %s "
		    "refused", id, (unsigned)uid, erel);
		j->rx_bad++;
		j->rx_hold = 1;
		l->discard = (uint64_t)size;
		goto done;
	}
	if (f->dir) {
		old = umask(um);
		if (xfer_mkdir(root, name, uid, gid, err, sizeof err) == 0)
			j->rx_ok++;
		else {
			log_warnx("job %s: %s", id, err);
			j->rx_bad++;
			j->rx_hold = !ckpt;
		}
		umask(old);
		l->discard = (uint64_t)size;
		goto done;
	}
	old = umask(um);
	if (xfer_in_open(&l->in, root, name, (uint64_t)size,
	    xfer_mode((mode_t)f->mode, um), f->sha256, uid, gid, err,
	    sizeof err) == -1) {
		umask(old);
		log_warnx("job %s: %s file %s: %s", id, kind, erel, err);
		j->rx_bad++;
		/* The owner's directory refuses it: retrying will not help. */
		j->rx_hold = !ckpt;
		l->discard = (uint64_t)size;
		goto done;
	}
	umask(old);
	l->job = j;
	l->run = j->run;
	l->receiving = 1;
	j->xfer = 1;	/* also for a run adopted after a restart */
	if (!ckpt)
		queue_transferring(j);
	if (size == 0) {
		l->receiving = 0;
		if (xfer_in_data(&l->in, "", 0, err, sizeof err) == 1)
			j->rx_ok++;
		else {
			log_warnx("job %s: %s", id, err);
			j->rx_bad++;
		}
	}
done:
	jobdesc_free(&d);
	free(root);
	free(name);
}

void
spool_data(struct machine *m, uint32_t reqid, const void *raw, size_t len)
{
	struct spool_link	*l = m->spool;
	struct job		*j;
	char			 err[512];
	int			 r;

	if (l == NULL || reqid != l->reqid ||
	    (!l->receiving && l->discard == 0)) {
		peer_close(m->peer, "data without a file");
		return;
	}
	if (l->discard > 0) {
		if (len > l->discard) {
			peer_close(m->peer, "more data than announced");
			return;
		}
		l->discard -= len;
		return;
	}
	r = xfer_in_data(&l->in, raw, len, err, sizeof err);
	if (r == 0)
		return;
	l->receiving = 0;
	/* The job may have left meanwhile (a removal): count nothing. */
	j = queue_find(l->job->cluster, l->job->proc);
	if (j != l->job || j->run != l->run)
		return;
	if (r == 1)
		j->rx_ok++;
	else {
		log_warnx("job %u.%u: transfer from %s failed: %s",
		    j->cluster, j->proc, m->name, err);
		j->rx_bad++;
	}
}

/* After the commit that names the new version: the old one goes. */
struct spool_gone {
	uint32_t	 cluster, proc, keep;
	int		 whole;
};

static void
spool_gone_cb(void *arg)
{
	struct spool_gone	*g = arg;
	struct job		*j, key;
	char			*p;

	xasprintf(&p, "%s/%u.%u", spool_dir, g->cluster, g->proc);
	if (g->whole)
		xfer_rmtree(p);
	else
		spool_sweep_ckpt(p, g->keep);
	free(p);
	if (g->whole) {
		key.cluster = g->cluster;
		key.proc = 0;
		j = RB_NFIND(job_tree, &sd->jobs, &key);
		if (j == NULL || j->cluster != g->cluster) {
			xasprintf(&p, "%s/%u", spool_dir, g->cluster);
			xfer_rmtree(p);
			free(p);
		}
	}
	free(g);
}

int
spool_exited(struct job *j, int64_t files, int checkpoint)
{
	struct spool_gone	*g;
	char			*tmp, *dst, *jd;
	int			 ok;

	ok = j->rx_bad == 0 && j->rx_ok == files;
	if (!ok)
		log_warnx("job %u.%u: %d of %lld files arrived intact",
		    j->cluster, j->proc, j->rx_ok, (long long)files);
	if (!ok && j->rx_hold)
		ok = j->rx_hold == 2 ? -2 : -1;
	j->rx_ok = j->rx_bad = j->rx_hold = 0;
	if (!checkpoint) {
		j->ckpt_tmp = 0;
		return ok;
	}
	ok = ok == 1;
	xasprintf(&tmp, "%s/%u.%u/ckpt.%u.tmp", spool_dir, j->cluster,
	    j->proc, j->ckpt_version + 1);
	xasprintf(&dst, "%s/%u.%u/ckpt.%u", spool_dir, j->cluster, j->proc,
	    j->ckpt_version + 1);
	if (ok && !j->ckpt_tmp) {
		/* A checkpoint of no files: an empty directory. */
		xasprintf(&jd, "%s/%u.%u", spool_dir, j->cluster, j->proc);
		j->spooled = 1;
		spool_mkdir(jd);
		free(jd);
		spool_mkdir(tmp);
	}
	j->ckpt_tmp = 0;
	if (ok && rename(tmp, dst) == 0) {
		xfer_sweep_parts(dst);
		free(tmp);
		xasprintf(&tmp, "%s/%u.%u", spool_dir, j->cluster, j->proc);
		spool_fsync_dir(tmp);
		j->ckpt_version++;
		j->ckpt_time = clock_now_ms();
		g = xcalloc(1, sizeof *g);
		g->cluster = j->cluster;
		g->proc = j->proc;
		g->keep = j->ckpt_version;
		commit_after(spool_gone_cb, g);
	} else {
		if (ok)
			log_warn("rename %s", tmp);
		xfer_rmtree(tmp);
		ok = 0;
	}
	free(tmp);
	free(dst);
	return ok;
}

/*
 * J leaves: its directory goes after the commit, and its cluster's with
 * its cluster's last job.  A job that never had one (j->spooled: made
 * here, or found at start-up) and is not its cluster's last in memory,
 * or whose cluster staged nothing, has nothing to remove: no callback,
 * no system call.
 */
void
spool_job_gone(struct job *j)
{
	struct spool_gone	*g;
	struct cluster		*cl;

	if (!j->spooled && (cl = clusters_find(j->cluster)) != NULL &&
	    (cl->nlive > 1 || cl->spool_in == 1))
		return;
	g = xcalloc(1, sizeof *g);
	g->cluster = j->cluster;
	g->proc = j->proc;
	g->whole = 1;
	commit_after(spool_gone_cb, g);
}
