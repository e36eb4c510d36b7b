/*
 * enroll.c: what the agent proves in its hello (see enroll.h).  The
 * credential the scheduler issues at the first registration is written to
 * STATE_DIR/credential (mode 0600: a temporary file, fsync, rename, then
 * the directory fsynced; STATE_DIR is state_dir/agent as root, drop.h,
 * held open as a descriptor) and presented on every later connect instead of
 * the pool token, which is then no longer needed.  An agent with neither
 * makes a random request key once, kept in STATE_DIR/request (0600), and
 * sends it until an administrator (or an auto-approve block) grants it;
 * the request file goes once the credential is safe.  Files readable by
 * anyone else are refused at start-up: a secret must stay the agent's.
 * Called by link.c (hello) and main.c (start-up).
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

#include "cred.h"
#include "drop.h"
#include "enroll.h"
#include "log.h"
#include "mkdirs.h"

static char	 enroll_dir[1024];
static char	 enroll_cred[CRED_TEXT_MAX];	/* "" if none */
static char	 enroll_token[CRED_TEXT_MAX];	/* "" if none */
static char	 enroll_req[CRED_TEXT_MAX];	/* "" if none (yet) */

/* The directory, held open: the network child writes into it after it
 * gave up root, maybe beneath directories it could not pass (a root's
 * home). */
static int	 enroll_dfd = -1;

static void
enroll_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/%s", enroll_dir, file);
}

/*
 * Read the secret in FILE into OUT: 1 read, 0 no file, -1 with ERR (not
 * ours, readable by others, too long, not KIND).
 */
static int
enroll_read(const char *file, enum cred_kind kind, char *out, size_t outlen,
    char *err, size_t errlen)
{
	struct stat	 sb;
	struct cred	 c;
	char		 path[1100], buf[CRED_TEXT_MAX + 2];
	const char	*errstr;
	ssize_t		 n;
	int		 fd;

	enroll_path(path, sizeof path, file);
	if ((fd = openat(enroll_dfd, file, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (sb.st_uid != geteuid() && sb.st_uid != drop_uid()) ||
	    (sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: must be a file of this user's "
		    "that nobody else may read (chmod 600)", path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (cred_parse(buf, &c, &errstr) == -1 || c.kind != kind) {
		snprintf(err, errlen, "%s: not a %s", path,
		    cred_kind_str(kind));
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	explicit_bzero(&c, sizeof c);
	strlcpy(out, buf, outlen);
	explicit_bzero(buf, sizeof buf);
	return 1;
}

/* Write TEXT to FILE (0600) durably; 0 or -1 (logged). */
static int
enroll_write(const char *file, const char *text)
{
	char	path[1100], tmp[1110];
	size_t	len = strlen(text);
	int	fd;

	enroll_path(path, sizeof path, file);
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	(void)unlinkat(enroll_dfd, tmp, 0);
	if ((fd = openat(enroll_dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", tmp);
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) == -1) {
		log_warn("%s", tmp);
		close(fd);
		(void)unlinkat(enroll_dfd, tmp, 0);
		return -1;
	}
	close(fd);
	if (renameat(enroll_dfd, tmp, enroll_dfd, file) == -1) {
		log_warn("rename %s", path);
		(void)unlinkat(enroll_dfd, tmp, 0);
		return -1;
	}
	(void)fsync(enroll_dfd);
	return 0;
}

int
enroll_init(const char *state_dir, const char *token, char *err,
    size_t errlen)
{
	struct cred	 c;
	const char	*errstr;
	int		 rc;

	if (strlcpy(enroll_dir, state_dir, sizeof enroll_dir) >=
	    sizeof enroll_dir) {
		snprintf(err, errlen, "state_dir: too long");
		return -1;
	}
	if (mkdirs(state_dir, 0700) == -1 ||
	    (enroll_dfd = open(state_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "state_dir %s: %s", state_dir,
		    strerror(errno));
		return -1;
	}
	if (*token != '\0') {
		if (cred_parse(token, &c, &errstr) == -1 ||
		    c.kind != CRED_TOKEN) {
			snprintf(err, errlen, "token: not a pool token (cq "
			    "pool token prints one: cqt1.ID.SECRET)");
			return -1;
		}
		explicit_bzero(&c, sizeof c);
		strlcpy(enroll_token, token, sizeof enroll_token);
	}
	if ((rc = enroll_read("credential", CRED_AGENT, enroll_cred,
	    sizeof enroll_cred, err, errlen)) == -1)
		return -1;
	if (rc == 1) {
		(void)cred_parse(enroll_cred, &c, &errstr);
		log_info("enroll: holding credential %s (%s/credential)",
		    c.id, enroll_dir);
		return 0;
	}
	if (enroll_token[0] != '\0') {
		(void)cred_parse(enroll_token, &c, &errstr);
		log_info("enroll: no credential yet: enrolling with pool "
		    "token %s", c.id);
		return 0;
	}
	if ((rc = enroll_read("request", CRED_REQUEST, enroll_req,
	    sizeof enroll_req, err, errlen)) == -1)
		return -1;
	if (rc == 0) {
		cred_new(CRED_REQUEST, &c);
		cred_format(&c, enroll_req, sizeof enroll_req);
		explicit_bzero(&c, sizeof c);
		if (enroll_write("request", enroll_req) == -1) {
			snprintf(err, errlen, "state_dir %s: cannot keep a "
			    "credential request key", state_dir);
			return -1;
		}
	}
	log_info("enroll: no credential and no pool token: asking the "
	    "scheduler for a credential (an administrator approves it with "
	    "cq pool approve)");
	return 0;
}

void
enroll_shutdown(void)
{
	if (enroll_dfd != -1)
		close(enroll_dfd);
	enroll_dfd = -1;
	explicit_bzero(enroll_cred, sizeof enroll_cred);
	explicit_bzero(enroll_token, sizeof enroll_token);
	explicit_bzero(enroll_req, sizeof enroll_req);
}

void
enroll_hello(struct json_object *o)
{
	if (enroll_cred[0] != '\0')
		json_object_object_add(o, "credential",
		    json_object_new_string(enroll_cred));
	else if (enroll_token[0] != '\0')
		json_object_object_add(o, "token",
		    json_object_new_string(enroll_token));
	else if (enroll_req[0] != '\0')
		json_object_object_add(o, "request",
		    json_object_new_string(enroll_req));
}

int
enroll_issued(const char *text)
{
	struct cred	 c;
	const char	*errstr;

	if (cred_parse(text, &c, &errstr) == -1 || c.kind != CRED_AGENT) {
		log_warnx("enroll: the scheduler sent a malformed "
		    "credential");
		return -1;
	}
	strlcpy(enroll_cred, text, sizeof enroll_cred);
	if (enroll_write("credential", text) == -1) {
		/* It still works until this process ends. */
		log_warnx("enroll: credential %s is NOT saved in %s: after a "
		    "restart this agent cannot prove it (cq pool forget "
		    "frees its name)", c.id, enroll_dir);
		explicit_bzero(&c, sizeof c);
		return 0;
	}
	log_info("enroll: received credential %s, kept in %s/credential",
	    c.id, enroll_dir);
	explicit_bzero(&c, sizeof c);
	if (enroll_req[0] != '\0') {
		(void)unlinkat(enroll_dfd, "request", 0);
		explicit_bzero(enroll_req, sizeof enroll_req);
	}
	return 0;
}

int
enroll_has_credential(void)
{
	return enroll_cred[0] != '\0';
}
