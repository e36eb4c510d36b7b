/*
 * test_jobdesc.c: unit tests of job descriptions (common/jobdesc.c): one
 * from a command line, and the wire form both ways.  The descriptions
 * encoded come from the submit parser, reading "t.sub" from the working
 * directory /home/u with a fixed environment, so every expected path is
 * exact.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jobdesc.h"
#include "jsonx.h"
#include "submit.h"
#include "xmalloc.h"

#include "parse_fixture.h"

TestSuite(jobdesc, .fini = teardown);

Test(jobdesc, from_argv)
{
	struct jobdesc	 jd;
	char		*argv1[] = { "sh", "-c", "echo hi", NULL };
	char		*argv2[] = { "bin/sh", NULL };
	char		*argv3[] = { "no-such-command-xyzzy", "a", NULL };
	char		*argv4[] = { "./nope", NULL };

	cr_assert_eq(jobdesc_from_argv(3, argv1, "/tmp", &jd, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(jd.executable[0], '/');
	cr_assert_eq(access(jd.executable, X_OK), 0);
	cr_assert_str_eq(strrchr(jd.executable, '/'), "/sh");
	cr_assert_eq(jd.argc, 2);
	cr_assert_str_eq(jd.argv[0], "-c");
	cr_assert_str_eq(jd.argv[1], "echo hi");
	cr_assert_null(jd.argv[2]);
	cr_assert_str_eq(jd.initialdir, "/tmp");
	cr_assert_eq(jd.request_cpus, 1);
	cr_assert_eq(jd.nenv, 0);
	jobdesc_free(&jd);

	cr_assert_eq(jobdesc_from_argv(1, argv2, "/", &jd, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(jd.executable, "/bin/sh");
	cr_assert_eq(jd.argc, 0);
	jobdesc_free(&jd);

	cr_assert_eq(jobdesc_from_argv(2, argv3, "/tmp", &jd, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "no-such-command-xyzzy: command not found");
	cr_assert_eq(jobdesc_from_argv(1, argv4, "/", &jd, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "./nope: command not found");
	jobdesc_free(NULL);
}

Test(jobdesc, from_argv_utf8)
{
	char	*argv[] = { "/bin/sh", "caf\xe9", NULL };

	cr_assert_eq(jobdesc_from_argv(2, argv, "/", &(struct jobdesc){ 0 },
	    err, sizeof(err)), -1);
	cr_assert_str_eq(err, "/bin/sh: argument 1 is not valid UTF-8");
}

static const char *full =
    "executable = /bin/echo\n"
    "arguments = \"a 'b c' \"\"d\"\"\"\n"
    "output = out.$(Process)\n"
    "error = err\n"
    "log = l.log\n"
    "initialdir = /data\n"
    "request_cpus = 2\n"
    "request_memory = 1G\n"
    "request_disk = 5M\n"
    "requirements = OpSys == \"LINUX\"\n"
    "environment = \"A=1 B='x y'\"\n"
    "+Num = 7\n+Flag = true\n+Str = \"s\"\n+Raw = \"a && b\"\n"
    "queue 2\n";

Test(jobdesc, to_json_keys)
{
	struct json_object	*o, *v;
	const char		*keys[] = { "proc", "executable", "arguments",
	    "output", "error", "log", "input", "initialdir", "request_cpus",
	    "request_memory_mb", "request_disk_kb", "requirements",
	    "environment", "custom" };
	size_t			 i = 0;

	cr_assert_eq(parse(full), 0, "%s", err);
	o = jobdesc_to_json(&jobs[1]);
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (i == sizeof(keys) / sizeof(keys[0]))
			break;
		cr_assert_str_eq(key, keys[i]);
		i++;
	}
	cr_assert_eq(i, sizeof(keys) / sizeof(keys[0]));
	/* The members past DESIGN.md's come after them, with defaults. */
	cr_assert_eq(json_object_get_int(jsonx_get(o, "max_retries")), -1);
	cr_assert_eq(json_object_get_int(jsonx_get(o,
	    "checkpoint_exit_code")), -1);
	cr_assert_str_eq(json_object_get_string(jsonx_get(o,
	    "should_transfer_files")), "IF_NEEDED");
	cr_assert_eq(json_object_array_length(jsonx_get(o,
	    "transfer_input_files")), 0);
	{
		const char *rest[] = { "priority", "rank", "batch_name",
		    "max_retries", "notification", "should_transfer_files",
		    "when_to_transfer_output", "transfer_input_files",
		    "transfer_output_files", "checkpoint_exit_code",
		    "transfer_checkpoint_files", "checkpoint", "kill_sig",
		    "on_exit_remove", "on_exit_hold", "on_exit_hold_reason",
		    "on_exit_hold_subcode", "periodic_hold",
		    "periodic_hold_reason", "periodic_hold_subcode",
		    "periodic_release", "periodic_remove", "success_exit_code",
		    "retry_until", "accounting_group",
		    "accounting_group_user", "concurrency_limits",
		    "nice_user" };
		for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++) {
			cr_assert(json_object_object_get_ex(o, rest[i], NULL),
			    "%s", rest[i]);
			json_object_object_del(o, rest[i]);
		}
	}
	cr_assert_str_eq(jsonx_dump(o, NULL),
	    "{\"proc\":1,\"executable\":\"/bin/echo\","
	    "\"arguments\":[\"a\",\"b c\",\"\\\"d\\\"\"],"
	    "\"output\":\"/data/out.1\",\"error\":\"/data/err\","
	    "\"log\":\"/data/l.log\",\"input\":null,\"initialdir\":\"/data\","
	    "\"request_cpus\":2,\"request_memory_mb\":1024,"
	    "\"request_disk_kb\":5120,"
	    "\"requirements\":\"OpSys == \\\"LINUX\\\"\","
	    "\"environment\":{\"A\":\"1\",\"B\":\"x y\"},"
	    "\"custom\":{\"Num\":7,\"Flag\":true,\"Str\":\"s\","
	    "\"Raw\":\"a && b\"}}");
	v = jsonx_get(o, "custom");
	cr_assert_neq(v, jobs[1].custom);	/* a copy, not a share */
	json_object_put(o);
}

