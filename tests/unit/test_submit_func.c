/*
 * test_submit_func.c: the submit language's macro functions ($INT,
 * $REAL, $CHOICE, $SUBSTR, $RANDOM_CHOICE, $RANDOM_INTEGER, with the
 * examples of HTCondor's manual), condor_submit's other spellings of
 * values, and the checks `cq submit` makes of the files a job names
 * (submit_parse_opts with check_files).
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jobdesc.h"
#include "submit.h"

#include "parse_fixture.h"

TestSuite(submit_func, .fini = teardown);

#define E	"executable = /bin/echo\n"

/* The arguments of job I, joined by spaces. */
static const char *
args(size_t i)
{
	static char	 buf[1024];
	size_t		 k, o = 0;

	buf[0] = '\0';
	for (k = 0; k < jobs[i].argc; k++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%s", k ? " " : "",
		    jobs[i].argv[k]);
	return buf;
}

static const char *
one_args(const char *text)
{
	cr_assert_eq(parse(text), 0, "parse failed: %s", err);
	return args(0);
}

/* The manual's examples, X = 2, Y = 6, XYArea = $(X) * $(Y). */
Test(submit_func, int_and_real)
{
	cr_assert_str_eq(one_args(E "X = 2\nY = 6\nXYArea = $(X) * $(Y)\n"
	    "arguments = $INT(XYArea) $INT(XYArea,%04d) $INT(XYArea,Area=%d)\n"
	    "queue\n"), "12 0012 Area=12");
	cr_assert_str_eq(one_args(E "r = 3.25\nn = 4\n"
	    "arguments = $REAL(r) $REAL(r,%.1f) $REAL(n) $REAL(n,%.0f)\n"
	    "queue\n"), "3.25 3.2 4 4.0");
	/* The proc number is a name too; a literal is taken as written. */
	cr_assert_str_eq(one_args(E "arguments = $INT(Process,%03d) "
	    "$INT(7,%x)\nqueue\n"), "000 7");
	fails(E "s = abc\narguments = $INT(s)\nqueue\n",
	    "t.sub:3: $INT(): 'abc' does not evaluate to an integer");
	fails(E "arguments = $INT(1, %s)\nqueue\n",
	    "t.sub:2: $INT(): ' %s' is not a valid format");
	fails(E "arguments = $INT(1, %d %d)\nqueue\n",
	    "t.sub:2: $INT(): ' %d %d' is not a valid format");
	fails(E "arguments = $REAL(1, %d)\nqueue\n",
	    "t.sub:2: $REAL(): ' %d' is not a valid format");
}

/* Name = abcdef, as the manual's $SUBSTR examples. */
Test(submit_func, substr)
{
	cr_assert_str_eq(one_args(E "Name = abcdef\n"
	    "arguments = $SUBSTR(Name, 2) $SUBSTR(Name, 0, -2) "
	    "$SUBSTR(Name, 1, 3) $SUBSTR(Name, -1) [$SUBSTR(Name, 4, -3)] "
	    "$SUBSTR(Name, 10) [$SUBSTR(Name, -10, 2)]\nqueue\n"),
	    "cdef abcd bcd f [] [ab]");
	cr_assert_str_eq(one_args(E "arguments = [$SUBSTR(nothing, 1)]\n"
	    "queue\n"), "[]");
	fails(E "Name = x\narguments = $SUBSTR(Name)\nqueue\n",
	    "t.sub:3: $SUBSTR(): expected a name, a start and an optional "
	    "length");
	fails(E "Name = x\narguments = $SUBSTR(Name, z)\nqueue\n",
	    "t.sub:3: $SUBSTR(): start 'z' is not an integer");
}

Test(submit_func, choice)
{
	cr_assert_eq(parse(E "colors = red, green, blue\n"
	    "arguments = $CHOICE(Process, colors) $CHOICE(Step, x, y, z)\n"
	    "queue 3\n"), 0, "%s", err);
	cr_assert_str_eq(args(0), "red x");
	cr_assert_str_eq(args(2), "blue z");
	fails(E "l = a, b\narguments = $CHOICE(2, l)\nqueue\n",
	    "t.sub:3: $CHOICE(): index 2 is out of range (2 items)");
	fails(E "arguments = $CHOICE(0, nolist)\nqueue\n",
	    "t.sub:2: $CHOICE(): no list named 'nolist'");
	fails(E "arguments = $CHOICE(-1, a, b)\nqueue\n",
	    "t.sub:2: $CHOICE(): index -1 is out of range (2 items)");
}

