/*
 * stage.c: a client's uploads before its submit.  Each connection that
 * sends `put` gets a staging area spool/stage.<pid>.<n>/ where every file
 * is received as NAME.cq-part and renamed once its checksum matched
 * (common/xfer.c); the `submit` on the same connection renames the whole
 * area to spool/<cluster>/in in the loop turn whose commit creates the
 * cluster (stage_adopt), so the cluster never exists without its inputs,
 * and moves it back if that commit is refused (stage_unadopt), so no
 * spool directory outlives a cluster that never was;
 * a connection that closes first has its area removed, and spool_init()
 * removes any left by a crash.  Called by ctl.c only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "spool.h"
#include "stage.h"
#include "xfer.h"
#include "xmalloc.h"

#define STAGE_MAX_FILES	1000000

struct stage {
	char		*dir;
	struct xfer_in	 in;
	uint32_t	 reqid;
	size_t		 nfiles;
	int		 adopted;
};

static uint64_t	 stage_seq;


static void
stage_reply_ok(struct peer *p, uint32_t reqid)
{
	struct json_object	*o = json_object_new_object();

	peer_send(p, MSG_OK, reqid, o);
	json_object_put(o);
}

void
stage_put(struct stage **sp, struct peer *p, uint32_t reqid,
    struct json_object *msg)
{
	struct stage		*s = *sp;
	const char		*path = jsonx_str(msg, "path", "");
	const char		*sha = jsonx_str(msg, "sha256", "");
	int64_t			 size = jsonx_int(msg, "size", -1);
	char			 err[512];
	int			 r;

	if (s != NULL && xfer_in_active(&s->in)) {
		peer_close(p, "put while a file is still arriving");
		return;
	}
	if (!xfer_path_ok(path) || size < 0 ||
	    (uint64_t)size > XFER_MAX_SIZE) {
		peer_send_error(p, reqid, "put: bad path or size");
		return;
	}
	if (s == NULL) {
		s = *sp = xcalloc(1, sizeof *s);
		s->in.fd = s->in.dirfd = -1;
		xasprintf(&s->dir, "%s/stage.%d.%llu", spool_path(), (int)getpid(),
		    (unsigned long long)++stage_seq);
		if (spool_mkdir(s->dir) == -1) {
			log_warn("%s", s->dir);
			peer_send_error(p, reqid, "the spool cannot stage files");
			return;
		}
	}
	if (++s->nfiles > STAGE_MAX_FILES) {
		peer_send_error(p, reqid, "put: too many files");
		return;
	}
	if (jsonx_bool(msg, "dir", 0)) {
		if (xfer_mkdir(s->dir, path, (uid_t)-1, (gid_t)-1, err,
		    sizeof err) == -1)
			peer_send_error(p, reqid, err);
		else
			stage_reply_ok(p, reqid);
		return;
	}
	if (xfer_in_open(&s->in, s->dir, path, (uint64_t)size,
	    (mode_t)jsonx_int(msg, "mode", 0644), sha, (uid_t)-1, (gid_t)-1,
	    err, sizeof err) == -1) {
		peer_send_error(p, reqid, err);
		return;
	}
	s->reqid = reqid;
	if (size == 0) {
		if ((r = xfer_in_data(&s->in, "", 0, err, sizeof err)) == 1)
			stage_reply_ok(p, reqid);
		else
			peer_send_error(p, reqid, err);
	}
}

void
stage_data(struct stage *s, struct peer *p, uint32_t reqid,
    const void *raw, size_t len)
{
	char	err[512];
	int	r;

	if (s == NULL || !xfer_in_active(&s->in) || reqid != s->reqid) {
		peer_close(p, "data without a put");
		return;
	}
	if ((r = xfer_in_data(&s->in, raw, len, err, sizeof err)) == 1)
		stage_reply_ok(p, reqid);
	else if (r == -1)
		peer_send_error(p, reqid, err);
}

int
stage_busy(const struct stage *s)
{
	return s != NULL && xfer_in_active(&s->in);
}

int
stage_adopt(struct stage *s, uint32_t cluster)
{
	char	*cdir, *in;
	int	 rc = 0;

	if (s == NULL || xfer_in_active(&s->in) || s->adopted)
		return s == NULL ? 0 : -1;
	xasprintf(&cdir, "%s/%u", spool_path(), cluster);
	xasprintf(&in, "%s/in", cdir);
	if (spool_mkdir(cdir) == -1 || rename(s->dir, in) == -1) {
		log_warn("spool: cannot adopt %s as %s", s->dir, in);
		rc = -1;
	} else {
		spool_fsync_dir(cdir);
		spool_fsync_dir(spool_path());
		s->adopted = 1;
	}
	free(cdir);
	free(in);
	return rc;
}

void
stage_unadopt(struct stage *s, uint32_t cluster)
{
	char	*cdir, *in;

	if (s == NULL || !s->adopted)
		return;
	xasprintf(&cdir, "%s/%u", spool_path(), cluster);
	xasprintf(&in, "%s/in", cdir);
	if (rename(in, s->dir) == -1) {
		/* The files are lost to the client: never to a new cluster. */
		log_warn("spool: cannot move %s back to %s", in, s->dir);
		xfer_rmtree(cdir);
	} else {
		s->adopted = 0;
		if (rmdir(cdir) == -1)
			log_warn("spool: %s", cdir);
		spool_fsync_dir(spool_path());
	}
	free(cdir);
	free(in);
}

void
stage_free(struct stage *s)
{
	if (s == NULL)
		return;
	xfer_in_abort(&s->in);
	if (!s->adopted)
		xfer_rmtree(s->dir);
	free(s->dir);
	free(s);
}
