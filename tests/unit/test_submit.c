/*
 * test_submit.c: unit tests of the submit language parser
 * (common/submit.c).  Buffers are parsed as "t.sub" from the working
 * directory /home/u with a fixed environment, so every expected path and
 * error message is exact.
 */
#include "config.h"

#include <limits.h>
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

TestSuite(submit, .fini = teardown);

static void
args_are(const struct jobdesc *jd, size_t n, const char **want)
{
	size_t	 i;

	cr_assert_eq(jd->argc, n, "argc %zu, want %zu", jd->argc, n);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(jd->argv[i], want[i], "argv[%zu]", i);
	cr_assert_null(jd->argv[n]);
}

Test(submit, minimal_defaults)
{
	struct jobdesc	*jd = one("executable = /bin/true\nqueue\n");

	cr_assert_eq(jd->proc, 0);
	cr_assert_str_eq(jd->executable, "/bin/true");
	cr_assert_eq(jd->argc, 0);
	cr_assert_null(jd->argv[0]);
	cr_assert_null(jd->input);
	cr_assert_null(jd->output);
	cr_assert_null(jd->error);
	cr_assert_null(jd->log);
	cr_assert_str_eq(jd->initialdir, "/home/u");
	cr_assert_eq(jd->request_cpus, 1);
	cr_assert_eq(jd->request_memory_mb, 0);
	cr_assert_eq(jd->request_disk_kb, 0);
	cr_assert_null(jd->requirements);
	cr_assert_eq(jd->nenv, 0);
	cr_assert_null(jd->env[0]);
	cr_assert_eq(json_object_object_length(jd->custom), 0);
}

Test(submit, paths_relative_to_initialdir)
{
	struct jobdesc	*jd;

	jd = one("executable = bin/prog\n"
	    "input = in.txt\n"
	    "output = ./out/o.txt\n"
	    "error = /tmp/e.txt\n"
	    "log = logs//l.log\n"
	    "initialdir = run\n"
	    "queue\n");
	cr_assert_str_eq(jd->initialdir, "/home/u/run");
	/* As condor_submit: the executable is not under initialdir. */
	cr_assert_str_eq(jd->executable, "/home/u/bin/prog");
	cr_assert_str_eq(jd->input, "/home/u/run/in.txt");
	cr_assert_str_eq(jd->output, "/home/u/run/out/o.txt");
	cr_assert_str_eq(jd->error, "/tmp/e.txt");
	cr_assert_str_eq(jd->log, "/home/u/run/logs/l.log");

	jd = one("initialdir = /data/x/\nexecutable = ../p\nqueue\n");
	cr_assert_str_eq(jd->initialdir, "/data/x");
	cr_assert_str_eq(jd->executable, "/home/u/../p");
}

Test(submit, keywords_case_insensitive_and_empty_means_unset)
{
	struct jobdesc	*jd;

	jd = one("EXECUTABLE = /bin/echo\nUniverse = VANILLA\n"
	    "Request_CPUs = 4\nOutput =\nRequirements = (Memory > 100)\n"
	    "Queue\n");
	cr_assert_str_eq(jd->executable, "/bin/echo");
	cr_assert_eq(jd->request_cpus, 4);
	cr_assert_null(jd->output);
	cr_assert_str_eq(jd->requirements, "(Memory > 100)");
}

Test(submit, comments_blank_lines_crlf_continuation)
{
	struct jobdesc	*jd;
	const char	*want[] = { "a", "b", "c", "d" };

	jd = one("# a comment\r\n"
	    "\r\n"
	    "   # indented comment\n"
	    "executable = /bin/echo\r\n"
	    "arguments = a \\\n"
	    "   b \\\n"
	    "# a comment inside a continuation is skipped\n"
	    "c \\   \n"
	    "d\n"
	    "queue");
	args_are(jd, 4, want);
}

Test(submit, error_line_is_the_first_of_a_continued_line)
{
	fails("executable = /bin/true\n"
	    "request_cpus = \\\n"
	    "  x\n"
	    "queue\n",
	    "t.sub:2: request_cpus: 'x' is not a positive integer");
}