/*
 * The wire form's object decodes as json-c's reading of its text TEXT
 * does (scheduler/factory.c checks a job so): the same answer, the same
 * description.
 */
static void
object_is_text(const struct jobdesc *jd, const char *text)
{
	struct json_object	*o, *p;
	struct jobdesc		 a, b;
	const char		*ea = NULL, *eb = NULL;
	char			*ta, *tb;
	size_t			 n;
	int			 ra, rb;

	o = jobdesc_to_wire(jd);
	p = json_tokener_parse(text);
	cr_assert_not_null(p, "%s", text);
	ra = jobdesc_from_json(o, &a, &ea);
	rb = jobdesc_from_json(p, &b, &eb);
	json_object_put(o);
	json_object_put(p);
	cr_assert_eq(ra, rb, "%s: %s / %s", text, ea, eb);
	if (ra == -1) {
		cr_assert_str_eq(ea, eb);
		return;
	}
	ta = jobdesc_wire_text(&a, &n);
	tb = jobdesc_wire_text(&b, &n);
	cr_assert_str_eq(ta, tb);
	cr_assert_str_eq(ta, text);
	free(ta);
	free(tb);
	jobdesc_free(&a);
	jobdesc_free(&b);
}

/* jobdesc_wire_text() writes exactly what json-c makes of the wire form. */
static void
wire_text_same(const struct jobdesc *jd)
{
	struct json_object	*o = jobdesc_to_wire(jd);
	const char		*want;
	char			*got;
	size_t			 wlen, glen;

	want = jsonx_dump(o, &wlen);
	got = jobdesc_wire_text(jd, &glen);
	cr_assert_eq(glen, wlen, "length %zu, not %zu", glen, wlen);
	cr_assert_str_eq(got, want);
	cr_assert_eq(got[glen], '\0');
	object_is_text(jd, got);
	free(got);
	json_object_put(o);
}

