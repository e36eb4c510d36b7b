/*
 * ends.c: the agent's kept job ends.  Every end of a run (its exited
 * report) is appended to STATE_DIR/ends and fsynced before the agent
 * sends it, and stays there until the scheduler acknowledges it; an
 * agent stopped, killed or rebooted while the scheduler did not hear it
 * finds its ends there when it starts again, lists them in its ad and
 * reports them once more (jobs.c), so that a job that ended is counted
 * once and never run again for want of its report.
 *
 * The file is text, one record a line, appended with one write each:
 *
 *	cq-startd ends 1			the first line
 *	keep SLOT {"job":"3.0","run":1,...}	an end: the report's JSON
 *	done 3.0 1				its acknowledgement
 *
 * A `done` line is not synced: lost in a crash, it only makes the agent
 * report an end again, which the scheduler acknowledges and drops (the
 * run is no longer its job's current one, docs/durability.md).  When no
 * end is left the file is cut back to nothing; at start-up, and when it
 * grows past ENDS_REWRITE, it is written again whole with the ends still
 * kept (a temporary file, fsync, rename, the directory fsynced).  A last
 * line without its newline is a write a crash cut: dropped with a log
 * line (its end was never sent).  Anything else that is not as written
 * here refuses the start (ends_open()): the agent cannot know what it
 * reported, and an administrator must decide (docs/durability.md).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agentmsg.h"
#include "agentmsg-int.h"
#include "ends.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "xmalloc.h"

#define ENDS_HEADER	"cq-startd ends 1\n"
#define ENDS_REWRITE	(1024 * 1024)	/* this big: written again */
#define ENDS_MAX_FILE	(256 * 1024 * 1024)

/* A kept end as it is on disk. */
struct ends_rec {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	char		*line;		/* "keep ...\n" */
	size_t		 len;
};

static int		 ends_dfd = -1;
static int		 ends_fd = -1;
static char		 ends_path[1100];
static off_t		 ends_size;
static struct ends_rec	*ends_recs;
static size_t		 ends_n;
static struct kept_end	*ends_found;
static size_t		 ends_nfound;

static int
ends_fail(char *err, size_t errlen, const char *name, size_t line,
    const char *what, const char *detail)
{
	snprintf(err, errlen, "%s:%zu: %s%s%s", name, line, what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	return -1;
}

/* Where V (N of them) holds RUN of JOB, or -1. */
static ssize_t
ends_find(const struct kept_end *v, size_t n, const char *job, uint32_t run)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i].m.run == run && strcmp(v[i].m.job, job) == 0)
			return (ssize_t)i;
	return -1;
}

/* One "keep" line's rest, "SLOT JSON" of LEN bytes, into *KE. */
static int
ends_parse_keep(const char *s, size_t len, struct kept_end *ke,
    const char **errstr)
{
	struct agentmsg	*am;
	const char	*sp, *e;
	char		 num[8];
	long long	 slot;
	int		 rc;

	if ((sp = memchr(s, ' ', len)) == NULL || sp == s ||
	    (size_t)(sp - s) >= sizeof num) {
		*errstr = "no slot number";
		return -1;
	}
	memcpy(num, s, (size_t)(sp - s));
	num[sp - s] = '\0';
	slot = strtonum(num, 1, AGENTMSG_MAX_SLOTS, &e);
	if (e != NULL) {
		*errstr = "slot number out of range";
		return -1;
	}
	am = xcalloc(1, sizeof *am);
	rc = agentmsg_decode(MSG_EXITED, sp + 1, len - (size_t)(sp - s) - 1,
	    am, errstr);
	if (rc == 0) {
		ke->m = am->u.exited;
		ke->slot = (int)slot;
	}
	free(am);
	return rc;
}

