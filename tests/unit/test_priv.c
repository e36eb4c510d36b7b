/*
 * test_priv.c: unit tests of the agent's root parent's request checker
 * (startd/priv-check.c, priv_check) and its table of runs (priv-run.c):
 * forged requests, as a network child taken over by an attacker could
 * send them, are refused with a reason: spawns without a sound job id,
 * argv or absolute working directory; spawns of a run that runs already,
 * for another slot, owner or uid than its run's, with a path in another
 * run's sandbox (by "..", too) or outside its own, or on a slot another
 * run holds; signals, freezes and kills of process groups that are no
 * live run's (init, any pid, one that has ended), bad signals, unknown
 * operations; CRIU images outside sandbox_dir (by "..", a look-alike
 * prefix, the directory itself) or outside the run's own sandbox, dumps
 * of no running run, restores of runs never made or running already;
 * aborts of runs that do not exist; and messages that are not requests
 * at all.  Sound requests pass.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jsonx.h"
#include "msg.h"
#include "priv.h"
#include "startd.h"

static struct startd	 st_here = { .nslots = 2 };
struct startd		*st = &st_here;

#define SBXDIR	"/var/lib/cq/sandbox"

/* A run the parent knows: JOB/RUN on SLOT for owner u (uid 1000), its
 * sandbox SBX under SBXDIR (NULL: none), running as PID (0: ready). */
static struct priv_run *
known(const char *job, uint32_t run, int slot, const char *sbx, pid_t pid)
{
	struct priv_run	*r;
	char		 err[256];

	priv_set_sandbox_dir(SBXDIR);
	r = priv_run_new(job, run, slot, "u", 1000, err, sizeof err);
	cr_assert_not_null(r, "%s", err);
	if (sbx != NULL) {
		cr_assert_eq(asprintf(&r->path, "%s/%s", SBXDIR, sbx) > 0, 1);
		r->sbx = 99;	/* a number, never used here */
	}
	if (pid > 0) {
		priv_run_set_state(r, PRIV_RUN_STARTING);
		r->pid = pid;
		priv_run_set_state(r, PRIV_RUN_RUNNING);
	}
	return r;
}

/* Its process reaped and its sandbox closed: R is forgotten. */
static void
gone(struct priv_run *r)
{
	const char	*job = r->job;
	uint32_t	 run = r->run;
	char		 id[PRIV_JOB_MAX];

	strlcpy(id, job, sizeof id);
	if (r->state == PRIV_RUN_STARTING)
		priv_run_set_state(r, PRIV_RUN_READY);	/* it did not start */
	else if (priv_run_live(r))
		priv_run_set_state(r, PRIV_RUN_ENDED);
	r->sbx = -1;
	priv_run_drop(r);
	cr_assert_null(priv_run_find(id, run));
}

static struct json_object *
parse(const char *s)
{
	struct json_object	*o;
	const char		*errstr;

	cr_assert_eq(jsonx_parse(s, strlen(s), &o, &errstr), 0, "%s", s);
	return o;
}

/* TYPE with payload S is refused, with WHY in the reason. */
static void
refused(uint16_t type, const char *s, const char *why)
{
	struct json_object	*o = parse(s);
	char			 err[512] = "";

	cr_assert_eq(priv_check(type, o, err, sizeof err), -1,
	    "accepted: %s", s);
	cr_assert(strstr(err, why) != NULL, "%s: \"%s\" lacks \"%s\"", s,
	    err, why);
	json_object_put(o);
}

static void
accepted(uint16_t type, const char *s)
{
	struct json_object	*o = parse(s);
	char			 err[512] = "";

	cr_assert_eq(priv_check(type, o, err, sizeof err), 0, "%s: %s", s,
	    err);
	json_object_put(o);
}

#define SPAWN_OK "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\",\"uid\":1000,\"slot\":1," \
	"\"executable\":\"/bin/true\",\"argv\":[\"true\"],\"env\":[]," \
	"\"iwd\":\"/tmp\"}"

