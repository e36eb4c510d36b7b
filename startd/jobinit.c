/*
 * jobinit.c: cq-jobinit, a job's init as a program of its own.  Only
 * cq-startd runs it (jobctl-exec.c), as root where the agent is root,
 * born in the job's cgroup2 group and, where the agent may, as the init
 * of a new pid namespace; it is no use to anyone else (it is not setuid
 * and gives nothing its caller does not have).  What it does is
 * jobctl-init.c's (the job's init) and jobctl-child.c's (the job between
 * its clone and its exec): this file only turns its arguments back into
 * what they need.
 *
 * Its command line is "-s FD -f FD": the status pipe, and a memfd whose
 * NUL-terminated words are its real arguments (a command line is
 * everyone's to read in ps, and they hold the job's environment).
 * Arguments, each option a word and its value the next (numbers in
 * decimal):
 *   -s FD	status pipe (write end): START, then EXIT records
 *   -d FD	deadline pipe (read end)
 *   -c H:FD	a cgroup.procs to join before the job is cloned (H: the
 *		hierarchy, enum jobctl_hier), repeated
 *   -n		it leads a pid namespace
 *   -x PATH	what to execve(); -X NAME the executable as named
 *   -w DIR	working directory; -i -o -e PATH the job's files
 *   -S		error is output's file; -a append to them
 *   -u UID -g GID [-G GID,...]	become this user, with these groups
 *   -h DIR	hide DIR (a mount namespace of the job's), repeated
 *   -D BYTES	RLIMIT_DATA; -P N RLIMIT_NPROC
 *   -A N	the job's argc
 *   -- ARGV... -- ENV...
 * Its own environment is not read.  A bad argument is a START record
 * with EINVAL (where -s came first) and exit status 127.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobctl-int.h"
#include "jobctl.h"

#define JOBINIT_MAXHIDE	64
#define JOBINIT_MAXGRP	65536
#define JOBINIT_MAXWORDS (256UL << 20)	/* bytes of arguments in the memfd */

static struct jobctl_spec	jobinit_spec;
static struct jobctl_child	jobinit_c;
static gid_t			*jobinit_groups;
static char			*jobinit_hide[JOBINIT_MAXHIDE + 1];

/* Refuse argument WHY: a START record where we can, and exit 127. */
static void __attribute__((noreturn))
jobinit_bad(const char *why, const char *arg)
{
	struct jobctl_report	r;
	ssize_t			n;

	if (jobinit_c.ep < 0) {
		fprintf(stderr, "cq-jobinit: %s %s (cq-jobinit is run by "
		    "cq-startd only)\n", why, arg != NULL ? arg : "");
		exit(127);
	}
	memset(&r, 0, sizeof r);
	r.type = JOBCTL_R_START;
	r.err = EINVAL;
	snprintf(r.what, sizeof r.what, "cq-jobinit: %s %s", why,
	    arg != NULL ? arg : "");
	n = write(jobinit_c.ep, &r, sizeof r);
	(void)n;
	_exit(127);
}

/* The decimal number S, at most MAX, to *V; ends at END ('\0' or ','). */
static const char *
jobinit_num(const char *s, unsigned long long max, unsigned long long *v)
{
	const char	*p = s;

	*v = 0;
	if (*p < '0' || *p > '9')
		jobinit_bad("not a number:", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*v > (max - (unsigned long long)(*p - '0')) / 10)
			jobinit_bad("number too large:", s);
		*v = *v * 10 + (unsigned long long)(*p - '0');
	}
	return p;
}

/* The whole of S as a number up to MAX. */
static unsigned long long
jobinit_whole(const char *s, unsigned long long max)
{
	unsigned long long	v;

	if (*jobinit_num(s, max, &v) != '\0')
		jobinit_bad("not a number:", s);
	return v;
}

/* A descriptor >= 3. */
static int
jobinit_fd(const char *s)
{
	int	fd = (int)jobinit_whole(s, INT_MAX);

	if (fd < 3)
		jobinit_bad("not a descriptor of ours:", s);
	return fd;
}

/* -c H:FD */
static void
jobinit_cgroup(const char *s)
{
	unsigned long long	h, fd;
	const char		*p;

	p = jobinit_num(s, JOBCTL_NCG - 1, &h);
	if (*p != ':')
		jobinit_bad("not H:FD:", s);
	fd = jobinit_whole(p + 1, INT_MAX);
	if (fd < 3 || jobinit_c.cgfd[h] != -1)
		jobinit_bad("bad cgroup descriptor:", s);
	jobinit_c.cgfd[h] = (int)fd;
}

/* -G GID,GID,... */
static void
jobinit_grouplist(const char *s)
{
	unsigned long long	 v;
	const char		*p = s;
	int			 n = 1;

	for (; *p != '\0'; p++)
		if (*p == ',')
			n++;
	if (n > JOBINIT_MAXGRP)
		jobinit_bad("too many groups", NULL);
	if ((jobinit_groups = calloc((size_t)n, sizeof *jobinit_groups)) ==
	    NULL)
		jobinit_bad("out of memory", NULL);
	for (p = s, n = 0;; n++) {
		p = jobinit_num(p, (gid_t)-2, &v);
		jobinit_groups[n] = (gid_t)v;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			jobinit_bad("bad group list:", s);
	}
	jobinit_spec.groups = jobinit_groups;
	jobinit_spec.ngroups = n + 1;
}