static void
round_trip(const struct jobdesc *jd)
{
	struct json_object	*o1, *o2, *parsed;
	struct jobdesc		 back;
	const char		*errstr = NULL, *s1;
	size_t			 i, len;

	wire_text_same(jd);
	o1 = jobdesc_to_json(jd);
	s1 = jsonx_dump(o1, &len);
	/* Through the bytes, as it travels. */
	cr_assert_eq(jsonx_parse(s1, len, &parsed, &errstr), 0, "%s", errstr);
	cr_assert_eq(jobdesc_from_json(parsed, &back, &errstr), 0, "%s",
	    errstr);
	json_object_put(parsed);
	cr_assert_eq(back.proc, jd->proc);
	cr_assert_str_eq(back.executable, jd->executable);
	cr_assert_eq(back.argc, jd->argc);
	for (i = 0; i < jd->argc; i++)
		cr_assert_str_eq(back.argv[i], jd->argv[i]);
	cr_assert_null(back.argv[back.argc]);
	cr_assert_eq(back.nenv, jd->nenv);
	for (i = 0; i < jd->nenv; i++)
		cr_assert_str_eq(back.env[i], jd->env[i]);
	cr_assert_null(back.env[back.nenv]);
	cr_assert_eq(back.output == NULL, jd->output == NULL);
	cr_assert_eq(back.input == NULL, jd->input == NULL);
	cr_assert_eq(back.requirements == NULL, jd->requirements == NULL);
	cr_assert_eq(back.request_cpus, jd->request_cpus);
	cr_assert_eq(back.request_memory_mb, jd->request_memory_mb);
	cr_assert_eq(back.request_disk_kb, jd->request_disk_kb);
	o2 = jobdesc_to_json(&back);
	cr_assert_str_eq(jsonx_dump(o2, NULL), s1);
	json_object_put(o2);
	json_object_put(o1);
	jobdesc_free(&back);
}

Test(jobdesc, json_round_trip)
{
	struct jobdesc	 jd;
	char		*argv[] = { "/bin/sh", "-c", "", NULL };

	cr_assert_eq(parse(full), 0, "%s", err);
	round_trip(&jobs[0]);
	round_trip(&jobs[1]);
	cr_assert_eq(parse("executable = /bin/true\ngetenv = true\nqueue\n"),
	    0);
	round_trip(&jobs[0]);
	cr_assert_eq(jobdesc_from_argv(3, argv, "/", &jd, err, sizeof(err)),
	    0);
	round_trip(&jd);
	jobdesc_free(&jd);
}

/*
 * Decode TEXT, which must fail with WANT.  Parsed by plain json-c: its
 * \u0000 and uint64 values are refused by jsonx_parse() itself now, and
 * jobdesc's own checks of them are tested here all the same.
 */
static void
rejects(const char *text, const char *want)
{
	struct json_object	*o;
	struct jobdesc		 jd;
	const char		*errstr = NULL;

	o = json_tokener_parse(text);
	cr_assert_not_null(o, "%s", text);
	cr_assert_eq(jobdesc_from_json(o, &jd, &errstr), -1, "%s", text);
	cr_assert_str_eq(errstr, want, "%s", text);
	cr_assert_null(jd.executable);
	json_object_put(o);
}

#define J_HEAD	"{\"proc\":0,\"executable\":\"/bin/x\",\"arguments\":[],"
#define J_PATHS	"\"output\":null,\"error\":null,\"log\":null,\"input\":null,"
#define J_DIR	"\"initialdir\":\"/\","
#define J_RES	"\"request_cpus\":1,\"request_memory_mb\":0," \
		"\"request_disk_kb\":0,"
#define J_TAIL	"\"requirements\":null,\"environment\":{},\"custom\":{}}"

Test(jobdesc, from_json_accepts_minimal)
{
	struct json_object	*o;
	struct jobdesc		 jd;
	const char		*errstr = NULL;
	const char		*text = J_HEAD J_PATHS J_DIR J_RES J_TAIL;

	cr_assert_eq(jsonx_parse(text, strlen(text), &o, &errstr), 0);
	cr_assert_eq(jobdesc_from_json(o, &jd, &errstr), 0, "%s", errstr);
	cr_assert_str_eq(jd.executable, "/bin/x");
	cr_assert_null(jd.output);
	cr_assert_null(jd.requirements);
	cr_assert_not_null(jd.argv);
	cr_assert_not_null(jd.env);
	cr_assert_not_null(jd.custom);
	jobdesc_free(&jd);
	json_object_put(o);
}