Test(priv, spawn)
{
	accepted(MSG_PRIV_SPAWN, SPAWN_OK);
	refused(MSG_PRIV_SPAWN, "{\"job\":\"\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":1,\"executable\":\"/bin/true\",\"argv\":[\"true\"],"
	    "\"env\":[],\"iwd\":\"/tmp\"}", "bad job id");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"0123456789012345678901234567890"
	    "123456789\",\"run\":1,\"owner\":\"u\",\"uid\":1,\"slot\":1,\"executable\":"
	    "\"/bin/true\",\"argv\":[\"true\"],\"env\":[],\"iwd\":\"/tmp\"}",
	    "bad job id");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":1,\"executable\":\"/bin/true\",\"argv\":[],\"env\":[],"
	    "\"iwd\":\"/tmp\"}", "argv");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":1,\"executable\":\"/bin/true\",\"argv\":[\"a\",7],"
	    "\"env\":[],\"iwd\":\"/tmp\"}", "argv");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":1,\"executable\":\"/bin/true\",\"argv\":[\"a\"],"
	    "\"env\":[{}],\"iwd\":\"/tmp\"}", "env");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":1,\"executable\":\"\",\"argv\":[\"a\"],\"env\":[],"
	    "\"iwd\":\"/tmp\"}", "executable");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":1,\"executable\":\"x\",\"argv\":[\"a\"],\"env\":[],"
	    "\"iwd\":\"tmp\"}", "not absolute");
	refused(MSG_PRIV_SPAWN, "{\"job\":\"1.0\",\"run\":1,\"owner\":\"u\","
	    "\"uid\":1,\"slot\":3,\"executable\":\"x\",\"argv\":[\"a\"],\"env\":[],"
	    "\"iwd\":\"/tmp\"}", "no slot 3");
}

/* A spawn of JOB/RUN on SLOT for OWNER/UID in IWD, then EXTRA members. */
static char *
spawn(const char *job, int run, int slot, const char *owner, int uid,
    const char *iwd, const char *extra)
{
	char	*s;

	cr_assert(asprintf(&s, "{\"job\":\"%s\",\"run\":%d,\"owner\":"
	    "\"%s\",\"uid\":%d,\"slot\":%d,\"executable\":\"/bin/true\","
	    "\"argv\":[\"true\"],\"env\":[],\"iwd\":\"%s\"%s}", job, run,
	    owner, uid, slot, iwd, extra) > 0);
	return s;
}

static void
spawn_refused(const char *job, int run, int slot, const char *owner, int uid,
    const char *iwd, const char *extra, const char *why)
{
	char	*s = spawn(job, run, slot, owner, uid, iwd, extra);

	refused(MSG_PRIV_SPAWN, s, why);
	free(s);
}

static void
spawn_accepted(const char *job, int run, int slot, const char *owner,
    int uid, const char *iwd, const char *extra)
{
	char	*s = spawn(job, run, slot, owner, uid, iwd, extra);

	accepted(MSG_PRIV_SPAWN, s);
	free(s);
}

Test(priv, spawn_only_as_its_run)
{
	struct priv_run	*a, *b;

	a = known("1.0", 1, 1, "1.0.r1", 0);
	b = known("2.0", 3, 2, "2.0.r3", 0);
	spawn_accepted("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"output\":\"_cq_stdout\",\"error\":\"_cq_stderr\"");
	spawn_accepted("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"executable\":\"" SBXDIR "/1.0.r1/job.sh\"");
	/* Another run's user, owner or slot. */
	spawn_refused("1.0", 1, 1, "root", 0, SBXDIR "/1.0.r1", "",
	    "are not the run's");
	spawn_refused("1.0", 1, 1, "u", 0, SBXDIR "/1.0.r1", "",
	    "are not the run's");
	spawn_refused("1.0", 1, 1, "v", 1000, SBXDIR "/1.0.r1", "",
	    "are not the run's");
	spawn_refused("1.0", 1, 2, "u", 1000, SBXDIR "/1.0.r1", "",
	    "are not the run's");
	/* Paths in another run's sandbox, or out of its own. */
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/2.0.r3", "",
	    "its iwd is in the sandbox of job 2.0 run 3");
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"output\":\"../2.0.r3/x\"",
	    "its output is in the sandbox of job 2.0 run 3");
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1/..",
	    "", "its iwd is not inside its sandbox");
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"input\":\"" SBXDIR "/9.0.r1/in\"", "its input is in "
	    "sandbox_dir, in no sandbox of its");
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"error\":\"../x\"", "its error is in sandbox_dir, in no "
	    "sandbox of its");
	/* Outside sandbox_dir: the job's user's to open. */
	spawn_accepted("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"input\":\"/dev/null\",\"executable\":\"/bin/sh\"");
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1",
	    ",\"executable\":\"" SBXDIR "/2.0.r3/job.sh\"",
	    "its executable is in the sandbox of job 2.0 run 3");
	spawn_refused("1.0", 1, 1, "u", 1000, "/tmp", "",
	    "its iwd is not inside its sandbox");
	/* A run without a sandbox: nowhere in sandbox_dir. */
	spawn_accepted("5.0", 1, 1, "u", 1000, "/home/u", "");
	spawn_refused("5.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1", "",
	    "its iwd is in the sandbox of job 1.0 run 1");
	spawn_refused("5.0", 1, 1, "u", 1000, "/var/lib/cq",
	    ",\"output\":\"sandbox/2.0.r3/x\"",
	    "its output is in the sandbox of job 2.0 run 3");
	spawn_refused("5.0", 1, 1, "u", 1000, SBXDIR "/7.0.r1", "",
	    "in sandbox_dir, in no sandbox of its");
	spawn_refused("5.0", 1, 1, "u", 1000, SBXDIR, "",
	    "in sandbox_dir, in no sandbox of its");
	/* Once it runs: no second spawn, its slot is its own. */
	priv_run_set_state(a, PRIV_RUN_STARTING);
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1", "",
	    "job 1.0 run 1 is starting already");
	a->pid = 6000;
	priv_run_set_state(a, PRIV_RUN_RUNNING);
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1", "",
	    "job 1.0 run 1 is running already");
	spawn_refused("5.0", 1, 1, "u", 1000, "/home/u", "",
	    "slot 1 is job 1.0 run 1's");
	spawn_accepted("5.0", 1, 2, "u", 1000, "/home/u", "");
	priv_run_set_state(a, PRIV_RUN_ENDED);
	spawn_accepted("5.0", 1, 1, "u", 1000, "/home/u", "");
	/* Ended, it may start again in place (it checkpointed itself). */
	spawn_accepted("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1", "");
	priv_run_set_state(a, PRIV_RUN_STARTING);
	spawn_refused("1.0", 1, 1, "u", 1000, SBXDIR "/1.0.r1", "",
	    "job 1.0 run 1 is starting already");
	gone(a);
	gone(b);
}

