/*
 * counter.c: the test job of the checkpoint tests.  It counts 1..N, one
 * step every M ms, appending each number as a line to its output (--out
 * FILE, else stdout), so an undisturbed run leaves exactly "1\n".."N\n".
 *
 * With --ckpt FILE it checkpoints cooperatively, as an HTCondor
 * self-checkpointing job does: every K steps (--interval) it writes the
 * count and the output's size to FILE atomically (temporary name, fsync,
 * rename, fsync of the directory) after fsyncing the output; with
 * --exit-code C it then exits with C so that it is restarted (periodic
 * checkpoints); on SIGTERM it checkpoints and exits with C (143 without
 * --exit-code).  At start, an existing FILE means "resume": the output is
 * cut back to the recorded size, so steps done after the checkpoint are
 * redone but never duplicated.  How many were redone is reported on
 * stderr and, with --redo FILE, appended to FILE as "start=S redo=R" (one
 * line per start), so a test can check that no more than one interval
 * was lost.
 *
 * Without --ckpt it is the CRIU variant: all state is in memory, the
 * output stays open all along (as a real job's would), and --mem MB
 * fills that much memory with a pattern whose checksum is verified, a
 * slice at each step and in full at the end, so a restored image with a
 * bad page fails the run (exit 3).
 *
 * Exit codes: 0 done, C checkpointed, 2 bad usage, 3 memory corrupt,
 * 4 a checkpoint that does not fit the output, 1 other errors.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024UL * 1024UL)
#define CKPT_MAX	128		/* bytes of a checkpoint file */

struct counter {
	long long	 n;
	const char	*ckpt;
	long long	 interval;
	int		 exit_code;	/* -1: none given */
	long long	 step_ms;
	const char	*out;
	const char	*redo;
	long long	 mem_mb;
	int		 fd;		/* the output */
	uint8_t		*mem;
	size_t		 memlen;
	uint64_t	 memsum;
};

static volatile sig_atomic_t	got_term;

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: counter N [--ckpt FILE] [--interval K] "
	    "[--exit-code C] [--step-ms M] [--out FILE] [--redo FILE] "
	    "[--mem MB]\n");
	exit(2);
}

static void __attribute__((noreturn))
die(const char *what, const char *arg)
{
	fprintf(stderr, "counter: %s%s%s: %s\n", what, arg ? " " : "",
	    arg ? arg : "", strerror(errno));
	exit(1);
}

static long long
num(const char *s, long long min, long long max, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "counter: %s '%s' is %s\n", what, s, errstr);
		exit(2);
	}
	return v;
}