Test(jobdesc, from_json_rejects)
{
	rejects(J_HEAD J_PATHS J_DIR J_RES
	    "\"requirements\":null,\"environment\":{},\"custom\":{},"
	    "\"extra\":1}", "unknown member");
	rejects(J_HEAD J_PATHS J_DIR J_RES
	    "\"requirements\":null,\"environment\":{}}", "missing member");
	rejects(J_HEAD "\"output\":null,\"error\":null,\"log\":null,"
	    J_DIR J_RES J_TAIL, "missing member");
	rejects("{\"proc\":\"0\",\"executable\":\"/bin/x\",\"arguments\":[],"
	    J_PATHS J_DIR J_RES J_TAIL, "member has the wrong type");
	rejects("{\"proc\":0,\"executable\":null,\"arguments\":[],"
	    J_PATHS J_DIR J_RES J_TAIL, "member has the wrong type");
	rejects(J_HEAD J_PATHS J_DIR
	    "\"request_cpus\":-1,\"request_memory_mb\":0,"
	    "\"request_disk_kb\":0," J_TAIL, "number out of range");
	rejects(J_HEAD J_PATHS J_DIR
	    "\"request_cpus\":0,\"request_memory_mb\":0,"
	    "\"request_disk_kb\":0," J_TAIL, "number out of range");
	rejects(J_HEAD J_PATHS J_DIR
	    "\"request_cpus\":1,\"request_memory_mb\":-5,"
	    "\"request_disk_kb\":0," J_TAIL, "number out of range");
	rejects(J_HEAD J_PATHS J_DIR
	    "\"request_cpus\":1,\"request_memory_mb\":0,"
	    "\"request_disk_kb\":18446744073709551615," J_TAIL,
	    "number out of range");
	rejects("{\"proc\":-1,\"executable\":\"/bin/x\",\"arguments\":[],"
	    J_PATHS J_DIR J_RES J_TAIL, "number out of range");
	rejects("{\"proc\":4294967296,\"executable\":\"/bin/x\","
	    "\"arguments\":[]," J_PATHS J_DIR J_RES J_TAIL,
	    "number out of range");
	rejects("{\"proc\":0,\"executable\":\"bin/x\",\"arguments\":[],"
	    J_PATHS J_DIR J_RES J_TAIL, "path is not absolute");
	rejects(J_HEAD J_PATHS "\"initialdir\":\"\"," J_RES J_TAIL,
	    "path is not absolute");
	rejects("{\"proc\":0,\"executable\":\"/bin/x\",\"arguments\":[1],"
	    J_PATHS J_DIR J_RES J_TAIL, "member has the wrong type");
	rejects("{\"proc\":0,\"executable\":\"/bin/x\",\"arguments\":[null],"
	    J_PATHS J_DIR J_RES J_TAIL, "member has the wrong type");
	rejects("{\"proc\":0,\"executable\":\"/bin/x\","
	    "\"arguments\":[\"a\\u0000b\"]," J_PATHS J_DIR J_RES J_TAIL,
	    "NUL byte in a string");
	rejects("{\"proc\":0,\"executable\":\"/bin/x\\u0000y\","
	    "\"arguments\":[]," J_PATHS J_DIR J_RES J_TAIL,
	    "NUL byte in a string");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":{\"A=B\":\"c\"},\"custom\":{}}",
	    "bad environment variable name");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":{\"\":\"c\"},\"custom\":{}}",
	    "bad environment variable name");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":{\"A\":1},\"custom\":{}}",
	    "member has the wrong type");
	/* A real is a ClassAd type (+Speed = 1.5); a list is not. */
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":{},\"custom\":{\"A\":[1.5]}}",
	    "custom attribute of an unsupported type");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":\"(Memory >\","
	    "\"environment\":{},\"custom\":{}}",
	    "requirements: not a valid expression");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":{},\"custom\":{\"A\":null}}",
	    "custom attribute of an unsupported type");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":{},\"custom\":{\"a b\":1}}",
	    "bad custom attribute name");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":1,"
	    "\"environment\":{},\"custom\":{}}", "member has the wrong type");
	rejects(J_HEAD J_PATHS J_DIR J_RES "\"requirements\":null,"
	    "\"environment\":[],\"custom\":{}}", "member has the wrong type");
}

