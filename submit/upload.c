/*
 * upload.c: what `cq submit` sends to the scheduler's spool before the
 * submit itself, over the same connection: for every job that transfers
 * files (should_transfer_files = YES, or IF_NEEDED with input, output or
 * checkpoint files named), its executable (unless transfer_executable =
 * false), its input (stdin) and each transfer_input_files entry (a
 * directory with all it holds).  Each path
 * is read as the user running cq and sent once, named by its absolute
 * path without the leading '/', which is how the scheduler finds it
 * again (scheduler/spool.c).  Called by cmd-submit.c only.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cq.h"
#include "jobdesc.h"
#include "upload.h"
#include "xfer.h"
#include "xmalloc.h"

struct upload {
	struct client	*c;
	char		**done;
	size_t		  ndone;
	size_t		  nfiles;
};

int
upload_wanted(const struct jobdesc *d)
{
	return jobdesc_xfer_wanted(d);
}

static int
upload_seen(struct upload *u, const char *path)
{
	size_t	i;

	for (i = 0; i < u->ndone; i++)
		if (strcmp(u->done[i], path) == 0)
			return 1;
	u->done = xreallocarray(u->done, u->ndone + 1, sizeof *u->done);
	u->done[u->ndone++] = xstrdup(path);
	return 0;
}

/* Send PATH (followed if a symlink) as REL; directories recursively. */
static int
upload_tree(struct upload *u, const char *path, const char *rel, int top)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*e;
	char		*p2, *r2, real[PATH_MAX];
	int		 rc = 0, any = 0;

	if ((top ? stat(path, &sb) : lstat(path, &sb)) == -1) {
		fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!xfer_path_ok(rel)) {
		fprintf(stderr, "cq: %s: cannot transfer this path\n", path);
		return -1;
	}
	if (S_ISREG(sb.st_mode)) {
		if (realpath(path, real) == NULL) {
			fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));
			return -1;
		}
		u->nfiles++;
		return client_put(u->c, rel, real);
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (!top)
			return 0;	/* symlinks and devices inside: skipped */
		fprintf(stderr, "cq: %s: not a file or directory\n", path);
		return -1;
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		any = 1;
		xasprintf(&p2, "%s/%s", path, e->d_name);
		xasprintf(&r2, "%s/%s", rel, e->d_name);
		rc = upload_tree(u, p2, r2, 0);
		free(p2);
		free(r2);
	}
	closedir(d);
	if (rc == 0 && !any)
		rc = client_put(u->c, rel, NULL);
	return rc;
}

/* One path named by a job: absolute, maybe with a trailing '/'. */
static int
upload_path(struct upload *u, const char *path)
{
	char	*p;
	size_t	 n;
	int	 rc;

	if (path == NULL || path[0] != '/')
		return 0;
	p = xstrdup(path);
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	if (upload_seen(u, p)) {
		free(p);
		return 0;
	}
	rc = upload_tree(u, p, p + 1, 1);
	free(p);
	return rc;
}

int
upload_jobs(struct client *c, const struct jobdesc *jobs, size_t n,
    size_t *nfiles)
{
	struct upload	 u;
	size_t		 i, k;
	int		 rc = 0;

	memset(&u, 0, sizeof u);
	u.c = c;
	for (i = 0; i < n && rc == 0; i++) {
		if (!upload_wanted(&jobs[i]))
			continue;
		if (jobs[i].transfer_executable)
			rc = upload_path(&u, jobs[i].executable);
		if (rc == 0)
			rc = upload_path(&u, jobs[i].input);
		for (k = 0; k < jobs[i].nxfer_in && rc == 0; k++)
			rc = upload_path(&u, jobs[i].xfer_in[k]);
	}
	for (i = 0; i < u.ndone; i++)
		free(u.done[i]);
	free(u.done);
	*nfiles = u.nfiles;
	return rc;
}