Test(submit, arguments_new_syntax)
{
	struct jobdesc	*jd;
	const char	*w1[] = { "3", "simple", "arguments" };
	const char	*w2[] = { "one", "two with spaces", "3" };
	const char	*w3[] = { "one", "\"two\"", "spacey 'quoted' argument" };
	const char	*w4[] = { "one", "two", "spacey 'quoted' argument" };
	const char	*w5[] = { "a", "", "b\\c" };

	jd = one("executable = /bin/echo\n"
	    "arguments = \"3 simple arguments\"\nqueue\n");
	args_are(jd, 3, w1);
	jd = one("executable = /bin/echo\n"
	    "arguments = \"one 'two with spaces' 3\"\nqueue\n");
	args_are(jd, 3, w2);
	jd = one("executable = /bin/echo\n"
	    "arguments = \"one \"\"two\"\" 'spacey ''quoted'' argument'\"\n"
	    "queue\n");
	args_are(jd, 3, w3);
	jd = one("executable = /bin/echo\n"
	    "arguments = \"one ''two'' 'spacey ''quoted'' argument'\"\n"
	    "queue\n");
	args_are(jd, 3, w4);
	/* '' alone is an empty argument; backslash is plain text. */
	jd = one("executable = /bin/echo\n"
	    "arguments = \"a\t'' b\\c  \"  \nqueue\n");
	args_are(jd, 3, w5);
	jd = one("executable = /bin/echo\narguments = \"\"\nqueue\n");
	args_are(jd, 0, NULL);
}

Test(submit, arguments_old_syntax)
{
	struct jobdesc	*jd;
	const char	*w1[] = { "a\"b", "c" };
	const char	*w2[] = { "one", "\"two\"", "'three'" };

	jd = one("executable = /bin/echo\narguments = a\\\"b c\nqueue\n");
	args_are(jd, 2, w1);
	jd = one("executable = /bin/echo\n"
	    "arguments = one \\\"two\\\"   'three'\nqueue\n");
	args_are(jd, 3, w2);
}

Test(submit, arguments_errors)
{
	fails("executable = /bin/echo\narguments = \"a 'b\"\nqueue\n",
	    "t.sub:2: arguments: unbalanced single quote");
	fails("executable = /bin/echo\narguments = \"a b\nqueue\n",
	    "t.sub:2: arguments: unterminated double quote");
	fails("executable = /bin/echo\narguments = \"a\" b\"\nqueue\n",
	    "t.sub:2: arguments: text after the closing double quote "
	    "(write \"\" for a literal one)");
	fails("executable = /bin/echo\narguments = a \"b\nqueue\n",
	    "t.sub:2: arguments: unescaped double quote (the old syntax "
	    "wants \\\", the new one quotes the whole value)");
}

Test(submit, too_many_arguments)
{
	char	*text, *p;
	size_t	 i, n = JOBDESC_MAX_ARGS + 1;

	text = xmalloc(64 + 2 * n);
	p = text + snprintf(text, 64, "executable = /bin/echo\narguments =");
	for (i = 0; i < n; i++) {
		*p++ = ' ';
		*p++ = 'x';
	}
	memcpy(p, "\nqueue\n", 8);
	fails(text, "t.sub:2: arguments: too many entries (limit 4096)");
	/* Exactly the limit is fine. */
	memcpy(p - 2, "\nqueue\n", 8);
	cr_assert_eq(parse(text), 0, "%s", err);
	cr_assert_eq(jobs[0].argc, JOBDESC_MAX_ARGS);
	free(text);
}

Test(submit, environment_new_syntax)
{
	struct jobdesc	*jd;

	jd = one("executable = /bin/env\n"
	    "environment = \"one=1 two=\"\"2\"\" "
	    "three='spacey ''quoted'' value' empty=\"\n"
	    "queue\n");
	cr_assert_eq(jd->nenv, 4);
	cr_assert_str_eq(jd->env[0], "one=1");
	cr_assert_str_eq(jd->env[1], "two=\"2\"");
	cr_assert_str_eq(jd->env[2], "three=spacey 'quoted' value");
	cr_assert_str_eq(jd->env[3], "empty=");
	cr_assert_null(jd->env[4]);
}

Test(submit, environment_old_syntax)
{
	struct jobdesc	*jd;

	jd = one("executable = /bin/env\n"
	    "environment = one=1;two=2; three=\"quotes have no 'special' "
	    "meaning\";;\n"
	    "queue\n");
	cr_assert_eq(jd->nenv, 3);
	cr_assert_str_eq(jd->env[0], "one=1");
	cr_assert_str_eq(jd->env[1], "two=2");
	cr_assert_str_eq(jd->env[2],
	    "three=\"quotes have no 'special' meaning\"");
	/* A later entry for the same name wins. */
	jd = one("executable = /bin/env\nenvironment = A=1;B=2;A=3\nqueue\n");
	cr_assert_eq(jd->nenv, 2);
	cr_assert_str_eq(jd->env[0], "A=3");
}