Test(priv, runs)
{
	struct priv_run	*r;
	char		 err[256];

	priv_set_sandbox_dir(SBXDIR);
	cr_assert_null(priv_run_new("", 1, 1, "u", 1, err, sizeof err));
	cr_assert_null(priv_run_new("a/b", 1, 1, "u", 1, err, sizeof err));
	cr_assert_null(priv_run_new("..", 1, 1, "u", 1, err, sizeof err));
	cr_assert_null(priv_run_new("0123456789012345678901234567890123",
	    1, 1, "u", 1, err, sizeof err));
	cr_assert_null(priv_run_new("1.0", 1, 3, "u", 1, err, sizeof err));
	cr_assert(strstr(err, "no slot 3") != NULL, "%s", err);
	r = known("1.0", 1, 1, "1.0.r1", 0);
	cr_assert_null(priv_run_new("1.0", 1, 2, "v", 2, err, sizeof err));
	cr_assert(strstr(err, "known already") != NULL, "%s", err);
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(priv_run_find("1.0", 1), r);
	cr_assert_null(priv_run_find("1.0", 2));
	cr_assert_eq(priv_run_path(SBXDIR "/1.0.r1/x/y"), r);
	cr_assert_eq(priv_run_path(SBXDIR "/1.0.r1"), r);
	cr_assert_null(priv_run_path(SBXDIR "/1.0.r10"));
	/* A run with a live process stays while its sandbox closes. */
	priv_run_set_state(r, PRIV_RUN_STARTING);
	r->pid = 7000;
	priv_run_set_state(r, PRIV_RUN_RUNNING);
	cr_assert_eq(priv_run_pid(7000), r);
	r->sbx = -1;
	priv_run_drop(r);
	cr_assert_eq(priv_run_find("1.0", 1), r);
	priv_run_set_state(r, PRIV_RUN_ENDED);
	cr_assert_null(priv_run_pid(7000));
	priv_run_drop(r);
	cr_assert_null(priv_run_find("1.0", 1));
	cr_assert_eq(priv_run_count(), 0);
}

Test(priv, runs_bounded)
{
	char	err[256];
	size_t	i;

	for (i = 0; priv_run_new("1.0", (uint32_t)i, 1, "u", 1, err,
	    sizeof err) != NULL; i++)
		cr_assert(i < 100000, "no bound on the runs");
	cr_assert(strstr(err, "runs known already: no more") != NULL, "%s",
	    err);
	cr_assert_eq(priv_run_count(), i);
	cr_assert(i >= 1024, "only %zu runs", i);
}

