/*
 * test_activity.c: unit tests of the owner-activity module
 * (startd/activity.c and the act-*.c sources).  Spec parsing goes through
 * activity_init(); utmp parsing runs act_utmp_scan() on utmp files written
 * here from `struct utmp` records, with the ttys as files in a temporary
 * "dev" directory whose atimes are set with utimensat(); input parsing
 * runs act_input_parse() on recorded `struct input_event` bytes, and the
 * input source end to end reads FIFOs standing in for event devices.  The
 * file: source runs end to end on a real libevent loop with inotify; the
 * load source reads a fake /proc/loadavg.  Each Criterion test runs in its
 * own process (the module's state is per process) and its own mkdtemp()
 * directory.  No timing is asserted beyond "within seconds".
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <linux/input.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmp.h>

#include <criterion/criterion.h>
#include <event2/event.h>

#include "act.h"
#include "activity.h"
#include "clock.h"
#include "log.h"

#define LOOP_MS	3000	/* bound on any wait for a callback */

static char			 dir[64];
static struct event_base	*base;
static int			 ncb;
static char			 err[256];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)remove(path);
	return 0;
}

static void
setup(void)
{
	log_init("test_activity", 1, 0);
	strlcpy(dir, "/tmp/cq-act.XXXXXX", sizeof dir);
	cr_assert_not_null(mkdtemp(dir));
	base = event_base_new();
	cr_assert_not_null(base);
	ncb = 0;
	err[0] = '\0';
}

static void
teardown(void)
{
	activity_shutdown();
	event_base_free(base);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(activity, .init = setup, .fini = teardown);

static void
on_activity(void *arg)
{
	ncb++;
	event_base_loopbreak(base);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(base);
}

/* Run the loop until a callback (1) or MS have passed (0). */
static int
run_until_cb(int ms)
{
	struct event	*t;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };
	int		 before = ncb;

	t = evtimer_new(base, on_timeout, NULL);
	evtimer_add(t, &tv);
	event_base_dispatch(base);
	event_free(t);
	return ncb > before;
}

static char *
path_in(const char *name)
{
	static char	p[4][256];
	static int	i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* Set PATH's atime and mtime to SEC.NSEC. */
static void
set_times(const char *path, time_t sec, long nsec)
{
	struct timespec	ts[2] = { { sec, nsec }, { sec, nsec } };

	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "%s: %s", path,
	    strerror(errno));
}

static int64_t
mtime_ms(const char *path)
{
	struct stat	sb;

	cr_assert_eq(stat(path, &sb), 0);
	return (int64_t)sb.st_mtim.tv_sec * 1000 +
	    sb.st_mtim.tv_nsec / 1000000;
}

static int
init(const char *spec)
{
	return activity_init(base, spec, on_activity, NULL, err, sizeof err);
}

/* --- spec parsing --------------------------------------------------------- */