Test(jobdesc, from_json_limits)
{
	struct json_object	*o, *a;
	struct jobdesc		 jd;
	const char		*errstr = NULL;
	const char		*text = J_HEAD J_PATHS J_DIR J_RES J_TAIL;
	char			*big;
	int			 i;

	cr_assert_eq(jsonx_parse(text, strlen(text), &o, &errstr), 0);
	a = json_object_new_array();
	for (i = 0; i <= JOBDESC_MAX_ARGS; i++)
		json_object_array_add(a, json_object_new_string("x"));
	json_object_object_add(o, "arguments", a);
	cr_assert_eq(jobdesc_from_json(o, &jd, &errstr), -1);
	cr_assert_str_eq(errstr, "too many arguments");

	json_object_object_add(o, "arguments", json_object_new_array());
	big = xmalloc(JOBDESC_MAX_STR + 2);
	memset(big, 'x', JOBDESC_MAX_STR + 1);
	big[0] = '/';
	big[JOBDESC_MAX_STR + 1] = '\0';
	json_object_object_add(o, "executable", json_object_new_string(big));
	cr_assert_eq(jobdesc_from_json(o, &jd, &errstr), -1);
	cr_assert_str_eq(errstr, "string too long");
	free(big);
	json_object_put(o);
}

#define J_CORE	J_HEAD J_PATHS J_DIR J_RES \
		"\"requirements\":null,\"environment\":{},\"custom\":{}"

Test(jobdesc, from_json_rejects_transfer_members)
{
	rejects(J_CORE ",\"should_transfer_files\":\"MAYBE\"}",
	    "bad should_transfer_files");
	rejects(J_CORE ",\"when_to_transfer_output\":\"NEVER\"}",
	    "bad when_to_transfer_output");
	rejects(J_CORE ",\"transfer_input_files\":[\"rel\"]}",
	    "path is not absolute");
	rejects(J_CORE ",\"transfer_output_files\":[\"/abs\"]}",
	    "path is not relative");
	rejects(J_CORE ",\"transfer_output_files\":[\"a/../../x\"]}",
	    "path leaves the sandbox");
	rejects(J_CORE ",\"transfer_checkpoint_files\":[\"..\"]}",
	    "path leaves the sandbox");
	rejects(J_CORE ",\"transfer_checkpoint_files\":[1]}",
	    "member has the wrong type");
	rejects(J_CORE ",\"checkpoint_exit_code\":256}",
	    "number out of range");
	rejects(J_CORE ",\"checkpoint\":\"dmtcp\"}",
	    "checkpoint is not \"criu\"");
	rejects(J_CORE ",\"umask\":512}", "number out of range");
	rejects(J_CORE ",\"umask\":-1}", "number out of range");
}

Test(jobdesc, from_json_rejects_fair_share_members)
{
	rejects(J_CORE ",\"accounting_group\":\"a b\"}",
	    "accounting_group: not a group name (letters, digits, '_', "
	    "'-', '.')");
	rejects(J_CORE ",\"accounting_group_user\":\"u\"}",
	    "accounting_group_user without accounting_group");
	rejects(J_CORE ",\"concurrency_limits\":\"lic:0\"}",
	    "a limit's count must be at least 1");
	rejects(J_CORE ",\"nice_user\":1}", "member has the wrong type");
}