Test(priv, jobctl_only_for_our_jobs)
{
	struct json_object	*o;
	struct priv_run		*r;
	char			 err[256];

	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":1}", "no job");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":-1}", "no job");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":0}", "no job");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"freeze\",\"pid\":4242}",
	    "no job");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":4294971538}",
	    "no job");
	/* Unknown pids are ESRCH: the child does not log those. */
	o = parse("{\"op\":\"signal\",\"pid\":4242,\"signal\":15}");
	errno = 0;
	cr_assert_eq(priv_check(MSG_PRIV_JOBCTL, o, err, sizeof err), -1);
	cr_assert_eq(errno, ESRCH);
	json_object_put(o);

	r = known("1.0", 1, 1, NULL, 4242);
	accepted(MSG_PRIV_JOBCTL, "{\"op\":\"freeze\",\"pid\":4242}");
	accepted(MSG_PRIV_JOBCTL, "{\"op\":\"thaw\",\"pid\":4242}");
	accepted(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":4242}");
	accepted(MSG_PRIV_JOBCTL, "{\"op\":\"release\",\"pid\":4242}");
	accepted(MSG_PRIV_JOBCTL,
	    "{\"op\":\"signal\",\"pid\":4242,\"signal\":15}");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"signal\",\"pid\":4242}",
	    "bad signal");
	refused(MSG_PRIV_JOBCTL,
	    "{\"op\":\"signal\",\"pid\":4242,\"signal\":99}", "bad signal");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"chown\",\"pid\":4242}",
	    "no operation");
	accepted(MSG_PRIV_JOBCTL,
	    "{\"op\":\"deadline\",\"pid\":4242,\"at\":12345}");
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":4243}", "no job");
	/* Once ended (reaped), it is nobody's to signal, and it is
	 * remembered as a race, not an attack. */
	priv_run_set_state(r, PRIV_RUN_ENDED);
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":4242}", "no job");
	cr_assert(priv_run_ended(4242));
	cr_assert(!priv_run_ended(4243));
	/* A run whose spawn is queued has no process to signal yet. */
	r = known("2.0", 1, 2, NULL, 0);
	priv_run_set_state(r, PRIV_RUN_STARTING);
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":0}", "no job");
}

Test(priv, criu_images_only_inside_sandbox_dir)
{
	struct priv_run	*r;

	r = known("3.0", 1, 1, "3.0.r1", 5000);
	(void)known("4.0", 1, 2, "4.0.r1", 0);
	accepted(MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":5000,\"imgdir\":"
	    "\"" SBXDIR "/3.0.r1/.cq-criu\",\"job\":\"3.0\",\"run\":1}");
	accepted(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/4.0.r1/.cq-criu\",\"job\":\"4.0\",\"run\":1}");
	refused(MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":5001,\"imgdir\":"
	    "\"" SBXDIR "/3.0.r1/.cq-criu\"}", "no job");
	/* Into another run's sandbox, or from one. */
	refused(MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":5000,\"imgdir\":"
	    "\"" SBXDIR "/4.0.r1/.cq-criu\"}",
	    "not inside the sandbox of job 3.0 run 1");
	refused(MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":5000,\"imgdir\":"
	    "\"" SBXDIR "/3.0.r1/.cq-criu\",\"job\":\"4.0\",\"run\":1}",
	    "is job 3.0 run 1, not job 4.0 run 1");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/3.0.r1/.cq-criu\",\"job\":\"4.0\",\"run\":1}",
	    "not inside the sandbox of job 4.0 run 1");
	/* A run that runs, or that was never made. */
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/3.0.r1/.cq-criu\",\"job\":\"3.0\",\"run\":1}",
	    "is running already");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/9.0.r1/.cq-criu\",\"job\":\"9.0\",\"run\":1}",
	    "job 9.0 run 1 is not known here");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/3.0.r1/.cq-criu\"}", "not known here");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":\"/etc\"}",
	    "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/../../../etc\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/3.0/./x\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "//x\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "-evil/x\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"" SBXDIR "/\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"abort\",\"id\":77}",
	    "no such operation");
	refused(MSG_PRIV_CRIU, "{\"op\":\"exec\"}", "no operation");
	gone(r);
}

Test(priv, open_only_input_devices)
{
	refused(MSG_PRIV_OPEN, "{\"what\":\"input\",\"name\":\"event0\"}",
	    "only with the input source");
	priv_set_input_dir("/dev/input");
	accepted(MSG_PRIV_OPEN, "{\"what\":\"input\",\"name\":\"event12\"}");
	refused(MSG_PRIV_OPEN, "{\"what\":\"input\",\"name\":\"../../etc/shadow\"}",
	    "not an input device name");
	refused(MSG_PRIV_OPEN, "{\"what\":\"input\",\"name\":\"event1/../x\"}",
	    "not an input device name");
	refused(MSG_PRIV_OPEN, "{\"what\":\"input\",\"name\":\"event\"}",
	    "not an input device name");
	refused(MSG_PRIV_OPEN, "{\"what\":\"input\",\"name\":\"mice\"}",
	    "not an input device name");
	refused(MSG_PRIV_OPEN, "{\"what\":\"sandbox\",\"name\":\"event0\"}",
	    "only input devices");
	priv_set_input_dir(NULL);
}

Test(priv, not_requests)
{
	refused(MSG_PRIV_EXIT, "{}", "not a request");
	refused(MSG_START, "{}", "not a request");
	refused(MSG_PRIV_SPAWNED, "{}", "not a request");
}