Test(submit_func, random)
{
	int	 seen[5] = { 0 }, i, v;

	cr_assert_eq(parse(E "arguments = $RANDOM_INTEGER(0, 8, 2) "
	    "$RANDOM_CHOICE(a, b, c) $RANDOM_INTEGER(5, 5)\nqueue 200\n"), 0,
	    "%s", err);
	for (i = 0; i < 200; i++) {
		v = atoi(jobs[i].argv[0]);
		cr_assert(v >= 0 && v <= 8 && v % 2 == 0, "%d", v);
		seen[v / 2]++;
		cr_assert(strchr("abc", jobs[i].argv[1][0]) != NULL &&
		    jobs[i].argv[1][1] == '\0');
		cr_assert_str_eq(jobs[i].argv[2], "5");
	}
	for (i = 0; i < 5; i++)
		cr_assert(seen[i] > 0, "%d never drawn in 200", 2 * i);
	cr_assert_str_eq(one_args(E "l = only\narguments = $RANDOM_CHOICE(l)\n"
	    "queue\n"), "only");
	fails(E "arguments = $RANDOM_INTEGER(3, 1)\nqueue\n",
	    "t.sub:2: $RANDOM_INTEGER(): min 3 is above max 1");
	fails(E "arguments = $RANDOM_INTEGER(1, 3, 0)\nqueue\n",
	    "t.sub:2: $RANDOM_INTEGER(): step 0 is below 1");
}

/* A '$INT(' that never closes is text, as any unknown '$'. */
Test(submit_func, unclosed_is_text)
{
	cr_assert_str_eq(one_args(E "arguments = $INT(x\nqueue\n"), "$INT(x");
}

/* condor_submit's other spellings. */
Test(submit_func, spellings)
{
	static const char *yes[] = { "YES", "true", "TRUE", "Always" };
	static const char *no[] = { "no", "False", "NEVER" };
	char	 text[256];
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), E "should_transfer_files = %s\n"
		    "queue\n", yes[i]);
		cr_assert_eq(one(text)->should_transfer, JD_XFER_YES, "%s",
		    yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(text, sizeof(text), E "should_transfer_files = %s\n"
		    "queue\n", no[i]);
		cr_assert_eq(one(text)->should_transfer, JD_XFER_NO, "%s",
		    no[i]);
	}
	cr_assert_eq(one(E "should_transfer_files = auto\nqueue\n")->
	    should_transfer, JD_XFER_IF_NEEDED);
	cr_assert_eq(one(E "when_to_transfer_output = always\nqueue\n")->
	    when_to_transfer, JD_WHEN_ON_EXIT_OR_EVICT);
	cr_assert_eq(one(E "when_to_transfer_output = OnExit\nqueue\n")->
	    when_to_transfer, JD_WHEN_ON_EXIT);
	fails(E "when_to_transfer_output = ON_SUCCESS\nqueue\n",
	    "t.sub:2: when_to_transfer_output: cq does not support "
	    "transferring output only on success (HTCondor's "
	    "when_to_transfer_output = ON_SUCCESS)");
	cr_assert(one(E "nice_user = 1\nqueue\n")->nice_user);
	cr_assert(one(E "nice_user = TRUE\nqueue\n")->nice_user);
	cr_assert(!one(E "nice_user = 0\nqueue\n")->nice_user);
	cr_assert(one(E "nice_user = true && !false\nqueue\n")->nice_user);
	fails(E "nice_user = maybe\nqueue\n",
	    "t.sub:2: nice_user: expected true or false, not 'maybe'");
	cr_assert_eq(one(E "getenv = 0\nqueue\n")->nenv, 0);
	cr_assert_eq(one(E "getenv = 1\nqueue\n")->nenv, 3);
}

/* A scratch directory with a program, an input file and a data dir. */
static char	 dir[64];