Test(submit, environment_errors)
{
	fails("executable = /bin/env\nenvironment = A=1;B\nqueue\n",
	    "t.sub:2: environment: 'B' has no '='");
	fails("executable = /bin/env\nenvironment = \"A=1 =2\"\nqueue\n",
	    "t.sub:2: environment: empty variable name");
}

Test(submit, getenv_then_environment_overrides)
{
	struct jobdesc	*jd;

	/* environment wins whatever the order of the two lines. */
	jd = one("executable = /bin/env\n"
	    "environment = \"LANG=fr X=1\"\n"
	    "getenv = True\n"
	    "queue\n");
	cr_assert_eq(jd->nenv, 4);
	cr_assert_str_eq(env_get(jd, "HOME"), "/home/u");
	cr_assert_str_eq(env_get(jd, "PATH"), "/usr/bin:/bin");
	cr_assert_str_eq(env_get(jd, "LANG"), "fr");
	cr_assert_str_eq(env_get(jd, "X"), "1");
	cr_assert_str_eq(jd->env[0], "HOME=/home/u");

	jd = one("executable = /bin/env\ngetenv = false\nqueue\n");
	cr_assert_eq(jd->nenv, 0);
	/* Anything else is HTCondor's list of names (test_submit_kw.c). */
	jd = one("executable = /bin/env\ngetenv = maybe\nqueue\n");
	cr_assert_eq(jd->nenv, 0);
}

Test(submit, request_cpus)
{
	cr_assert_eq(one("executable = /bin/true\nrequest_cpus = 8\nqueue\n")
	    ->request_cpus, 8);
	fails("executable = /bin/true\nrequest_cpus = 0\nqueue\n",
	    "t.sub:2: request_cpus: '0' is not a positive integer");
	fails("executable = /bin/true\nrequest_cpus = -2\nqueue\n",
	    "t.sub:2: request_cpus: '-2' is not a positive integer");
	fails("executable = /bin/true\nrequest_cpus = 1.5\nqueue\n",
	    "t.sub:2: request_cpus: '1.5' is not a positive integer");
}

static int64_t
memory(const char *v)
{
	char	 text[256];

	snprintf(text, sizeof(text),
	    "executable = /bin/true\nrequest_memory = %s\nqueue\n", v);
	return one(text)->request_memory_mb;
}

static int64_t
disk(const char *v)
{
	char	 text[256];

	snprintf(text, sizeof(text),
	    "executable = /bin/true\nrequest_disk = %s\nqueue\n", v);
	return one(text)->request_disk_kb;
}

Test(submit, memory_units)
{
	cr_assert_eq(memory("100"), 100);
	cr_assert_eq(memory("0"), 0);
	cr_assert_eq(memory("3m"), 3);
	cr_assert_eq(memory("3 MB"), 3);
	cr_assert_eq(memory("2G"), 2048);
	cr_assert_eq(memory("2gb"), 2048);
	cr_assert_eq(memory("1 T"), 1048576);
	cr_assert_eq(memory("1Tb"), 1048576);
	cr_assert_eq(memory("1024K"), 1);
	cr_assert_eq(memory("1025k"), 2);	/* rounds up */
	cr_assert_eq(memory("1 KB"), 1);
	fails("executable = /bin/true\nrequest_memory = 12Q\nqueue\n",
	    "t.sub:2: request_memory: bad size '12Q' (a number, optionally "
	    "followed by K, M, G or T)");
	/* A fraction rounds up, as condor_submit's: 1.7 GiB is 1740.8 MiB. */
	cr_assert_eq(memory("1.5G"), 1536);
	cr_assert_eq(memory("1.7GB"), 1741);
	cr_assert_eq(memory("2.2Gb"), 2253);
	cr_assert_eq(memory("0.5"), 1);
	cr_assert_eq(memory("1.0"), 1);
	cr_assert_eq(memory("1536.5 K"), 2);
	cr_assert_eq(memory("0.001 T"), 1049);
	fails("executable = /bin/true\nrequest_memory = 1.5.1G\nqueue\n",
	    "t.sub:2: request_memory: bad size '1.5.1G' (a number, optionally "
	    "followed by K, M, G or T)");
	fails("executable = /bin/true\nrequest_memory = .5G\nqueue\n",
	    "t.sub:2: request_memory: bad size '.5G' (a number, optionally "
	    "followed by K, M, G or T)");
	fails("executable = /bin/true\nrequest_memory = G\nqueue\n",
	    "t.sub:2: request_memory: bad size 'G' (a number, optionally "
	    "followed by K, M, G or T)");
	fails("executable = /bin/true\nrequest_memory = -1\nqueue\n",
	    "t.sub:2: request_memory: bad size '-1' (a number, optionally "
	    "followed by K, M, G or T)");
	fails("executable = /bin/true\nrequest_memory = 1MBB\nqueue\n",
	    "t.sub:2: request_memory: bad size '1MBB' (a number, optionally "
	    "followed by K, M, G or T)");
	fails("executable = /bin/true\n"
	    "request_memory = 9000000000000000000 T\nqueue\n",
	    "t.sub:2: request_memory: '9000000000000000000 T' is too large");
}

