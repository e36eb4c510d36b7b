/*
 * test_submit_queue.c: unit tests of the queue statement's forms
 * (common/submit-queue.c) and the macros they define (submit-macro.c):
 * queue N, VAR in, VAR from FILE and from an inline list, VAR matching,
 * slices, $(Item)/$(ItemIndex)/$(Row)/$(Step)/$(Process), $$([...]),
 * each error path, and a 100,000-item `queue from` (count only).  The
 * from/matching tests work in a fresh directory under /tmp.
 */
#include "config.h"

#include <sys/stat.h>

#include <ftw.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "jobdesc.h"
#include "submit.h"
#include "xmalloc.h"

#include "parse_fixture.h"

static char	 dir[] = "/tmp/test_submit_queue.XXXXXX";

static void
dir_setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
dir_teardown(void)
{
	teardown();
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(submit_queue, .fini = teardown);

static void
ok(const char *text, size_t n)
{
	cr_assert_eq(parse(text), 0, "parse failed: %s", err);
	cr_assert_eq(njobs, n, "%zu jobs, want %zu", njobs, n);
}

/* Job I's arguments joined by spaces. */
static const char *
args(size_t i)
{
	static char	 buf[1024];
	size_t		 k, o = 0;

	buf[0] = '\0';
	cr_assert_lt(i, njobs);
	for (k = 0; k < jobs[i].argc; k++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%s", k ? " " : "",
		    jobs[i].argv[k]);
	return buf;
}

static void
write_file(const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	fclose(f);
	free(path);
}

/* Parse TEXT as DIR/t.sub from DIR. */
static int
parse_in_dir(const char *text)
{
	char	*name;
	int	 rc;

	teardown();
	xasprintf(&name, "%s/t.sub", dir);
	rc = submit_parse_buf(name, text, strlen(text), dir, test_envp,
	    &jobs, &njobs, err, sizeof(err));
	free(name);
	return rc;
}

#define E	"executable = /bin/echo\n"

Test(submit_queue, queue_n_numbers_procs_and_steps)
{
	ok(E "arguments = $(Process) $(ProcId) $(Step) $(ItemIndex) $(Row) "
	    "[$(Item)]\nqueue 3\n", 3);
	cr_assert_str_eq(args(0), "0 0 0 0 0 []");
	cr_assert_str_eq(args(2), "2 2 2 0 0 []");
	cr_assert_eq(jobs[2].proc, 2);
}

Test(submit_queue, several_queues_number_on)
{
	ok(E "arguments = a $(Process) $(Step)\nqueue 2\n"
	    "arguments = b $(Process) $(Step)\nqueue\n"
	    "arguments = c $(Item)\nqueue Item in (x)\n", 4);
	cr_assert_str_eq(args(0), "a 0 0");
	cr_assert_str_eq(args(1), "a 1 1");
	cr_assert_str_eq(args(2), "b 2 0");
	cr_assert_str_eq(args(3), "c x");
	ok(E "queue 0\n", 0);
}

Test(submit_queue, in_list)
{
	ok(E "arguments = $(Item) $(ItemIndex) $(Step) $(Process)\n"
	    "queue 2 in (a, b\tc)\n", 6);
	cr_assert_str_eq(args(0), "a 0 0 0");
	cr_assert_str_eq(args(1), "a 0 1 1");
	cr_assert_str_eq(args(2), "b 1 0 2");
	cr_assert_str_eq(args(5), "c 2 1 5");
	/* A named variable, no parentheses, upper case keywords. */
	ok(E "arguments = $(name)\nQUEUE name IN x y\n", 2);
	cr_assert_str_eq(args(1), "y");
	/* Items over several lines, comments of the file left alone. */
	ok(E "arguments = $(v)\nqueue v in (\n  one,\n  two three\n)\n"
	    "arguments = after\nqueue\n", 4);
	cr_assert_str_eq(args(0), "one");
	cr_assert_str_eq(args(2), "three");
	cr_assert_str_eq(args(3), "after");
	/* The loop variable hides a macro of that name only in the loop. */
	ok("v = outside\n" E "arguments = $(v)\nqueue v in (in)\nqueue\n", 2);
	cr_assert_str_eq(args(0), "in");
	cr_assert_str_eq(args(1), "outside");
}

Test(submit_queue, from_inline_list)
{
	ok(E "arguments = $(a)|$(b)|$(c)\n"
	    "queue a,b, c from (\n"
	    "  x1, y1, rest of (line)\n"
	    "# a comment\n"
	    "\n"
	    "x2 y2\n"
	    "x3\n"
	    ")\n", 3);
	cr_assert_str_eq(args(0), "x1|y1|rest of (line)");
	cr_assert_str_eq(args(1), "x2|y2|");
	cr_assert_str_eq(args(2), "x3||");
	/* One variable takes the whole line; Item by default. */
	ok(E "arguments = \"'$(Item)'\"\nqueue from (\n  a b, c  \n)\n", 1);
	cr_assert_str_eq(jobs[0].argv[0], "a b, c");
	/* On one line. */
	ok(E "arguments = $(Item)\nqueue 2 from (only)\n", 2);
	cr_assert_str_eq(args(1), "only");
}

Test(submit_queue, from_file, .init = dir_setup, .fini = dir_teardown)
{
	write_file("items.txt", "in1.dat, 10\n\nin2.dat 20\r\n# no\nin3.dat,30");
	cr_assert_eq(parse_in_dir(E "arguments = $(file) $(n) $(Row)\n"
	    "output = $(file).out\nqueue file,n from items.txt\n"), 0, "%s",
	    err);
	cr_assert_eq(njobs, 3);
	cr_assert_str_eq(args(0), "in1.dat 10 0");
	cr_assert_str_eq(args(1), "in2.dat 20 1");
	cr_assert_str_eq(args(2), "in3.dat 30 2");
	cr_assert(strstr(jobs[2].output, "/in3.dat.out") != NULL);

	/* Errors in the item file name it. */
	write_file("bad.txt", "ok\n\xff\n");
	cr_assert_eq(parse_in_dir(E "queue from bad.txt\n"), -1);
	cr_assert(strstr(err, "/bad.txt:2: invalid UTF-8") != NULL, "%s",
	    err);
	cr_assert_eq(parse_in_dir(E "queue from nosuch.txt\n"), -1);
	cr_assert(strstr(err, "t.sub:2: queue: ") != NULL, "%s", err);
	cr_assert(strstr(err, "nosuch.txt: No such file or directory") !=
	    NULL, "%s", err);
	cr_assert_eq(parse_in_dir(E "queue from .\n"), -1);
	cr_assert(strstr(err, ": not a regular file") != NULL, "%s", err);
}

Test(submit_queue, matching, .init = dir_setup, .fini = dir_teardown)
{
	char	*sub;

	write_file("b.dat", "");
	write_file("a.dat", "");
	write_file("c.txt", "");
	xasprintf(&sub, "%s/d.dat", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	free(sub);
	cr_assert_eq(parse_in_dir(E "arguments = $(f) $(ItemIndex)\n"
	    "queue f matching *.dat c.* a.*\n"), 0, "%s", err);
	cr_assert_eq(njobs, 4);
	cr_assert_str_eq(args(0), "a.dat 0");
	cr_assert_str_eq(args(1), "b.dat 1");
	cr_assert_str_eq(args(2), "c.txt 2");
	cr_assert_str_eq(args(3), "d.dat 3");
	cr_assert_eq(parse_in_dir(E "arguments = $(Item)\n"
	    "queue matching files *.dat\n"), 0, "%s", err);
	cr_assert_eq(njobs, 2);
	cr_assert_eq(parse_in_dir(E "arguments = $(Item)\n"
	    "queue matching dirs *\n"), 0, "%s", err);
	cr_assert_eq(njobs, 1);
	cr_assert_str_eq(args(0), "d.dat");
	/* Relative to initialdir. */
	write_file("d.dat/x.in", "");
	cr_assert_eq(parse_in_dir(E "initialdir = d.dat\narguments = $(Item)\n"
	    "queue matching *.in\n"), 0, "%s", err);
	cr_assert_eq(njobs, 1);
	cr_assert_str_eq(args(0), "x.in");
	/* No match, no job. */
	cr_assert_eq(parse_in_dir(E "queue matching *.none\n"), 0, "%s", err);
	cr_assert_eq(njobs, 0);
}

Test(submit_queue, slices)
{
	ok(E "arguments = $(Item) $(ItemIndex)\n"
	    "queue in [1:] (a b c d)\n", 3);
	cr_assert_str_eq(args(0), "b 1");
	ok(E "arguments = $(Item) $(Row)\nqueue in [::2] (a b c d e)\n", 3);
	cr_assert_str_eq(args(2), "e 4");
	ok(E "arguments = $(Item)\nqueue in [-2:] (a b c d e)\n", 2);
	cr_assert_str_eq(args(0), "d");
	ok(E "arguments = $(Item)\nqueue from [:1] (\nx\ny\n)\n", 1);
	cr_assert_str_eq(args(0), "x");
	ok(E "queue in [1:] ()\n", 0);		/* found by the fuzzer */
	fails(E "queue in [::0] (a)\n", "t.sub:2: queue: bad slice "
	    "(expected [start:end:step], step above 0)");
	fails(E "queue in [a] (a)\n", "t.sub:2: queue: bad slice "
	    "(expected [start:end:step], step above 0)");
}

Test(submit_queue, errors)
{
	fails(E "queue x in (a\nb\n", "t.sub:2: queue: no ')' closes the "
	    "list");
	fails(E "queue from (\na\n", "t.sub:2: queue: no ')' closes the list");
	fails(E "queue in (a) b\n", "t.sub:2: queue: text after ')'");
	fails(E "queue in (a\nb) c\n", "t.sub:3: queue: text after ')'");
	fails(E "queue in\n", "t.sub:2: queue: nothing after 'in'");
	fails(E "queue a,b in (x)\n", "t.sub:2: queue: 'in' takes one "
	    "variable");
	fails(E "queue a,b matching *\n", "t.sub:2: queue: 'matching' "
	    "takes one variable");
	fails(E "queue Step in (x)\n", "t.sub:2: queue: 'step' is predefined");
	fails(E "queue from exit 3 |\n", "t.sub:2: queue: 'exit 3' exited 3");
	fails(E "queue from |\n", "t.sub:2: queue: no command before '|'");
	fails(E "queue 3 x\n", "t.sub:2: queue: expected [N] [VAR[,VAR...]] "
	    "in|from|matching ..., not ''");
	fails(E "queue a b in (x)\n", "t.sub:2: queue: expected [N] "
	    "[VAR[,VAR...]] in|from|matching ..., not 'b in (x)'");
	fails(E "arguments = $(Item)\nqueue in (a, $$([1+1]))\n",
	    "t.sub:3: cq does not support $$([expression]) "
	    "(HTCondor's match-time expression substitution)");
	/* An error in any proc: no job at all. */
	fails(E "request_cpus = $(Item)\nqueue in (1 2 x 4)\n",
	    "t.sub:2: request_cpus: 'x' is not a positive integer");
}

Test(submit_queue, dollar_dollar)
{
	/* Match-time substitution is refused; $(DOLLAR) writes a '$'. */
	fails(E "arguments = $$(OpSys) $(Item)\nqueue in (a)\n",
	    "t.sub:2: cq does not support $$(OpSys) (HTCondor's match-time "
	    "substitution of the machine's attributes)");
	ok(E "arguments = $(DOLLAR)$(DOLLAR)(OpSys) $(Item)\nqueue in (a)\n",
	    1);
	cr_assert_str_eq(args(0), "$$(OpSys) a");
	fails(E "requirements = $$([Memory * 2])\nqueue\n",
	    "t.sub:2: cq does not support $$([expression]) "
	    "(HTCondor's match-time expression substitution)");
	fails("a = $(b)\nb = $(a)\n" E "arguments = $(Item)\n"
	    "queue Item in ($(a))\n", "t.sub:5: macro recursion in $(a)");
}

Test(submit_queue, hundred_thousand_items_from_a_list)
{
	size_t	 n = 100000, i, o;
	char	*text;

	text = xmalloc(n * 16 + 256);
	o = snprintf(text, 256, E "arguments = $(a) $(b)\n"
	    "output = out.$(a)\nqueue a,b from (\n");
	for (i = 0; i < n; i++)
		o += snprintf(text + o, 16, "i%zu, %zu\n", i, i);
	memcpy(text + o, ")\n", 3);
	ok(text, n);
	cr_assert_str_eq(args(n - 1), "i99999 99999");
	cr_assert_eq(jobs[n - 1].proc, n - 1);
	free(text);
}

Test(submit_queue, env_and_filename_functions)
{
	ok(E "x = data/run.1.tar.gz\n"
	    "arguments = $Fn(Item) $Fx(Item) $Fp(Item) $Fnx(Item) $Fpn(Item) "
	    "$Ff(Item) $Fn(x) $ENV(HOME) [$ENV(NOPE)] $F(Item) $Fz(Item)\n"
	    "output = $Fq(Item)\n"
	    "queue in (a/b/c.txt, plain, .hidden, /abs/x.y)\n", 4);
	cr_assert_str_eq(args(0), "c .txt a/b/ c.txt a/b/c /home/u/a/b/c.txt "
	    "run.1.tar /home/u [] $F(Item) $Fz(Item)");
	cr_assert_str_eq(args(1), "plain plain plain /home/u/plain run.1.tar "
	    "/home/u [] $F(Item) $Fz(Item)");
	cr_assert_str_eq(args(2), ".hidden .hidden .hidden /home/u/.hidden "
	    "run.1.tar /home/u [] $F(Item) $Fz(Item)");
	cr_assert_str_eq(args(3), "x .y /abs/ x.y /abs/x /abs/x.y run.1.tar "
	    "/home/u [] $F(Item) $Fz(Item)");
	cr_assert_str_eq(jobs[3].output, "/home/u/\"/abs/x.y\"");
	fails("a = $Fn(a)\n" E "arguments = $(a)\nqueue\n",
	    "t.sub:3: macro recursion in $(a)");
}

/* The example of HTCondor's manual: loop variables named like keywords. */
Test(submit_queue, loop_variables_set_keywords)
{
	ok("executable = /bin/cat\n"
	    "queue input,arguments from (\n"
	    "  file1, -a -b 26\n"
	    "  file2, -c -d 92\n"
	    ")\n", 2);
	cr_assert_str_eq(jobs[0].input, "/home/u/file1");
	cr_assert_str_eq(args(0), "-a -b 26");
	cr_assert_str_eq(jobs[1].input, "/home/u/file2");
	cr_assert_str_eq(args(1), "-c -d 92");
	/* The keyword's own value stays for the next queue statement. */
	ok("arguments = plain\nqueue executable in (/bin/true, /bin/echo)\n"
	    "executable = /bin/sh\nqueue\n", 3);
	cr_assert_str_eq(jobs[1].executable, "/bin/echo");
	cr_assert_str_eq(jobs[2].executable, "/bin/sh");
	cr_assert_str_eq(args(2), "plain");
	fails(E "queue request_cpus in (1, x)\n",
	    "t.sub:2: request_cpus: 'x' is not a positive integer");
}

/* `queue VAR from COMMAND |`: the lines the command writes, via sh -c. */
Test(submit_queue, from_command)
{
	ok(E "arguments = $(x) $(y)\n"
	    "queue x,y from printf 'a 1\\n\\n# c\\nb 2\\n' |\n", 2);
	cr_assert_str_eq(args(0), "a 1");
	cr_assert_str_eq(args(1), "b 2");
	/* HTCondor's manual: `queue from seq 7 9 |`. */
	ok(E "arguments = $(Item)\nqueue from seq 7 9 |\n", 3);
	cr_assert_str_eq(args(2), "9");
	ok(E "queue from true |\n", 0);
	/* Output is bounded: 16 MiB, like a file. */
	fails(E "queue from yes | head -c 17000000 |\n",
	    "t.sub:2: queue: 'yes | head -c 17000000' wrote more than "
	    "16777216 bytes");
	fails(E "queue from kill -9 $$ |\n",
	    "t.sub:2: queue: 'kill -9 $$' was killed by signal 9");
}