static void
scratch(void)
{
	char	 path[128];
	int	 fd;

	strlcpy(dir, "/tmp/cq-func-XXXXXX", sizeof(dir));
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/prog", dir);
	cr_assert((fd = open(path, O_CREAT | O_WRONLY, 0755)) != -1);
	close(fd);
	snprintf(path, sizeof(path), "%s/in.txt", dir);
	cr_assert((fd = open(path, O_CREAT | O_WRONLY, 0644)) != -1);
	close(fd);
	snprintf(path, sizeof(path), "%s/data", dir);
	cr_assert(mkdir(path, 0755) == 0);
}

static int
checked(const char *text, struct submit_opts *o)
{
	teardown();
	err[0] = '\0';
	return submit_parse_opts("t.sub", text, strlen(text), dir, test_envp,
	    o, &jobs, &njobs, err, sizeof(err));
}

static void
check_fails(const char *text, const char *msg)
{
	struct submit_opts	 o = { .check_files = 1 };
	char			 want[512];

	cr_assert_eq(checked(text, &o), -1, "parse of <%s> succeeded", text);
	snprintf(want, sizeof(want), msg, dir);
	cr_assert_str_eq(err, want);
	cr_assert_null(jobs);
}

Test(submit_func, files_must_exist)
{
	struct submit_opts	 o = { .check_files = 1 };

	scratch();
	cr_assert_eq(checked("executable = prog\ninitialdir = data\n"
	    "input = ../in.txt\ntransfer_input_files = ../in.txt, ./\n"
	    "queue\n", &o), 0, "%s", err);
	check_fails("executable = nope\nqueue\n",
	    "t.sub:1: executable '%s/nope': No such file or directory");
	check_fails("executable = data\nqueue\n",
	    "t.sub:1: executable '%s/data': a directory");
	check_fails("executable = prog\n\ninitialdir = gone\nqueue\n",
	    "t.sub:3: initialdir '%s/gone': No such file or directory");
	check_fails("executable = prog\ninitialdir = in.txt\nqueue\n",
	    "t.sub:2: initialdir '%s/in.txt': not a directory");
	check_fails("executable = prog\ninput = x.txt\nqueue\n",
	    "t.sub:2: input '%s/x.txt': No such file or directory");
	check_fails("executable = prog\n"
	    "transfer_input_files = in.txt,\\\n   missing.dat\nqueue\n",
	    "t.sub:2: transfer_input_files '%s/missing.dat': No such file or "
	    "directory");
	/* From a queue item: the queue statement's line. */
	check_fails("executable = prog\nqueue input in (in.txt, no.txt)\n",
	    "t.sub:2: input '%s/no.txt': No such file or directory");
	/* condor_submit's skip_filechecks turns them off. */
	cr_assert_eq(checked("executable = nope\nskip_filechecks = true\n"
	    "queue\n", &o), 0, "%s", err);
	/* And a plain parse makes none. */
	cr_assert_eq(checked("executable = nope\nqueue\n", NULL), 0, "%s",
	    err);
}

/*
 * transfer_executable = false: the path is kept as written (a relative one
 * too, condor_submit leaves it unresolved), it is not checked at submit,
 * and only condor_submit's spellings of false are taken as false.
 */