Test(submit, disk_units)
{
	cr_assert_eq(disk("100"), 100);
	cr_assert_eq(disk("2KB"), 2);
	cr_assert_eq(disk("1M"), 1024);
	cr_assert_eq(disk("1 g"), 1048576);
	cr_assert_eq(disk("1T"), 1073741824);
	fails("executable = /bin/true\nrequest_disk = lots\nqueue\n",
	    "t.sub:2: request_disk: bad size 'lots' (a number, optionally "
	    "followed by K, M, G or T)");
}

Test(submit, universe)
{
	one("universe = vanilla\nexecutable = /bin/true\nqueue\n");
	fails("universe = grid\nexecutable = /bin/true\nqueue\n",
	    "t.sub:1: universe 'grid' is not supported (only vanilla)");
}

Test(submit, custom_attributes)
{
	struct jobdesc		*jd;
	struct json_object	*c, *v;

	jd = one("executable = /bin/true\n"
	    "+Num = 42\n"
	    "+Neg = -7\n"
	    "+Flag = true\n"
	    "+Off = FALSE\n"
	    "+Str = \"hello \\\"w\\\"\"\n"
	    "+Const = 2 * 1024\n"
	    "+Real = 1.5\n"
	    "+Empty =\n"
	    "+num = 43\n"
	    "queue\n");
	c = jd->custom;
	cr_assert_eq(json_object_object_length(c), 7);
	/* Redefined with another case: one attribute, the latest spelling. */
	cr_assert_null(jsonx_get(c, "Num"));
	v = jsonx_get(c, "num");
	cr_assert(json_object_is_type(v, json_type_int));
	cr_assert_eq(json_object_get_int64(v), 43);
	v = jsonx_get(c, "Neg");
	cr_assert(json_object_is_type(v, json_type_int));
	cr_assert_eq(json_object_get_int64(v), -7);
	v = jsonx_get(c, "Flag");
	cr_assert(json_object_is_type(v, json_type_boolean));
	cr_assert(json_object_get_boolean(v));
	v = jsonx_get(c, "Off");
	cr_assert(json_object_is_type(v, json_type_boolean));
	cr_assert(!json_object_get_boolean(v));
	cr_assert_str_eq(jsonx_str(c, "Str", NULL), "hello \"w\"");
	/* A constant expression is its value, with its type. */
	v = jsonx_get(c, "Const");
	cr_assert(json_object_is_type(v, json_type_int));
	cr_assert_eq(json_object_get_int64(v), 2048);
	v = jsonx_get(c, "Real");
	cr_assert(json_object_is_type(v, json_type_double));
	cr_assert_null(jsonx_get(c, "Empty"));

	fails("executable = /bin/true\n+1x = 2\nqueue\n",
	    "t.sub:2: bad name '+1x'");
	/* A reference is not the string: refused, naming what is missing. */
	fails("executable = /bin/true\n+A = alpha\nqueue\n",
	    "t.sub:2: +A: cq does not support ClassAd expressions as "
	    "attribute values ('alpha'; HTCondor's +Attr = expression): write "
	    "a number, true, false or a \"string\"");
	fails("executable = /bin/true\nMY.E = Owner == \"u\"\nqueue\n",
	    "t.sub:2: +E: cq does not support ClassAd expressions as "
	    "attribute values ('Owner == \"u\"'; HTCondor's +Attr = "
	    "expression): write a number, true, false or a \"string\"");
}

