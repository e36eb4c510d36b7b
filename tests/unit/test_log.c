/*
 * test_log.c: common/log.c's held lines (log_hold): information lines
 * wait for log_flush() and the first one asks for it; a warning goes out
 * at once, after them; a forked child does not write its parent's; another
 * thread's lines are not held; each line carries its process's pid.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"

static int	firsts;
static int	rfd = -1;

static void
first(void)
{
	firsts++;
}

/* Our stderr into a pipe, read without blocking. */
static void
setup(void)
{
	int	p[2];

	cr_assert(pipe(p) == 0);
	cr_assert(dup2(p[1], STDERR_FILENO) != -1);
	close(p[1]);
	rfd = p[0];
	cr_assert(fcntl(rfd, F_SETFL, O_NONBLOCK) == 0);
	firsts = 0;
	log_init("t", 1, 0);
}

/* What was written so far, as a string. */
static char *
drain(void)
{
	static char	buf[65536];
	size_t		len = 0;
	ssize_t		n;

	while (len < sizeof buf - 1 &&
	    (n = read(rfd, buf + len, sizeof buf - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	return buf;
}

static int
count(const char *s, const char *what)
{
	int	n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

Test(log, held_until_flush, .init = setup)
{
	char	*s;

	log_hold(first);
	log_info("one");
	log_info("two");
	cr_assert_str_empty(drain());
	cr_assert_eq(firsts, 1, "the first held line asks for a flush once");
	log_flush();
	s = drain();
	cr_assert(strstr(s, "one\n") != NULL && strstr(s, "two\n") != NULL &&
	    strstr(s, "one\n") < strstr(s, "two\n"), "got: %s", s);
	log_info("three");
	cr_assert_eq(firsts, 2, "a new turn's first line asks again");
	log_hold(NULL);
	cr_assert(strstr(drain(), "three\n") != NULL, "log_hold(NULL) flushes");
	log_info("four");
	cr_assert(strstr(drain(), "four\n") != NULL, "not held any more");
}

Test(log, warning_at_once_after_held, .init = setup)
{
	char	*s, pid[32];

	log_hold(first);
	log_info("before");
	log_warnx("trouble");
	s = drain();
	cr_assert(strstr(s, "before\n") != NULL &&
	    strstr(s, "before\n") < strstr(s, "trouble\n"), "got: %s", s);
	snprintf(pid, sizeof pid, " t[%ld]: ", (long)getpid());
	cr_assert_eq(count(s, pid), 2, "each line names our pid: %s", s);
	log_hold(NULL);
}

Test(log, child_does_not_write_parent_lines, .init = setup)
{
	char	*s, pid[32];
	pid_t	 child;
	int	 st;

	log_hold(first);
	log_info("parent");
	if ((child = fork()) == 0) {
		log_info("child");
		log_flush();
		_exit(0);
	}
	cr_assert(child > 0);
	cr_assert(waitpid(child, &st, 0) == child && WIFEXITED(st));
	s = drain();
	cr_assert_eq(count(s, "parent\n"), 0, "held, not the child's: %s", s);
	snprintf(pid, sizeof pid, " t[%ld]: child\n", (long)child);
	cr_assert(strstr(s, pid) != NULL, "the child's line, its pid: %s", s);
	log_flush();
	cr_assert_eq(count(drain(), "parent\n"), 1);
	log_hold(NULL);
}

static void *
thread_main(void *arg)
{
	log_info("from a thread");
	return NULL;
}

Test(log, other_thread_not_held, .init = setup)
{
	pthread_t	th;

	log_hold(first);
	log_info("loop");
	cr_assert(pthread_create(&th, NULL, thread_main, NULL) == 0);
	cr_assert(pthread_join(th, NULL) == 0);
	cr_assert(strstr(drain(), "from a thread\n") != NULL);
	cr_assert_eq(firsts, 1);
	log_flush();
	cr_assert(strstr(drain(), "loop\n") != NULL);
	log_hold(NULL);
}