int
ends_parse(const char *name, const char *buf, size_t len,
    struct kept_end **out, size_t *n, size_t *good, int *torn,
    char *err, size_t errlen)
{
	struct kept_end	*v = NULL, ke;
	const char	*p = buf, *nl, *errstr, *e;
	char		 job[AGENTMSG_JOB_MAX], runs[16];
	size_t		 nv = 0, line = 0, hl = strlen(ENDS_HEADER), rest;
	ssize_t		 at;
	long long	 run;
	const char	*sp;

	*out = NULL;
	*n = 0;
	*good = 0;
	*torn = 0;
	if (len == 0)
		return 0;
	if (memchr(buf, '\0', len) != NULL)
		return ends_fail(err, errlen, name, 1, "not an ends file",
		    "a NUL byte");
	while (p < buf + len) {
		line++;
		rest = (size_t)(buf + len - p);
		if ((nl = memchr(p, '\n', rest)) == NULL) {
			/* Cut by a crash mid-write: never sent. */
			*torn = 1;
			break;
		}
		if (line == 1) {
			if ((size_t)(nl - p) + 1 != hl ||
			    memcmp(p, ENDS_HEADER, hl) != 0) {
				free(v);
				return ends_fail(err, errlen, name, 1,
				    "not an ends file (or another version)",
				    NULL);
			}
		} else if ((size_t)(nl - p) > 5 && memcmp(p, "keep ", 5) == 0) {
			if (ends_parse_keep(p + 5, (size_t)(nl - p) - 5, &ke,
			    &errstr) == -1) {
				free(v);
				return ends_fail(err, errlen, name, line,
				    "bad kept end", errstr);
			}
			/* (Written once; a repeat replaces it.) */
			if ((at = ends_find(v, nv, ke.m.job, ke.m.run)) >= 0)
				v[at] = ke;
			else {
				v = xreallocarray(v, nv + 1, sizeof *v);
				v[nv++] = ke;
			}
		} else if ((size_t)(nl - p) > 5 &&
		    memcmp(p, "done ", 5) == 0) {
			if ((sp = memchr(p + 5, ' ', (size_t)(nl - p) - 5)) ==
			    NULL || (size_t)(sp - p - 5) >= sizeof job ||
			    (size_t)(nl - sp - 1) >= sizeof runs) {
				free(v);
				return ends_fail(err, errlen, name, line,
				    "bad acknowledgement", NULL);
			}
			memcpy(job, p + 5, (size_t)(sp - p - 5));
			job[sp - p - 5] = '\0';
			memcpy(runs, sp + 1, (size_t)(nl - sp - 1));
			runs[nl - sp - 1] = '\0';
			run = strtonum(runs, 1, UINT32_MAX, &e);
			if (!agentmsg_job_ok(job) || e != NULL) {
				free(v);
				return ends_fail(err, errlen, name, line,
				    "bad acknowledgement", "not a job and run");
			}
			if ((at = ends_find(v, nv, job, (uint32_t)run)) < 0) {
				free(v);
				return ends_fail(err, errlen, name, line,
				    "acknowledgement of an end not kept", job);
			}
			v[at] = v[--nv];
		} else {
			free(v);
			return ends_fail(err, errlen, name, line,
			    "not a record", NULL);
		}
		p = nl + 1;
		*good = (size_t)(p - buf);
	}
	*out = v;
	*n = nv;
	return 0;
}

/* A record line for M on SLOT ("keep SLOT JSON\n"), in *LEN bytes. */
static char *
ends_line(const struct agentmsg_exited *m, int slot, size_t *len)
{
	struct agentmsg		*am;
	struct json_object	*o;
	const char		*s;
	size_t			 n;
	char			*line;

	am = xcalloc(1, sizeof *am);
	am->type = MSG_EXITED;
	am->u.exited = *m;
	o = agentmsg_encode(am);
	free(am);
	s = jsonx_dump(o, &n);
	*len = (size_t)xasprintf(&line, "keep %d %.*s\n", slot, (int)n, s);
	json_object_put(o);
	return line;
}

/* Write LEN bytes of BUF at the end; on a failure the file is as it was. */
static int
ends_append(const char *buf, size_t len, int sync)
{
	ssize_t	w;

	w = write(ends_fd, buf, len);
	if (w == (ssize_t)len && (!sync || fdatasync(ends_fd) == 0)) {
		ends_size += (off_t)len;
		return 0;
	}
	if (w >= 0 && w != (ssize_t)len)
		errno = ENOSPC;
	log_warn("ends: %s", ends_path);
	(void)ftruncate(ends_fd, ends_size);
	return -1;
}

/* Write the file again with the kept ends alone. */
static int
ends_rewrite(void)
{
	char	tmp[] = ENDS_FILE ".tmp";
	size_t	i;
	int	fd, ok = 1;
	struct stat sb;

	(void)unlinkat(ends_dfd, tmp, 0);
	if ((fd = openat(ends_dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC | O_APPEND, 0600)) == -1) {
		log_warn("ends: %s.tmp", ends_path);
		return -1;
	}
	/* As root, the file is the directory's owner's (the agent_user). */
	if (geteuid() == 0 && fstat(ends_dfd, &sb) == 0 && sb.st_uid != 0)
		(void)fchown(fd, sb.st_uid, sb.st_gid);
	if (ends_n > 0 && write(fd, ENDS_HEADER, strlen(ENDS_HEADER)) !=
	    (ssize_t)strlen(ENDS_HEADER))
		ok = 0;
	for (i = 0; ok && i < ends_n; i++)
		if (write(fd, ends_recs[i].line, ends_recs[i].len) !=
		    (ssize_t)ends_recs[i].len)
			ok = 0;
	if (!ok || fsync(fd) == -1 ||
	    renameat(ends_dfd, tmp, ends_dfd, ENDS_FILE) == -1) {
		log_warn("ends: writing %s again", ends_path);
		close(fd);
		(void)unlinkat(ends_dfd, tmp, 0);
		return -1;
	}
	(void)fsync(ends_dfd);
	if (ends_fd != -1)
		close(ends_fd);
	ends_fd = fd;
	ends_size = lseek(fd, 0, SEEK_END);
	return 0;
}