Test(submit, queue_n_and_several_statements)
{
	const char	*w[] = { "first" };
	size_t		 i;

	cr_assert_eq(parse("executable = /bin/true\nqueue 3\n"), 0, "%s", err);
	cr_assert_eq(njobs, 3);
	for (i = 0; i < 3; i++)
		cr_assert_eq(jobs[i].proc, i);

	cr_assert_eq(parse("executable = /bin/echo\n"
	    "arguments = first\n"
	    "queue 2\n"
	    "arguments = second $(Process)\n"
	    "request_cpus = 2\n"
	    "QUEUE\n"
	    "queue 0\n"
	    "executable = /bin/cat\n"
	    "queue   2  \n"), 0, "%s", err);
	cr_assert_eq(njobs, 5);
	args_are(&jobs[0], 1, w);
	args_are(&jobs[1], 1, w);
	cr_assert_eq(jobs[1].request_cpus, 1);
	cr_assert_eq(jobs[2].argc, 2);
	cr_assert_str_eq(jobs[2].argv[1], "2");
	cr_assert_eq(jobs[2].request_cpus, 2);
	cr_assert_str_eq(jobs[2].executable, "/bin/echo");
	cr_assert_str_eq(jobs[3].executable, "/bin/cat");
	cr_assert_str_eq(jobs[4].argv[1], "4");
	for (i = 0; i < 5; i++)
		cr_assert_eq(jobs[i].proc, i);

	/* Only queue 0: no jobs, and that is not an error. */
	cr_assert_eq(parse("executable = /bin/true\nqueue 0\n"), 0);
	cr_assert_eq(njobs, 0);
}

Test(submit, queue_errors)
{
	fails("executable = /bin/true\n", "t.sub:1: no queue statement");
	fails("executable = /bin/true\n\n# end\n",
	    "t.sub:3: no queue statement");
	fails("", "t.sub:1: no queue statement");
	fails("arguments = x\nqueue\n", "t.sub:2: no executable");
	fails("executable = /bin/true\nqueue -1\n",
	    "t.sub:2: queue: expected [N] [VAR[,VAR...]] in|from|matching "
	    "..., not '-1'");
	fails("executable = /bin/true\nqueue 2 x y in (a, b)\n",
	    "t.sub:2: queue: expected [N] [VAR[,VAR...]] in|from|matching "
	    "..., not 'y in (a, b)'");
	fails("executable = /bin/true\nqueue 1000001\n",
	    "t.sub:2: queue: count too large (limit 1000000)");
	fails("executable = /bin/true\nqueue 600000\nqueue 400001\n",
	    "t.sub:3: too many jobs (limit 1000000)");
}

Test(submit, syntax_errors)
{
	fails("executable /bin/true\nqueue\n",
	    "t.sub:1: syntax error: expected 'name = value' or 'queue'");
	fails("my var = 1\n", "t.sub:1: bad name 'my var'");
	fails(" = 1\n", "t.sub:1: bad name ''");
}

/*
 * A predefined macro may be assigned, as in HTCondor's test suite
 * (job_core_macros_*.cmd: `process = $(Process)`): the value stands for
 * the name, and the name inside it is the parser's own.
 */
Test(submit, predefined_redefined)
{
	cr_assert_eq(parse("executable = /bin/echo\n"
	    "process = $(Process)\n"
	    "arguments = $(process) $(ProcId)\n"
	    "queue 2\n"), 0, "%s", err);
	cr_assert_str_eq(jobs[1].argv[0], "1");
	cr_assert_str_eq(jobs[1].argv[1], "1");
	cr_assert_eq(parse("executable = /bin/echo\n"
	    "Step = s$(Step)\n"
	    "arguments = $(step) $(Process)\n"
	    "queue 2\n"), 0, "%s", err);
	cr_assert_str_eq(jobs[1].argv[0], "s1");
	cr_assert_str_eq(jobs[1].argv[1], "1");
	/* Assigned outright: the value wins, the job's proc does not change. */
	cr_assert_eq(parse("executable = /bin/echo\n"
	    "Process = 7\narguments = $(Process)\nqueue 2\n"), 0, "%s", err);
	cr_assert_str_eq(jobs[1].argv[0], "7");
	cr_assert_eq(jobs[1].proc, 1);
	/* SUBMIT_FILE is the submit file's absolute path. */
	cr_assert_eq(parse("executable = $Fp(SUBMIT_FILE)run.sh\n"
	    "arguments = $(SUBMIT_FILE) $(IsLinux)$(IsWindows)\nqueue\n"), 0,
	    "%s", err);
	cr_assert_str_eq(jobs[0].executable, "/home/u/run.sh");
	cr_assert_str_eq(jobs[0].argv[0], "/home/u/t.sub");
	cr_assert_str_eq(jobs[0].argv[1], "10");
}

