/*
 * test_priv.c: unit tests of the agent's root parent's request checker
 * (startd/priv.c, priv_check): forged requests, as a network child taken
 * over by an attacker could send them, are refused with a reason: spawns
 * without a sound job id, argv or absolute working directory; signals,
 * freezes and kills of process groups the parent did not spawn (init,
 * any pid, one that has ended), bad signals, unknown operations; CRIU
 * images outside sandbox_dir (by "..", a look-alike prefix, the
 * directory itself); aborts of runs that do not exist; and messages that
 * are not requests at all.  Sound requests pass.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jsonx.h"
#include "msg.h"
#include "priv.h"
#include "startd.h"

static struct startd	 st_here = { .nslots = 2 };
struct startd		*st = &st_here;

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

Test(priv, jobctl_only_for_our_jobs)
{
	struct json_object	*o;
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

	priv_job_add(4242);
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
	/* Once ended (reaped), it is nobody's to signal. */
	priv_job_del(4242);
	refused(MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":4242}", "no job");
}

Test(priv, criu_images_only_inside_sandbox_dir)
{
	priv_set_sandbox_dir("/var/lib/cq/sandbox");
	priv_job_add(5000);
	accepted(MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":5000,\"imgdir\":"
	    "\"/var/lib/cq/sandbox/3.0/.cq-criu\"}");
	accepted(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox/3.0/.cq-criu\"}");
	refused(MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":5001,\"imgdir\":"
	    "\"/var/lib/cq/sandbox/3.0/.cq-criu\"}", "no job");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":\"/etc\"}",
	    "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox/../../../etc\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox/3.0/./x\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox//x\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox-evil/x\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":"
	    "\"/var/lib/cq/sandbox/\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"restore\"}", "not inside");
	refused(MSG_PRIV_CRIU, "{\"op\":\"abort\",\"id\":77}",
	    "no such operation");
	refused(MSG_PRIV_CRIU, "{\"op\":\"exec\"}", "no operation");
	priv_job_del(5000);
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