Test(submit_func, transfer_executable)
{
	struct submit_opts	 o = { .check_files = 1 };
	struct jobdesc		*jd;

	jd = one(E "queue\n");
	cr_assert_eq(jd->transfer_executable, 1);
	jd = one("transfer_executable = false\ninitialdir = /data\n"
	    "executable = bin/prog\nqueue\n");
	cr_assert_eq(jd->transfer_executable, 0);
	cr_assert_str_eq(jd->executable, "bin/prog");
	cr_assert_str_eq(one("executable = ./prog\ntransfer_executable = "
	    "FALSE\nqueue\n")->executable, "./prog");
	cr_assert_str_eq(one("executable = /opt/x/../bin/prog\n"
	    "transfer_executable = F\nqueue\n")->executable,
	    "/opt/x/../bin/prog");
	/* Set after the executable, per proc, and by its ad name. */
	jd = one("executable = prog\nTransferExecutable = False\nqueue\n");
	cr_assert_eq(jd->transfer_executable, 0);
	cr_assert_str_eq(jd->executable, "prog");
	cr_assert_eq(parse("executable = prog\nx = true\n"
	    "transfer_executable = $(x)\nqueue\nx = false\nqueue\n"), 0,
	    "%s", err);
	cr_assert_eq(njobs, 2);
	cr_assert_eq(jobs[0].transfer_executable, 1);
	cr_assert_str_eq(jobs[0].executable, "/home/u/prog");
	cr_assert_eq(jobs[1].transfer_executable, 0);
	cr_assert_str_eq(jobs[1].executable, "prog");
	cr_assert_eq(one(E "transfer_executable = yes\nqueue\n")->
	    transfer_executable, 1);
	/* condor_submit would send it on "no" or 0: said, not guessed. */
	fails(E "transfer_executable = no\nqueue\n",
	    "t.sub:2: transfer_executable: 'no' is false to cq but true to "
	    "condor_submit (only a value beginning with F is false there): "
	    "write false");
	fails(E "transfer_executable = 0\nqueue\n",
	    "t.sub:2: transfer_executable: '0' is false to cq but true to "
	    "condor_submit (only a value beginning with F is false there): "
	    "write false");
	fails(E "transfer_executable = maybe\nqueue\n",
	    "t.sub:2: transfer_executable: expected true or false, not "
	    "'maybe'");

	/* The execute machine's path: not checked at submit ... */
	scratch();
	cr_assert_eq(checked("executable = /no/such/prog\n"
	    "transfer_executable = false\nqueue\n", &o), 0, "%s", err);
	cr_assert_eq(checked("executable = nope\n"
	    "transfer_executable = false\nqueue\n", &o), 0, "%s", err);
	/* ... but the rest still is, and a transferred one is. */
	check_fails("executable = /no/such/prog\ntransfer_executable = false\n"
	    "input = x.txt\nqueue\n",
	    "t.sub:3: input '%s/x.txt': No such file or directory");
	check_fails("executable = nope\ntransfer_executable = true\nqueue\n",
	    "t.sub:1: executable '%s/nope': No such file or directory");
}

/* On the wire and in a dry run: said only when false; a relative
 * executable only with it. */
Test(submit_func, transfer_executable_wire)
{
	struct json_object	*o;
	struct jobdesc		 back;
	const char		*errstr = NULL;
	char			*text;
	size_t			 len;

	o = jobdesc_to_json(one(E "queue\n"));
	cr_assert(!json_object_object_get_ex(o, "transfer_executable", NULL));
	json_object_put(o);
	text = jobdesc_wire_text(one("executable = prog\n"
	    "transfer_executable = false\nqueue\n"), &len);
	cr_assert_not_null(strstr(text, ",\"transfer_executable\":false"),
	    "%s", text);
	o = json_tokener_parse(text);
	free(text);
	cr_assert_not_null(o);
	cr_assert_eq(jobdesc_from_json(o, &back, &errstr), 0, "%s", errstr);
	cr_assert_eq(back.transfer_executable, 0);
	cr_assert_str_eq(back.executable, "prog");
	jobdesc_free(&back);
	/* Without it a relative executable is refused. */
	json_object_object_del(o, "transfer_executable");
	cr_assert_eq(jobdesc_from_json(o, &back, &errstr), -1);
	cr_assert_str_eq(errstr, "path is not absolute");
	json_object_put(o);
}

/* hold = true: the job enters the queue held; said on the wire only
 * then. */
Test(submit_func, hold)
{
	struct json_object	*o;
	struct jobdesc		 back;
	const char		*errstr = NULL;

	cr_assert_eq(one(E "queue\n")->hold, 0);
	cr_assert_eq(one(E "hold = false\nqueue\n")->hold, 0);
	cr_assert_eq(parse(E "hold = $(Process) == 1\nqueue 2\n"), 0, "%s",
	    err);
	cr_assert_eq(jobs[0].hold, 0);
	cr_assert_eq(jobs[1].hold, 1);
	fails(E "hold = later\nqueue\n",
	    "t.sub:2: hold: expected true or false, not 'later'");
	o = jobdesc_to_json(one(E "queue\n"));
	cr_assert(!json_object_object_get_ex(o, "hold", NULL));
	json_object_put(o);
	o = jobdesc_to_wire(one(E "Hold = True\nqueue\n"));
	cr_assert_eq(jobdesc_from_json(o, &back, &errstr), 0, "%s", errstr);
	cr_assert_eq(back.hold, 1);
	jobdesc_free(&back);
	json_object_put(o);
}