Test(submit, nul_byte)
{
	const char	 text[] = "executable = /bin/true\nx = 1\0\nqueue\n";

	cr_assert_eq(submit_parse_buf("t.sub", text, sizeof(text) - 1,
	    "/home/u", test_envp, &jobs, &njobs, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "t.sub:2: NUL byte");
}

Test(submit, utf8)
{
	struct jobdesc	*jd;
	char		*bad_envp[] = { "OK=1", "BAD=\xff", NULL };
	char		*text = "executable = /bin/echo\n"
			    "getenv = true\nqueue\n";

	jd = one("executable = /bin/echo\narguments = caf\xc3\xa9 \xe2\x82\xac"
	    "\nqueue\n");
	cr_assert_str_eq(jd->argv[0], "caf\xc3\xa9");
	/* Latin-1, an overlong '/', a UTF-16 surrogate, a cut sequence. */
	fails("executable = /bin/echo\narguments = caf\xe9\nqueue\n",
	    "t.sub:2: invalid UTF-8");
	fails("executable = /bin/echo\narguments = \xc0\xaf\nqueue\n",
	    "t.sub:2: invalid UTF-8");
	fails("executable = /bin/echo\n\nx = \xed\xa0\x80\nqueue\n",
	    "t.sub:3: invalid UTF-8");
	fails("executable = /bin/echo\nqueue\nx = \xe2\x82",
	    "t.sub:3: invalid UTF-8");
	cr_assert_eq(submit_parse_buf("t.sub", text, strlen(text), "/home/u",
	    bad_envp, &jobs, &njobs, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "t.sub:2: getenv: 'BAD=\\xff' is not valid "
	    "UTF-8");
}

Test(submit, macros)
{
	struct jobdesc	*jd;
	const char	*w[] = { "run-$(Cluster).0", "$(Cluster)", "x", "24",
	    "$", "$$", "late", "$(", "$(a-b)", "$(a:)" };

	jd = one("Prefix = run\n"
	    "executable = /bin/echo\n"
	    "arguments = $(prefix)-$(Cluster).$(Process) $(ClusterId) "
	    "$(nosuch) $(E:x) $(F:24) $(DOLLAR) $$ $(later) $( "
	    "$(a-b) $(a:$(E))\n"
	    "later = late\n"
	    "output = out.$(ProcId)\n"
	    "queue\n");
	/*
	 * $(nosuch) is empty, so in the old syntax no argument at all; a
	 * default cannot hold a '$', so $(a:$(E)) is text around $(E).
	 */
	args_are(jd, 10, w);
	cr_assert_str_eq(jd->output, "/home/u/out.0");

	/* Macros nest; a macro may be redefined in terms of itself. */
	jd = one("a = 1\nb = $(a)$(a)\nc = $(b)-$(b)\n"
	    "foo = bar\nfoo = snap $(foo)\nfoo = $(FOO) snap\n"
	    "executable = /bin/echo\narguments = $(c) $(foo)\nqueue\n");
	cr_assert_eq(jd->argc, 4);
	cr_assert_str_eq(jd->argv[0], "11-11");
	cr_assert_str_eq(jd->argv[1], "snap");
	cr_assert_str_eq(jd->argv[2], "bar");
	cr_assert_str_eq(jd->argv[3], "snap");

	/* Values expand per proc, and queue counts expand too. */
	cr_assert_eq(parse("n = 3\nexecutable = /bin/echo\n"
	    "arguments = \"'$(Process) x'\"\nqueue $(n)\n"), 0, "%s", err);
	cr_assert_eq(njobs, 3);
	cr_assert_str_eq(jobs[2].argv[0], "2 x");
	cr_assert_eq(jobs[2].argc, 1);
}

Test(submit, macro_recursion)
{
	fails("a = $(b)\nb = x $(a)\nexecutable = /bin/echo\n"
	    "arguments = $(a)\nqueue\n",
	    "t.sub:4: macro recursion in $(a)");
	/* No base case: HTCondor rejects it too. */
	fails("foo = $(foo) bar\nexecutable = /bin/echo\n"
	    "arguments = $(foo)\nqueue\n",
	    "t.sub:3: macro recursion in $(foo)");
	/* Doubling at every level hits the reference limit, not the CPU. */
	fails("a0 = x\na1 = $(a0)$(a0)\na2 = $(a1)$(a1)\na3 = $(a2)$(a2)\n"
	    "a4 = $(a3)$(a3)\na5 = $(a4)$(a4)\na6 = $(a5)$(a5)\n"
	    "a7 = $(a6)$(a6)\na8 = $(a7)$(a7)\na9 = $(a8)$(a8)\n"
	    "b0 = $(a9)$(a9)\nb1 = $(b0)$(b0)\nb2 = $(b1)$(b1)\n"
	    "b3 = $(b2)$(b2)\nb4 = $(b3)$(b3)\nb5 = $(b4)$(b4)\n"
	    "executable = /bin/echo\narguments = $(b5)\nqueue\n",
	    "t.sub:18: macro expansion too large (over 10000 references)");
	/* Unused recursion is harmless. */
	one("a = $(a)\nexecutable = /bin/true\nqueue\n");
}

Test(submit, value_too_long)
{
	char	*text;
	size_t	 n = JOBDESC_MAX_STR / 2 + 1;

	text = xmalloc(n + 128);
	memcpy(text, "a = ", 4);
	memset(text + 4, 'x', n);
	memcpy(text + 4 + n, "\nexecutable = /bin/echo\n"
	    "arguments = $(a)$(a)\nqueue\n", 51);
	fails(text, "t.sub:3: value too long (limit 65536 bytes)");
	free(text);
}

Test(submit, unknown_keys_are_macros)
{
	one("executable = /bin/true\nmy_address = me@x\nqueue\n");
}

Test(submit, parse_file)
{
	char	 path[] = "/tmp/test_submit.XXXXXX";
	FILE	*f;
	int	 fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs("executable = prog\noutput = o\nbogus line\n", f);
	fclose(f);
	cr_assert_eq(submit_parse_file(path, "/w", test_envp, &jobs, &njobs,
	    err, sizeof(err)), -1);
	cr_assert(strncmp(err, path, strlen(path)) == 0);
	cr_assert_str_eq(err + strlen(path),
	    ":3: syntax error: expected 'name = value' or 'queue'");

	cr_assert_not_null(f = fopen(path, "w"));
	fputs("executable = prog\noutput = o\nqueue 2\n", f);
	fclose(f);
	cr_assert_eq(submit_parse_file(path, "/w", test_envp, &jobs, &njobs,
	    err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(njobs, 2);
	cr_assert_str_eq(jobs[1].executable, "/w/prog");
	cr_assert_str_eq(jobs[1].output, "/w/o");
	unlink(path);
	teardown();

	cr_assert_eq(submit_parse_file("/nonexistent/x.sub", "/w", test_envp,
	    &jobs, &njobs, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "/nonexistent/x.sub: No such file or directory");
	cr_assert_null(jobs);
}

/*
 * An HTCondor command cq does not act on is refused at the line that
 * sets it, never taken as a macro in silence; its harmless default is
 * accepted (submit-unsup.c).
 */
Test(submit, htcondor_commands_not_supported)
{
	fails("executable = /bin/true\ndeferral_time = 5\nqueue\n",
	    "t.sub:2: deferral_time: cq does not support deferred starts "
	    "(HTCondor's submit command deferral_time)");
	fails("executable = /bin/true\n\nRequest_GPUs = 2\nqueue\n",
	    "t.sub:3: request_gpus: cq does not support GPUs (HTCondor's "
	    "submit command request_gpus)");
	fails("executable = /bin/true\ncron_minute = 5\nqueue\n",
	    "t.sub:2: cron_minute: cq does not support CronTab scheduling "
	    "(HTCondor's submit command cron_minute)");
	one("executable = /bin/true\nhold = False\nstream_output = no\n"
	    "request_gpus = 0\ntransfer_executable = TRUE\nqueue\n");
}