/* The words in memfd FD (from its start) as a new argv; *ARGC their count. */
static char **
jobinit_words(int fd, int *argc)
{
	struct stat	 st;
	char		*buf, **argv, *p;
	size_t		 len, off;
	ssize_t		 n;
	int		 k = 0;

	if (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > JOBINIT_MAXWORDS)
		jobinit_bad("bad argument memfd", NULL);
	len = (size_t)st.st_size;
	if ((buf = malloc(len + 1)) == NULL)
		jobinit_bad("out of memory", NULL);
	for (off = 0; off < len; off += (size_t)n)
		if ((n = pread(fd, buf + off, len - off, (off_t)off)) <= 0)
			jobinit_bad("cannot read the argument memfd", NULL);
	close(fd);
	if (buf[len - 1] != '\0')
		jobinit_bad("unterminated arguments", NULL);
	buf[len] = '\0';
	for (off = 0; off < len; off++)
		if (buf[off] == '\0')
			k++;
	if ((argv = calloc((size_t)k + 1, sizeof *argv)) == NULL)
		jobinit_bad("out of memory", NULL);
	for (p = buf, k = 0; p < buf + len; p += strlen(p) + 1)
		argv[k++] = p;
	argv[k] = NULL;
	*argc = k;
	return argv;
}

/* The value of option ARGV[*I], or a refusal. */
static char *
jobinit_val(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		jobinit_bad("no value for", argv[*i]);
	return argv[++*i];
}

int
main(int argc, char **argv)
{
	struct jobctl_spec	*s = &jobinit_spec;
	struct jobctl_child	*c = &jobinit_c;
	unsigned long long	 na = 0;
	int			 i, h, nhide = 0, haveu = 0, haveg = 0;
	long			 maxfd;
	char			*o;

	c->spec = s;
	c->ep = c->dp = c->cg2procs = -1;
	for (h = 0; h < JOBCTL_NCG; h++)
		c->cgfd[h] = -1;
	if (argc == 5 && strcmp(argv[1], "-s") == 0 &&
	    strcmp(argv[3], "-f") == 0) {
		c->ep = jobinit_fd(argv[2]);
		argv = jobinit_words(jobinit_fd(argv[4]), &argc);
	}
	for (i = 1; i < argc; i++) {
		o = argv[i];
		if (strcmp(o, "--") == 0)
			break;
		if (o[0] != '-' || o[1] == '\0' || o[2] != '\0')
			jobinit_bad("bad option", o);
		switch (o[1]) {
		case 's':
			c->ep = jobinit_fd(jobinit_val(argc, argv, &i));
			break;
		case 'd':
			c->dp = jobinit_fd(jobinit_val(argc, argv, &i));
			break;
		case 'c':
			jobinit_cgroup(jobinit_val(argc, argv, &i));
			break;
		case 'n':
			c->pidns = 1;
			break;
		case 'x':
			c->path = jobinit_val(argc, argv, &i);
			break;
		case 'X':
			s->executable = jobinit_val(argc, argv, &i);
			break;
		case 'w':
			s->iwd = jobinit_val(argc, argv, &i);
			break;
		case 'i':
			c->input = jobinit_val(argc, argv, &i);
			break;
		case 'o':
			c->output = jobinit_val(argc, argv, &i);
			break;
		case 'e':
			c->error = jobinit_val(argc, argv, &i);
			break;
		case 'S':
			c->share = 1;
			break;
		case 'a':
			s->append = 1;
			break;
		case 'u':
			s->uid = (uid_t)jobinit_whole(jobinit_val(argc, argv,
			    &i), (uid_t)-2);
			haveu = 1;
			break;
		case 'g':
			s->gid = (gid_t)jobinit_whole(jobinit_val(argc, argv,
			    &i), (gid_t)-2);
			haveg = 1;
			break;
		case 'G':
			jobinit_grouplist(jobinit_val(argc, argv, &i));
			break;
		case 'h':
			if (nhide == JOBINIT_MAXHIDE)
				jobinit_bad("too many directories to hide",
				    NULL);
			jobinit_hide[nhide++] = jobinit_val(argc, argv, &i);
			break;
		case 'D':
			c->rl_data = jobinit_whole(jobinit_val(argc, argv, &i),
			    RLIM_INFINITY - 1);
			break;
		case 'P':
			c->rl_nproc = jobinit_whole(jobinit_val(argc, argv, &i),
			    RLIM_INFINITY - 1);
			break;
		case 'A':
			na = jobinit_whole(jobinit_val(argc, argv, &i),
			    (unsigned long long)argc);
			break;
		default:
			jobinit_bad("bad option", o);
		}
	}
	if (c->ep == -1)
		jobinit_bad("no status pipe (-s)", NULL);
	if (c->dp == -1 || c->path == NULL || s->executable == NULL ||
	    s->iwd == NULL || c->input == NULL || c->output == NULL ||
	    c->error == NULL || haveu != haveg || na == 0)
		jobinit_bad("missing options", NULL);
	/* "--" ARGV (NA of them) "--" ENV */
	if (i >= argc || (unsigned long long)(argc - i - 1) < na + 1 ||
	    strcmp(argv[i + 1 + na], "--") != 0)
		jobinit_bad("bad argument list", NULL);
	s->argv = &argv[i + 1];
	argv[i + 1 + na] = NULL;
	s->envp = &argv[i + 2 + na];
	s->switch_user = haveu;
	if (nhide > 0)
		s->hide = jobinit_hide;
	maxfd = sysconf(_SC_OPEN_MAX);
	c->maxfd = maxfd < 0 || maxfd > JOBCTL_MAXFD ? JOBCTL_MAXFD :
	    (int)maxfd;
	jobctl_init_main(c);
}