/* +Attr = undefined: left out of the ad (read as undefined anyway),
 * unsetting an earlier value. */
Test(submit_func, attr_undefined)
{
	struct jobdesc	*jd;

	jd = one(E "+Owner = Undefined\n+Site = \"x\"\nqueue\n");
	cr_assert(!json_object_object_get_ex(jd->custom, "Owner", NULL));
	cr_assert(json_object_object_get_ex(jd->custom, "Site", NULL));
	cr_assert_eq(parse(E "+Site = \"x\"\nqueue\n+Site = undefined\n"
	    "queue\n"), 0, "%s", err);
	cr_assert(json_object_object_get_ex(jobs[0].custom, "Site", NULL));
	cr_assert(!json_object_object_get_ex(jobs[1].custom, "Site", NULL));
	/* Not an expression over attributes, which stays refused. */
	fails(E "+Site = undefined_site\nqueue\n",
	    "t.sub:2: +Site: cq does not support ClassAd expressions as "
	    "attribute values ('undefined_site'; HTCondor's +Attr = "
	    "expression): write a number, true, false or a \"string\"");
}

/* -a, -queue, name=value and a dry run's cluster number. */
Test(submit_func, command_line)
{
	char	*defs[] = { "n=3", "tag = x", NULL };
	char	*app[] = { "arguments = $(tag) $(Cluster)", NULL };
	char	*badq[] = { "queue 2", NULL };
	struct submit_opts	 o = { .cluster = 1, .defs = defs,
	    .append = app };

	strlcpy(dir, "/home/u", sizeof(dir));
	cr_assert_eq(checked(E "arguments = none\ntag = y\nqueue $(n)\n", &o),
	    0, "%s", err);
	cr_assert_eq(njobs, 3);
	cr_assert_str_eq(args(2), "y 1");
	o.queue = "2";
	cr_assert_eq(checked(E "queue\n", &o), -1);
	cr_assert_str_eq(err, "t.sub:2: -queue given, but the file has a "
	    "queue statement");
	cr_assert_eq(checked(E "arguments = $(Item)\n", &o), 0, "%s", err);
	cr_assert_eq(njobs, 2);
	o.queue = NULL;
	o.append = badq;
	cr_assert_eq(checked(E "queue\n", &o), -1);
	cr_assert_str_eq(err, "-append:1: a queue statement cannot be "
	    "appended (use -queue)");
}

/* condor_submit's other names of keywords (RequestMemory, stdout, ...). */
Test(submit_func, other_names)
{
	struct jobdesc	*jd;

	jd = one("Cmd = /bin/echo\nArgs = a b\nRequestCPUs = 2\n"
	    "RequestMemory = 5000\nRequestDisk = 3G\nstdout = o.txt\n"
	    "stderr = e.txt\nUserLog = l.log\ninitial_dir = /tmp\n"
	    "JobPrio = 3\nqueue\n");
	cr_assert_str_eq(jd->executable, "/bin/echo");
	cr_assert_eq(jd->argc, 2);
	cr_assert_eq(jd->request_cpus, 2);
	cr_assert_eq(jd->request_memory_mb, 5000);
	cr_assert_eq(jd->request_disk_kb, 3 * 1024 * 1024);
	cr_assert_str_eq(jd->output, "/tmp/o.txt");
	cr_assert_str_eq(jd->error, "/tmp/e.txt");
	cr_assert_str_eq(jd->log, "/tmp/l.log");
	cr_assert_eq(jd->priority, 3);
	/* The keyword's own name wins over another. */
	jd = one(E "request_memory = 1G\nRequestMemory = 5000\nqueue\n");
	cr_assert_eq(jd->request_memory_mb, 1024);
}

/* request_<name>: a custom resource HTCondor matches; cq has none. */
Test(submit_func, custom_resources)
{
	fails(E "request_foobar = 1234\nqueue\n",
	    "t.sub:2: request_foobar: cq does not support custom machine "
	    "resources (HTCondor's submit command request_foobar)");
	cr_assert_eq(one(E "request_foobar = 0\nqueue\n")->request_cpus, 1);
}