Test(jobdesc, transfer_members_round_trip)
{
	struct json_object	*o;
	struct jobdesc		 jd;
	const char		*errstr = NULL;
	const char		*text = J_CORE ",\"priority\":-3,"
	    "\"should_transfer_files\":\"yes\","
	    "\"when_to_transfer_output\":\"ON_EXIT_OR_EVICT\","
	    "\"transfer_input_files\":[\"/in/a\",\"/in/dir/\"],"
	    "\"transfer_output_files\":[\"out/x\"],"
	    "\"checkpoint_exit_code\":85,"
	    "\"transfer_checkpoint_files\":[\"ck\"],"
	    "\"checkpoint\":\"criu\",\"batch_name\":\"b\","
	    "\"accounting_group\":\"g\",\"accounting_group_user\":\"u\","
	    "\"concurrency_limits\":\"lic:2\",\"nice_user\":true,"
	    "\"umask\":23}";

	cr_assert_eq(jsonx_parse(text, strlen(text), &o, &errstr), 0);
	cr_assert_eq(jobdesc_from_json(o, &jd, &errstr), 0, "%s", errstr);
	json_object_put(o);
	cr_assert_eq(jd.umask, 027);
	cr_assert_eq(jd.priority, -3);
	cr_assert_eq(jd.should_transfer, JD_XFER_YES);
	cr_assert_eq(jd.when_to_transfer, JD_WHEN_ON_EXIT_OR_EVICT);
	cr_assert_eq(jd.nxfer_in, 2);
	cr_assert_str_eq(jd.xfer_in[1], "/in/dir/");
	cr_assert_null(jd.xfer_in[2]);
	cr_assert_eq(jd.nxfer_out, 1);
	cr_assert_eq(jd.checkpoint_exit_code, 85);
	cr_assert_str_eq(jd.ckpt_files[0], "ck");
	cr_assert_str_eq(jd.checkpoint, "criu");
	cr_assert_str_eq(jd.batch_name, "b");
	cr_assert_eq(jd.max_retries, -1);
	cr_assert_str_eq(jd.accounting_group, "g");
	cr_assert_str_eq(jd.concurrency_limits, "lic:2");
	cr_assert_eq(jd.nice_user, 1);
	round_trip(&jd);
	wire_text_same(&jd);
	jobdesc_free(&jd);
}

/* The direct text encoder against json-c on awkward content. */
Test(jobdesc, wire_text_matches_json_c)
{
	struct json_object	*o;
	struct jobdesc		 jd;
	const char		*errstr = NULL;
	const char		*text = J_CORE ",\"priority\":7,"
	    "\"max_retries\":0,\"transfer_output_files\":[],"
	    "\"rank\":\"Memory\",\"kill_sig\":\"SIGINT\"}";
	char			*env[80];
	size_t			 i;

	cr_assert_eq(jsonx_parse(text, strlen(text), &o, &errstr), 0);
	cr_assert_eq(jobdesc_from_json(o, &jd, &errstr), 0, "%s", errstr);
	json_object_put(o);
	wire_text_same(&jd);
	/* Escapes: quotes, backslashes, controls, '/', UTF-8, DEL. */
	free(jd.requirements);
	jd.requirements = xstrdup("a\"b\\c\n\t\r\b\f\001\037/d\x7f\xc3\xa9");
	free(jd.output);
	jd.output = NULL;
	jd.request_memory_mb = INT64_MAX;
	jd.priority = INT32_MIN;
	json_object_put(jd.custom);
	jd.custom = json_object_new_object();
	json_object_object_add(jd.custom, "A", json_object_new_int64(-5));
	json_object_object_add(jd.custom, "B", json_object_new_string("x/\"y"));
	json_object_object_add(jd.custom, "C", json_object_new_boolean(1));
	wire_text_same(&jd);
	/* Reals as json-c prints them, and bytes that are not UTF-8. */
	json_object_object_add(jd.custom, "D", json_object_new_double(0.1));
	json_object_object_add(jd.custom, "E", json_object_new_double(-0.0));
	json_object_object_add(jd.custom, "F", json_object_new_double(1e300));
	json_object_object_add(jd.custom, "G", json_object_new_double(3));
	json_object_object_add(jd.custom, "H",
	    json_object_new_double(INFINITY));
	json_object_object_add(jd.custom, "I", json_object_new_string("\xff"));
	wire_text_same(&jd);
	json_object_object_add(jd.custom, "J", json_object_new_double(NAN));
	wire_text_same(&jd);
	json_object_object_del(jd.custom, "J");
	/* Environment: plain, a repeated name, then too many to look at. */
	free(jd.env);
	jd.env = env;
	env[0] = "A=1";
	env[1] = "B=x\"y";
	env[2] = NULL;
	jd.nenv = 2;
	wire_text_same(&jd);
	env[2] = "A=2";
	env[3] = NULL;
	jd.nenv = 3;
	wire_text_same(&jd);
	for (i = 0; i < 79; i++)
		xasprintf(&env[i], "V%zu=%zu", i % 70, i);
	env[79] = NULL;
	jd.nenv = 79;
	wire_text_same(&jd);
	for (i = 0; i < 79; i++)
		free(env[i]);
	jd.env = NULL;
	jd.nenv = 0;
	jobdesc_free(&jd);
}
