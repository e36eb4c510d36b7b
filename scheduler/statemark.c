/*
 * statemark.c: reading and writing STATE_DIR/store.mark.  The file is
 * text, one "key value" a line after a comment, every key once:
 *
 *   format 1
 *   db_id 32 hex digits        the id stored in queue.db
 *   reserved N                 no cluster id above N was handed out
 *   committed N                the database held cluster ids up to N
 *   events N                   and job events up to id N
 *   wal present|absent         whether a WAL must be found
 *   wal_salt HEX HEX           the WAL's salts then (present only)
 *   wal_frames N               the frames it held then (present only)
 *
 * It is replaced atomically (a temporary file written and synced, then
 * renamed over it), so a crash leaves the old one or the new one.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statemark.h"

#define STATEMARK_MAX	4096

enum {
	SM_FORMAT = 1 << 0,
	SM_ID = 1 << 1,
	SM_RESERVED = 1 << 2,
	SM_COMMITTED = 1 << 3,
	SM_WAL = 1 << 4,
	SM_SALT = 1 << 5,
	SM_FRAMES = 1 << 6,
	SM_EVENTS = 1 << 7
};

static int
statemark_hex(const char *s, uint32_t *v)
{
	unsigned long long	 x = 0;
	size_t			 i, n = strlen(s);

	if (n == 0 || n > 8)
		return -1;
	for (i = 0; i < n; i++) {
		x <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			x |= (unsigned)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			x |= (unsigned)(s[i] - 'a' + 10);
		else
			return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

/* One "key value" line into M; the key's bit, or 0 with ERR. */
static int
statemark_line(char *line, struct statemark *m, const char **err)
{
	const char	*errstr;
	char		*val, *sp;
	size_t		 i;

	if ((val = strchr(line, ' ')) == NULL) {
		*err = "no value";
		return 0;
	}
	*val++ = '\0';
	if (strcmp(line, "format") == 0) {
		if (strcmp(val, "1") != 0) {
			*err = "a format this cq does not know";
			return 0;
		}
		return SM_FORMAT;
	}
	if (strcmp(line, "db_id") == 0) {
		if (strlen(val) != STATEMARK_ID_LEN)
			goto bad;
		for (i = 0; i < STATEMARK_ID_LEN; i++)
			if (strchr("0123456789abcdef", val[i]) == NULL)
				goto bad;
		memcpy(m->db_id, val, STATEMARK_ID_LEN + 1);
		return SM_ID;
	}
	if (strcmp(line, "reserved") == 0 || strcmp(line, "committed") == 0) {
		int64_t v = strtonum(val, 0, UINT32_MAX, &errstr);
		if (errstr != NULL)
			goto bad;
		if (line[0] == 'r') {
			m->reserved = v;
			return SM_RESERVED;
		}
		m->committed = v;
		return SM_COMMITTED;
	}
	if (strcmp(line, "events") == 0) {
		m->events = strtonum(val, 0, INT64_MAX, &errstr);
		if (errstr != NULL)
			goto bad;
		return SM_EVENTS;
	}
	if (strcmp(line, "wal") == 0) {
		if (strcmp(val, "present") == 0)
			m->wal = 1;
		else if (strcmp(val, "absent") == 0)
			m->wal = 0;
		else
			goto bad;
		return SM_WAL;
	}
	if (strcmp(line, "wal_salt") == 0) {
		if ((sp = strchr(val, ' ')) == NULL)
			goto bad;
		*sp++ = '\0';
		if (statemark_hex(val, &m->wal_salt1) == -1 ||
		    statemark_hex(sp, &m->wal_salt2) == -1)
			goto bad;
		return SM_SALT;
	}
	if (strcmp(line, "wal_frames") == 0) {
		m->wal_frames = (uint32_t)strtonum(val, 0, UINT32_MAX,
		    &errstr);
		if (errstr != NULL)
			goto bad;
		return SM_FRAMES;
	}
	*err = "unknown key";
	return 0;

bad:
	*err = "bad value";
	return 0;
}

int
statemark_read(const char *dir, struct statemark *m, char *err,
    size_t errlen)
{
	char		 path[PATH_MAX], buf[STATEMARK_MAX + 1], *line, *nl;
	const char	*why = NULL;
	ssize_t		 n;
	int		 fd, seen = 0, bit, lineno = 0, want;

	memset(m, 0, sizeof *m);
	snprintf(path, sizeof path, "%s/%s", dir, STATEMARK_NAME);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n == -1 || n > STATEMARK_MAX) {
		snprintf(err, errlen, "%s: %s", path, n == -1 ?
		    strerror(errno) : "too long");
		return -1;
	}
	buf[n] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL) {
			why = "the last line is cut off";
			goto bad;
		}
		*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((bit = statemark_line(line, m, &why)) == 0)
			goto bad;
		if (seen & bit) {
			why = "a key given twice";
			goto bad;
		}
		seen |= bit;
	}
	want = SM_FORMAT | SM_ID | SM_RESERVED | SM_COMMITTED | SM_EVENTS |
	    SM_WAL;
	if (m->wal)
		want |= SM_SALT | SM_FRAMES;
	if ((seen & want) != want) {
		snprintf(err, errlen, "%s: %s", path, n == 0 ? "empty" :
		    "keys missing");
		return -1;
	}
	return 1;

bad:
	snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
	return -1;
}

int
statemark_write(const char *dir, const struct statemark *m, int durable)
{
	char	 path[PATH_MAX], tmp[PATH_MAX], buf[STATEMARK_MAX];
	int	 fd, n, saved;

	snprintf(path, sizeof path, "%s/%s", dir, STATEMARK_NAME);
	snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, STATEMARK_NAME);
	n = snprintf(buf, sizeof buf,
	    "# What cq-schedd expects of queue.db at its next start; "
	    "see cq-schedd(8).\n"
	    "format 1\ndb_id %s\nreserved %" PRId64 "\ncommitted %" PRId64
	    "\nevents %" PRId64 "\nwal %s\n", m->db_id, m->reserved,
	    m->committed, m->events, m->wal ? "present" : "absent");
	if (m->wal)
		n += snprintf(buf + n, sizeof buf - (size_t)n,
		    "wal_salt %08" PRIx32 " %08" PRIx32 "\nwal_frames %" PRIu32
		    "\n", m->wal_salt1, m->wal_salt2, m->wal_frames);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	if (write(fd, buf, (size_t)n) != n || fsync(fd) == -1) {
		saved = errno == 0 ? EIO : errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (durable) {
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -1;
		if (fsync(fd) == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		close(fd);
	}
	return 0;
}