int
ends_open(const char *dir, char *err, size_t errlen)
{
	struct stat	 sb;
	char		*buf = NULL;
	size_t		 i, n, good;
	ssize_t		 r;
	int		 torn, fd;

	snprintf(ends_path, sizeof ends_path, "%s/%s", dir, ENDS_FILE);
	if ((ends_dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	fd = openat(ends_dfd, ENDS_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", ends_path, strerror(errno));
		goto fail;
	}
	if (fd != -1) {
		if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
		    sb.st_size > ENDS_MAX_FILE) {
			snprintf(err, errlen, "%s: not a regular file of at "
			    "most %d MiB", ends_path, ENDS_MAX_FILE >> 20);
			close(fd);
			goto fail;
		}
		buf = xmalloc((size_t)sb.st_size + 1);
		r = read(fd, buf, (size_t)sb.st_size);
		close(fd);
		if (r != (ssize_t)sb.st_size) {
			snprintf(err, errlen, "%s: %s", ends_path, r == -1 ?
			    strerror(errno) : "short read");
			free(buf);
			goto fail;
		}
		if (ends_parse(ends_path, buf, (size_t)r, &ends_found,
		    &ends_nfound, &good, &torn, err, errlen) == -1) {
			free(buf);
			n = strlen(err);
			snprintf(err + n, errlen - n, ": the ends of jobs this "
			    "agent reported and the scheduler did not "
			    "acknowledge are damaged; move the file away to "
			    "start (those jobs may then run again)");
			goto fail;
		}
		if (torn)
			log_warnx("ends: %s: a cut last record (%zu bytes, a "
			    "write a crash interrupted) ignored: its end was "
			    "never reported", ends_path, (size_t)r - good);
		free(buf);
	}
	/* Kept again, and the file written again with them alone. */
	ends_recs = ends_nfound > 0 ?
	    xcalloc(ends_nfound, sizeof *ends_recs) : NULL;
	for (i = 0; i < ends_nfound; i++) {
		strlcpy(ends_recs[i].job, ends_found[i].m.job,
		    sizeof ends_recs[i].job);
		ends_recs[i].run = ends_found[i].m.run;
		ends_recs[i].line = ends_line(&ends_found[i].m,
		    ends_found[i].slot, &ends_recs[i].len);
	}
	ends_n = ends_nfound;
	if (ends_rewrite() == -1) {
		snprintf(err, errlen, "%s: cannot write it (see the log)",
		    ends_path);
		goto fail;
	}
	n = ends_nfound;
	if (n > 0)
		log_info("ends: %zu job end(s) not acknowledged before the "
		    "agent stopped, to report again (%s)", n, ends_path);
	return 0;

fail:
	ends_close();
	return -1;
}

size_t
ends_take(struct kept_end **out)
{
	size_t	n = ends_nfound;

	*out = ends_found;
	ends_found = NULL;
	ends_nfound = 0;
	return n;
}

int
ends_keep(const struct agentmsg_exited *m, int slot)
{
	struct ends_rec	 r;
	size_t		 i;

	if (ends_fd == -1)
		return -1;
	for (i = 0; i < ends_n; i++)
		if (ends_recs[i].run == m->run &&
		    strcmp(ends_recs[i].job, m->job) == 0)
			return 0;	/* kept already */
	memset(&r, 0, sizeof r);
	strlcpy(r.job, m->job, sizeof r.job);
	r.run = m->run;
	r.line = ends_line(m, slot < 1 ? 1 : slot, &r.len);
	if ((ends_size == 0 && ends_append(ENDS_HEADER, strlen(ENDS_HEADER),
	    0) == -1) || ends_append(r.line, r.len, 1) == -1) {
		free(r.line);
		return -1;
	}
	ends_recs = xreallocarray(ends_recs, ends_n + 1, sizeof *ends_recs);
	ends_recs[ends_n++] = r;
	return 0;
}

void
ends_done(const char *job, uint32_t run)
{
	char	*line;
	size_t	 i;
	int	 len;

	for (i = 0; i < ends_n; i++)
		if (ends_recs[i].run == run && strcmp(ends_recs[i].job,
		    job) == 0)
			break;
	if (i == ends_n)
		return;
	free(ends_recs[i].line);
	ends_recs[i] = ends_recs[--ends_n];
	if (ends_n == 0) {
		/* Nothing kept: the file starts over. */
		if (ftruncate(ends_fd, 0) == 0)
			ends_size = 0;
		else
			log_warn("ends: %s", ends_path);
		return;
	}
	if (ends_size > ENDS_REWRITE && ends_rewrite() == 0)
		return;
	len = xasprintf(&line, "done %s %u\n", job, run);
	(void)ends_append(line, (size_t)len, 0);
	free(line);
}

size_t
ends_pending(void)
{
	return ends_n;
}

void
ends_close(void)
{
	size_t	i;

	for (i = 0; i < ends_n; i++)
		free(ends_recs[i].line);
	free(ends_recs);
	ends_recs = NULL;
	ends_n = 0;
	free(ends_found);
	ends_found = NULL;
	ends_nfound = 0;
	if (ends_fd != -1)
		close(ends_fd);
	if (ends_dfd != -1)
		close(ends_dfd);
	ends_fd = ends_dfd = -1;
}