Test(activity, spec_good)
{
	char	spec[512];

	write_file(path_in("loadavg"), "0.50 0.40 0.30 1/100 42\n");
	snprintf(spec, sizeof spec, " file:%s , load:%s,utmp:%s",
	    path_in("f"), path_in("loadavg"), path_in("utmp"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 3);
	cr_assert_eq(activity_last(), 0);
}

Test(activity, spec_empty_means_none)
{
	cr_assert_eq(init(""), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 0);
	cr_assert_eq(init(" \t"), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 0);
	cr_assert_eq(activity_last(), 0);
	cr_assert_eq(activity_owner_load(), 0);
}

Test(activity, spec_unknown_source)
{
	cr_assert_eq(init("load,mouse"), -1);
	cr_assert_not_null(strstr(err, "unknown source 'mouse'"), "%s", err);
	cr_assert_eq(activity_nsources(), 0);
}

Test(activity, spec_file_needs_a_path)
{
	cr_assert_eq(init("file:"), -1);
	cr_assert_not_null(strstr(err, "empty argument"), "%s", err);
	cr_assert_eq(init("file"), -1);
	cr_assert_not_null(strstr(err, "needs an argument"), "%s", err);
	cr_assert_eq(init("file:relative/path"), -1);
	cr_assert_not_null(strstr(err, "absolute"), "%s", err);
	cr_assert_eq(activity_nsources(), 0);
}

Test(activity, spec_malformed)
{
	char	spec[512];
	int	i;

	cr_assert_eq(init(",load"), -1);
	cr_assert_not_null(strstr(err, "empty source name"), "%s", err);
	cr_assert_eq(init("load,,utmp"), -1);
	cr_assert_eq(init(":x"), -1);
	cr_assert_eq(init("utmp:/a,utmp:/a"), -1);
	cr_assert_not_null(strstr(err, "twice"), "%s", err);
	spec[0] = '\0';
	for (i = 0; i < 17; i++) {
		char	item[32];

		snprintf(item, sizeof item, "%sutmp:/u%d", i ? "," : "", i);
		strlcat(spec, item, sizeof spec);
	}
	cr_assert_eq(init(spec), -1);
	cr_assert_not_null(strstr(err, "more than"), "%s", err);
}

Test(activity, bad_spec_keeps_running_sources)
{
	char	spec[256];

	snprintf(spec, sizeof spec, "file:%s", path_in("f"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 1);
	cr_assert_eq(init("bogus"), -1);
	cr_assert_eq(activity_nsources(), 1);
}

Test(activity, unavailable_sources_are_skipped)
{
	char	spec[256];

	unsetenv("DISPLAY");
	snprintf(spec, sizeof spec, "x11,input:%s,file:%s",
	    path_in("no-such-dir"), path_in("no-such-dir/f"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 0);
}

/* --- utmp ----------------------------------------------------------------- */

static void
put_utmp(int fd, short type, const char *line)
{
	struct utmp	ut;

	memset(&ut, 0, sizeof ut);
	ut.ut_type = type;
	ut.ut_pid = 4242;
	memcpy(ut.ut_line, line, strnlen(line, sizeof ut.ut_line));
	strlcpy(ut.ut_user, "owner", sizeof ut.ut_user);
	cr_assert_eq(write(fd, &ut, sizeof ut), (ssize_t)sizeof ut);
}

static int
open_utmp(void)
{
	int	fd = open(path_in("utmp"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert_neq(fd, -1);
	return fd;
}

/* A tty under DIR/dev with atime SEC.NSEC. */
static void
make_tty(const char *name, time_t sec, long nsec)
{
	char	p[256];

	snprintf(p, sizeof p, "%s/dev/%s", dir, name);
	write_file(p, "");
	set_times(p, sec, nsec);
}

static void
make_devdir(void)
{
	cr_assert_eq(mkdir(path_in("dev"), 0755), 0);
	cr_assert_eq(mkdir(path_in("dev/pts"), 0755), 0);
}

Test(activity, utmp_newest_user_tty)
{
	int64_t	last = -1;
	int	fd;

	make_devdir();
	make_tty("tty1", 1000000, 500000000);
	make_tty("pts/3", 2000000, 250000000);
	make_tty("tty2", 5000000, 0);		/* a getty: LOGIN_PROCESS */
	make_tty("pts/4", 6000000, 0);		/* logged out */
	write_file(path_in("etc"), "");
	set_times(path_in("etc"), 9000000, 0);	/* reachable through .. */
	fd = open_utmp();
	put_utmp(fd, BOOT_TIME, "~");
	put_utmp(fd, LOGIN_PROCESS, "tty2");
	put_utmp(fd, USER_PROCESS, "tty1");
	put_utmp(fd, DEAD_PROCESS, "pts/4");
	put_utmp(fd, USER_PROCESS, "pts/3");
	put_utmp(fd, USER_PROCESS, ":0");
	put_utmp(fd, USER_PROCESS, "../etc");
	put_utmp(fd, USER_PROCESS, "pts/../../etc");
	put_utmp(fd, USER_PROCESS, "pts/99");	/* no such tty */
	put_utmp(fd, USER_PROCESS, "");
	cr_assert_eq(write(fd, "partial record", 14), 14);
	close(fd);
	cr_assert_eq(act_utmp_scan(path_in("utmp"), path_in("dev"), &last), 0);
	cr_assert_eq(last, 2000000250LL, "last %lld", (long long)last);
}

Test(activity, utmp_line_without_nul)
{
	char	line[UT_LINESIZE + 1];
	int64_t	last = -1;
	int	fd;

	make_devdir();
	memset(line, 'x', UT_LINESIZE);
	line[UT_LINESIZE] = '\0';
	make_tty(line, 3000000, 7000000);
	fd = open_utmp();
	put_utmp(fd, USER_PROCESS, line);
	close(fd);
	cr_assert_eq(act_utmp_scan(path_in("utmp"), path_in("dev"), &last), 0);
	cr_assert_eq(last, 3000000007LL);
}

Test(activity, utmp_many_records)
{
	char	name[16];
	int64_t	last = -1;
	int	fd, i;

	make_devdir();
	fd = open_utmp();
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "pts/%d", i);
		make_tty(name, 1000000 + (i == 77 ? 5000 : i), 0);
		put_utmp(fd, USER_PROCESS, name);
	}
	close(fd);
	cr_assert_eq(act_utmp_scan(path_in("utmp"), path_in("dev"), &last), 0);
	cr_assert_eq(last, 1005000000LL);
}

Test(activity, utmp_ignores_dev_null_major)
{
	int64_t	last = -1;
	int	fd;

	fd = open_utmp();
	put_utmp(fd, USER_PROCESS, "null");
	put_utmp(fd, USER_PROCESS, "zero");
	close(fd);
	cr_assert_eq(act_utmp_scan(path_in("utmp"), "/dev", &last), 0);
	cr_assert_eq(last, 0);
}

Test(activity, utmp_missing_file)
{
	int64_t	last = -1;

	cr_assert_eq(act_utmp_scan(path_in("nope"), "/dev", &last), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(last, 0);
	/* The source itself starts anyway: utmp may appear later. */
	{
		char	spec[256];

		snprintf(spec, sizeof spec, "utmp:%s", path_in("nope"));
		cr_assert_eq(init(spec), 0, "%s", err);
		cr_assert_eq(activity_nsources(), 1);
		activity_poll(clock_now_ms());
		cr_assert_eq(activity_last(), 0);
	}
}

/* --- input events --------------------------------------------------------- */

static struct input_event
ev(int sec, int usec, int type, int code, int value)
{
	struct input_event	e;

	memset(&e, 0, sizeof e);
	e.input_event_sec = sec;
	e.input_event_usec = usec;
	e.type = type;
	e.code = code;
	e.value = value;
	return e;
}

Test(activity, input_key_press)
{
	struct input_event	rec[3];
	size_t			used;
	int64_t			when = 0;

	rec[0] = ev(100, 1000, EV_MSC, MSC_SCAN, 30);
	rec[1] = ev(100, 2000, EV_KEY, KEY_A, 1);
	rec[2] = ev(100, 3000, EV_SYN, SYN_REPORT, 0);
	cr_assert_eq(act_input_parse(rec, sizeof rec, &used, &when), 1);
	cr_assert_eq(used, sizeof rec);
	cr_assert_eq(when, 100002);
}

Test(activity, input_syn_only_is_not_activity)
{
	struct input_event	rec[3];
	size_t			used;
	int64_t			when = 0;

	rec[0] = ev(100, 0, EV_SYN, SYN_REPORT, 0);
	rec[1] = ev(101, 0, EV_MSC, MSC_TIMESTAMP, 5);
	rec[2] = ev(102, 0, EV_SYN, SYN_REPORT, 0);
	cr_assert_eq(act_input_parse(rec, sizeof rec, &used, &when), 0);
	cr_assert_eq(used, sizeof rec);
}

Test(activity, input_rel_abs_latest_time)
{
	struct input_event	rec[4];
	size_t			used;
	int64_t			when = 0;

	rec[0] = ev(200, 0, EV_REL, REL_X, 3);
	rec[1] = ev(205, 500000, EV_ABS, ABS_X, 100);
	rec[2] = ev(203, 0, EV_REL, REL_Y, -1);
	rec[3] = ev(206, 0, EV_SYN, SYN_REPORT, 0);
	cr_assert_eq(act_input_parse(rec, sizeof rec, &used, &when), 1);
	cr_assert_eq(when, 205500);
}

Test(activity, input_partial_record_kept)
{
	struct input_event	rec[3];
	unsigned char		buf[sizeof rec + 1], *p = buf + 1;
	size_t			used, half = sizeof rec[0] / 2;
	int64_t			when = 0;

	rec[0] = ev(300, 0, EV_SYN, SYN_REPORT, 0);
	rec[1] = ev(301, 0, EV_SYN, SYN_REPORT, 0);
	rec[2] = ev(302, 0, EV_KEY, KEY_B, 1);
	memcpy(p, rec, sizeof rec);		/* unaligned on purpose */
	/* Two and a half records: the key is in the cut-off half. */
	cr_assert_eq(act_input_parse(p, 2 * sizeof rec[0] + half, &used,
	    &when), 0);
	cr_assert_eq(used, 2 * sizeof rec[0]);
	/* The caller keeps the half and adds the rest. */
	cr_assert_eq(act_input_parse(p + used, sizeof rec - used, &used,
	    &when), 1);
	cr_assert_eq(used, sizeof rec[0]);
	cr_assert_eq(when, 302000);
	cr_assert_eq(act_input_parse(p, half, &used, &when), 0);
	cr_assert_eq(used, 0);
}

/* Write a key press to the FIFO at PATH in two pieces. */
static void
press_key(int wfd)
{
	struct input_event	rec[2];
	const char		*p = (const char *)rec;

	rec[0] = ev(1, 0, EV_KEY, KEY_A, 1);
	rec[1] = ev(1, 0, EV_SYN, SYN_REPORT, 0);
	cr_assert_eq(write(wfd, p, 10), 10);
	cr_assert_eq(write(wfd, p + 10, sizeof rec - 10),
	    (ssize_t)(sizeof rec - 10));
}

Test(activity, input_fifo_devices_and_hotplug)
{
	char	spec[256];
	int64_t	before;
	int	w0, w1;

	cr_assert_eq(mkdir(path_in("input"), 0755), 0);
	cr_assert_eq(mkfifo(path_in("input/event0"), 0600), 0);
	snprintf(spec, sizeof spec, "input:%s", path_in("input"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 1);
	cr_assert_eq(activity_last(), 0);

	w0 = open(path_in("input/event0"), O_WRONLY | O_NONBLOCK);
	cr_assert_neq(w0, -1, "no reader on event0: %s", strerror(errno));
	before = clock_now_ms();
	press_key(w0);
	cr_assert(run_until_cb(LOOP_MS));
	cr_assert_geq(activity_last(), before);

	/* A device plugged in later, and a name that is not a device. */
	cr_assert_eq(mkfifo(path_in("input/mouse0"), 0600), 0);
	cr_assert_eq(mkfifo(path_in("input/event1"), 0600), 0);
	run_until_cb(200);	/* let the hot-plug watch open them */
	cr_assert_eq(open(path_in("input/mouse0"), O_WRONLY | O_NONBLOCK),
	    -1);
	cr_assert_eq(errno, ENXIO);
	w1 = open(path_in("input/event1"), O_WRONLY | O_NONBLOCK);
	cr_assert_neq(w1, -1, "no reader on event1: %s", strerror(errno));
	usleep(1100 * 1000);	/* past the callback gap */
	before = clock_now_ms();
	press_key(w1);
	cr_assert(run_until_cb(LOOP_MS));
	cr_assert_geq(activity_last(), before);
	close(w0);
	close(w1);
	run_until_cb(200);	/* EOF: both dropped, no crash */
	cr_assert_eq(activity_nsources(), 1);
}

/* --- file: ---------------------------------------------------------------- */

Test(activity, file_touch_fires_callback)
{
	char	spec[256];
	int64_t	old;

	write_file(path_in("f"), "");
	set_times(path_in("f"), time(NULL) - 3600, 123456789);
	old = mtime_ms(path_in("f"));
	snprintf(spec, sizeof spec, "file:%s", path_in("f"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 1);
	cr_assert_eq(activity_last(), old);
	cr_assert_eq(utimensat(AT_FDCWD, path_in("f"), NULL, 0), 0); /* touch */
	cr_assert(run_until_cb(LOOP_MS), "no callback after touch");
	cr_assert_eq(ncb, 1);
	cr_assert_eq(activity_last(), mtime_ms(path_in("f")));
	cr_assert_gt(activity_last(), old);
}

Test(activity, file_created_after_start)
{
	char	spec[256];
	int	fd;

	snprintf(spec, sizeof spec, "file:%s", path_in("later"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 1);
	cr_assert_eq(activity_last(), 0);
	fd = open(path_in("later"), O_WRONLY | O_CREAT, 0644);
	cr_assert_neq(fd, -1);
	close(fd);
	cr_assert(run_until_cb(LOOP_MS), "no callback after create");
	cr_assert_eq(activity_last(), mtime_ms(path_in("later")));
}

Test(activity, file_replaced_by_rename)
{
	char	spec[256];
	time_t	now = time(NULL);

	write_file(path_in("f"), "");
	set_times(path_in("f"), now - 100, 0);
	snprintf(spec, sizeof spec, "file:%s", path_in("f"));
	cr_assert_eq(init(spec), 0, "%s", err);

	write_file(path_in("f.tmp"), "x");
	set_times(path_in("f.tmp"), now + 5, 5000000);
	cr_assert_eq(rename(path_in("f.tmp"), path_in("f")), 0);
	cr_assert(run_until_cb(LOOP_MS), "no callback after rename");
	cr_assert_eq(activity_last(), (int64_t)(now + 5) * 1000 + 5);

	/* The new inode is watched; the max never goes back. */
	usleep(1100 * 1000);	/* past the callback gap */
	set_times(path_in("f"), now + 9, 0);
	cr_assert(run_until_cb(LOOP_MS), "no callback on the new inode");
	cr_assert_eq(activity_last(), (int64_t)(now + 9) * 1000);
	set_times(path_in("f"), now - 1000, 0);
	run_until_cb(300);
	cr_assert_eq(activity_last(), (int64_t)(now + 9) * 1000);
}

Test(activity, file_burst_is_folded)
{
	char	spec[256];
	time_t	now = time(NULL);

	write_file(path_in("f"), "");
	set_times(path_in("f"), now - 100, 0);
	snprintf(spec, sizeof spec, "file:%s", path_in("f"));
	cr_assert_eq(init(spec), 0, "%s", err);
	set_times(path_in("f"), now + 1, 0);
	cr_assert(run_until_cb(LOOP_MS));
	/* Half a second of activity later: a burst, not a new spell. */
	set_times(path_in("f"), now + 1, 500000000);
	/* At once: seen, but the callback waits for the gap. */
	cr_assert_not(run_until_cb(300));
	cr_assert_eq(activity_last(), (int64_t)(now + 1) * 1000 + 500);
	cr_assert(run_until_cb(LOOP_MS), "the folded callback never came");
	cr_assert_eq(ncb, 2);
	/*
	 * A second of quiet in the activity itself starts a new spell, even
	 * though the last callback (a folded one) came only just now.
	 */
	set_times(path_in("f"), now + 3, 0);
	cr_assert(run_until_cb(300), "a new spell waited for the gap");
	cr_assert_eq(ncb, 3);
}

/* --- load ----------------------------------------------------------------- */

Test(activity, load_arithmetic)
{
	char	spec[256];
	int64_t	t = clock_now_ms();

	write_file(path_in("loadavg"), "1.50 0.80 0.40 2/100 1234\n");
	snprintf(spec, sizeof spec, "load:%s", path_in("loadavg"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 1);
	cr_assert_float_eq(activity_owner_load(), 1.5, 1e-9);
	cr_assert_eq(activity_last(), 0, "load is not a last-activity source");

	/* Our jobs cause 0.7; after 10 min the damped value has caught up. */
	activity_set_job_load(0.7);
	t += 600000;
	activity_poll(t);
	cr_assert_float_eq(activity_owner_load(), 0.8, 1e-3);

	/* More job load than load: the owner's share is 0, not negative. */
	activity_set_job_load(2.0);
	t += 600000;
	activity_poll(t);
	cr_assert_float_eq(activity_owner_load(), 0, 1e-12);

	/* The file is re-read at each poll. */
	write_file(path_in("loadavg"), "3.25 1.00 1.00 1/100 1234\n");
	t += 1000;
	activity_poll(t);
	cr_assert_float_eq(activity_owner_load(), 1.25, 2e-2);

	/* A job just started: its load shows in the average only slowly. */
	activity_set_job_load(0);
	t += 600000;
	activity_poll(t);
	activity_set_job_load(1.0);
	t += 5000;
	activity_poll(t);
	cr_assert_float_eq(activity_owner_load(), 3.25 - (1 - exp(-5.0 / 60)),
	    1e-3);
}

Test(activity, load_damping_and_reading)
{
	double	v;

	cr_assert_float_eq(act_load_damp(0, 1, 60000), 1 - exp(-1), 1e-12);
	cr_assert_float_eq(act_load_damp(2, 0, 0), 2, 1e-12);
	cr_assert_float_eq(act_load_damp(2, 0, -5000), 2, 1e-12);
	write_file(path_in("la"), "0.07 0.02 0.00 1/80 99\n");
	cr_assert_eq(act_load_read(path_in("la"), &v), 0);
	cr_assert_float_eq(v, 0.07, 1e-12);
	write_file(path_in("la"), "abc\n");
	cr_assert_eq(act_load_read(path_in("la"), &v), -1);
	write_file(path_in("la"), "-1.0 0 0\n");
	cr_assert_eq(act_load_read(path_in("la"), &v), -1);
	write_file(path_in("la"), "nan 0 0\n");
	cr_assert_eq(act_load_read(path_in("la"), &v), -1);
	write_file(path_in("la"), "");
	cr_assert_eq(act_load_read(path_in("la"), &v), -1);
	cr_assert_eq(act_load_read(path_in("missing"), &v), -1);
}

Test(activity, load_unreadable_is_skipped)
{
	char	spec[256];

	snprintf(spec, sizeof spec, "load:%s", path_in("missing"));
	cr_assert_eq(init(spec), 0, "%s", err);
	cr_assert_eq(activity_nsources(), 0);
	cr_assert_eq(activity_owner_load(), 0);
}