static void
write_all(int fd, const char *buf, size_t len, const char *what)
{
	ssize_t	w;

	while (len > 0) {
		w = write(fd, buf, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			die("write", what);
		buf += w;
		len -= (size_t)w;
	}
}

/* A pattern that depends on the position, so a misplaced page shows. */
static uint64_t
mem_word(size_t i)
{
	uint64_t	x = (uint64_t)i * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ULL;
}

static void
mem_fill(struct counter *c)
{
	uint64_t	*w;
	size_t		 i, nw;

	if (c->mem_mb == 0)
		return;
	c->memlen = (size_t)c->mem_mb * MIB;
	if ((c->mem = malloc(c->memlen)) == NULL)
		die("malloc", NULL);
	w = (uint64_t *)c->mem;
	nw = c->memlen / sizeof *w;
	for (i = 0; i < nw; i++)
		w[i] = mem_word(i);
}

/* Check words [FROM, TO) against the pattern; exit 3 on a mismatch. */
static void
mem_check(const struct counter *c, size_t from, size_t to)
{
	const uint64_t	*w = (const uint64_t *)c->mem;
	size_t		 i;

	for (i = from; i < to; i++)
		if (w[i] != mem_word(i)) {
			fprintf(stderr, "counter: memory corrupt at byte %zu\n",
			    i * sizeof *w);
			exit(3);
		}
}

/* At step I, check one MiB slice of the memory, in turn. */
static void
mem_step(const struct counter *c, long long i)
{
	size_t	per = MIB / sizeof(uint64_t), slices;

	if (c->mem == NULL)
		return;
	slices = c->memlen / MIB;
	mem_check(c, (size_t)(i % (long long)slices) * per,
	    (size_t)(i % (long long)slices + 1) * per);
}

static void
msleep(long long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	/* SIGTERM ends the sleep early: the loop then checkpoints. */
	(void)nanosleep(&ts, NULL);
}

/* Write the checkpoint "COUNT SIZE\n" atomically. */
static void
ckpt_write(const struct counter *c, long long count)
{
	char	tmp[PATH_MAX], buf[CKPT_MAX], dir[PATH_MAX], *slash;
	off_t	size;
	int	fd, n;

	if (fsync(c->fd) == -1 && errno != EINVAL)
		die("fsync", c->out ? c->out : "stdout");
	if ((size = lseek(c->fd, 0, SEEK_END)) == -1)
		die("lseek", c->out ? c->out : "stdout");
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", c->ckpt) >= sizeof tmp)
		die("checkpoint name too long", c->ckpt);
	n = snprintf(buf, sizeof buf, "%lld %lld\n", count, (long long)size);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		die("open", tmp);
	write_all(fd, buf, (size_t)n, tmp);
	if (fsync(fd) == -1 || close(fd) == -1)
		die("fsync", tmp);
	if (rename(tmp, c->ckpt) == -1)
		die("rename", tmp);
	strlcpy(dir, c->ckpt, sizeof dir);
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof dir);
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Resume from the checkpoint if there is one: the count done, with the
 * output cut back to its size then.  Returns the count (0: from scratch).
 */
static long long
ckpt_resume(struct counter *c)
{
	char		 buf[CKPT_MAX], *sp, ch;
	const char	*errstr;
	long long	 count, size, redo = 0;
	struct stat	 sb;
	ssize_t		 r;
	off_t		 off;
	int		 fd;
	FILE		*f;

	if ((fd = open(c->ckpt, O_RDONLY)) == -1) {
		if (errno == ENOENT)
			return 0;
		die("open", c->ckpt);
	}
	r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		goto bad;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if ((sp = strchr(buf, ' ')) == NULL)
		goto bad;
	*sp++ = '\0';
	count = strtonum(buf, 0, c->n, &errstr);
	if (errstr != NULL)
		goto bad;
	size = strtonum(sp, 0, LLONG_MAX, &errstr);
	if (errstr != NULL)
		goto bad;
	if (fstat(c->fd, &sb) == -1)
		die("fstat", c->out ? c->out : "stdout");
	if (!S_ISREG(sb.st_mode) || sb.st_size < size) {
		fprintf(stderr, "counter: checkpoint %s says %lld bytes of "
		    "output, the output has %lld\n", c->ckpt, size,
		    (long long)sb.st_size);
		exit(4);
	}
	/* Lines past the checkpoint were done and are redone now. */
	for (off = size; off < sb.st_size; off++)
		if (pread(c->fd, &ch, 1, off) == 1 && ch == '\n')
			redo++;
	if (ftruncate(c->fd, size) == -1)
		die("ftruncate", c->out ? c->out : "stdout");
	if (lseek(c->fd, 0, SEEK_END) == -1)
		die("lseek", c->out ? c->out : "stdout");
	fprintf(stderr, "counter: resuming after %lld, redoing %lld\n",
	    count, redo);
	if (c->redo != NULL) {
		if ((f = fopen(c->redo, "a")) == NULL)
			die("open", c->redo);
		fprintf(f, "start=%lld redo=%lld\n", count, redo);
		if (fclose(f) != 0)
			die("write", c->redo);
	}
	return count;

bad:
	fprintf(stderr, "counter: %s: not a checkpoint\n", c->ckpt);
	exit(4);
}

int
main(int argc, char **argv)
{
	struct counter		 c;
	struct sigaction	 sa;
	char			 line[32];
	long long		 i, start = 0;
	int			 a, n;

	memset(&c, 0, sizeof c);
	c.interval = 10;
	c.exit_code = -1;
	c.step_ms = 100;
	if (argc < 2)
		usage();
	c.n = num(argv[1], 1, LLONG_MAX / 2, "N");
	for (a = 2; a < argc; a++) {
		if (a + 1 >= argc)
			usage();
		if (strcmp(argv[a], "--ckpt") == 0)
			c.ckpt = argv[++a];
		else if (strcmp(argv[a], "--interval") == 0)
			c.interval = num(argv[++a], 1, LLONG_MAX, "interval");
		else if (strcmp(argv[a], "--exit-code") == 0)
			c.exit_code = (int)num(argv[++a], 1, 255, "exit code");
		else if (strcmp(argv[a], "--step-ms") == 0)
			c.step_ms = num(argv[++a], 0, 3600000, "step");
		else if (strcmp(argv[a], "--out") == 0)
			c.out = argv[++a];
		else if (strcmp(argv[a], "--redo") == 0)
			c.redo = argv[++a];
		else if (strcmp(argv[a], "--mem") == 0)
			c.mem_mb = num(argv[++a], 0, 1 << 20, "memory");
		else
			usage();
	}

	if (c.out == NULL)
		c.fd = 1;
	else if ((c.fd = open(c.out, O_RDWR | O_CREAT | O_APPEND, 0644)) ==
	    -1)
		die("open", c.out);
	if (c.ckpt != NULL) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_term;	/* no SA_RESTART: ends the sleep */
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		start = ckpt_resume(&c);
	}
	mem_fill(&c);

	for (i = start + 1; i <= c.n; i++) {
		n = snprintf(line, sizeof line, "%lld\n", i);
		write_all(c.fd, line, (size_t)n, c.out ? c.out : "stdout");
		mem_step(&c, i);
		if (i == c.n)
			break;
		if (c.ckpt != NULL && (got_term || i % c.interval == 0)) {
			ckpt_write(&c, i);
			if (got_term)
				exit(c.exit_code != -1 ? c.exit_code : 143);
			if (c.exit_code != -1)
				exit(c.exit_code);
		}
		msleep(c.step_ms);
		if (c.ckpt != NULL && got_term) {
			ckpt_write(&c, i);
			exit(c.exit_code != -1 ? c.exit_code : 143);
		}
	}
	if (c.mem != NULL)
		mem_check(&c, 0, c.memlen / sizeof(uint64_t));
	free(c.mem);
	if (c.out != NULL && close(c.fd) == -1)
		die("close", c.out);
	return 0;
}
