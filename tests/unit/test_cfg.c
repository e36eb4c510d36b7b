/*
 * test_cfg.c: unit tests of configuration loading (common/cfg.c):
 * defaults, files, CQ_<KEY> variables, the kernel command line, the
 * duration and host:port parsers, and the rule that an error names its
 * file and line and changes nothing.  Files live in a private temporary
 * directory removed after each test.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cfg.h"
#include "tls.h"

static const struct cfg_key test_keys[] = {
	{ "lease", CFG_DURATION, "30s", 0, 0, "agent lease" },
	{ "slots", CFG_INT, "1", 1, 1024, "slots to offer" },
	{ "debug", CFG_BOOL, "off", 0, 0, "log more" },
	{ "listen", CFG_HOSTPORT, "0.0.0.0:9618", 0, 0, "where to listen" },
	{ "state_dir", CFG_STRING, "/var/lib/cq", 0, 0, "the store" },
	{ "name", CFG_STRING, NULL, 0, 0, "a name" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static struct cfg	*cfg;
static char		 dir[64];
static char		 path[128];
static char		 err[512];
static int		 nfiles;

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/cq-test-cfg.XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	nfiles = 0;
	err[0] = '\0';
	cfg = cfg_new(test_keys);
}

static void
teardown(void)
{
	char	p[128];
	int	i;

	cfg_free(cfg);
	cfg = NULL;
	for (i = 0; i < nfiles; i++) {
		snprintf(p, sizeof p, "%s/f%d.conf", dir, i);
		unlink(p);
	}
	rmdir(dir);
}

TestSuite(cfg, .init = setup, .fini = teardown);

/* Write TEXT to a new file in the test directory; its name goes to PATH. */
static const char *
file(const char *text)
{
	FILE	*f;

	snprintf(path, sizeof path, "%s/f%d.conf", dir, nfiles++);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
	return path;
}

static int
load(const char *text)
{
	err[0] = '\0';
	return cfg_load_file(cfg, file(text), err, sizeof err);
}

/* Load TEXT expecting failure with "PATH:LINE: WHAT". */
static void
load_fails(const char *text, int line, const char *what)
{
	char	want[512];

	cr_assert_eq(load(text), -1, "<%s> loaded", text);
	snprintf(want, sizeof want, "%s:%d: %s", path, line, what);
	cr_assert_str_eq(err, want);
}

static int64_t
duration(const char *s)
{
	const char	*errstr = NULL;
	int64_t		 ms = -1;

	cr_assert_eq(cfg_parse_duration(s, &ms, &errstr), 0,
	    "<%s>: %s", s, errstr ? errstr : "?");
	return ms;
}

static void
bad_duration(const char *s)
{
	const char	*errstr = NULL;
	int64_t		 ms = 12345;

	cr_assert_eq(cfg_parse_duration(s, &ms, &errstr), -1,
	    "<%s> accepted as %lld ms", s, (long long)ms);
	cr_assert_not_null(errstr);
	cr_assert_eq(ms, 12345, "<%s>: output written on error", s);
}

Test(cfg, defaults)
{
	cr_assert_eq(cfg_ms(cfg, "lease"), 30000);
	cr_assert_str_eq(cfg_str(cfg, "lease"), "30s");
	cr_assert_eq(cfg_int(cfg, "slots"), 1);
	cr_assert_eq(cfg_bool(cfg, "debug"), 0);
	cr_assert_str_eq(cfg_str(cfg, "listen"), "0.0.0.0:9618");
	cr_assert_str_eq(cfg_str(cfg, "state_dir"), "/var/lib/cq");
	cr_assert_null(cfg_str(cfg, "name"));
	/* Lookups ignore case, as files do. */
	cr_assert_eq(cfg_int(cfg, "SLOTS"), 1);
}

Test(cfg, file_with_comments_blanks_whitespace)
{
	cr_assert_eq(load(
	    "# cq configuration\n"
	    "\n"
	    "   \n"
	    "slots = 8\n"
	    "  # indented comment = not a key\n"
	    "\tlease\t=\t1.5m  \n"
	    "debug=yes\n"
	    "state_dir =   /srv/cq  state  \n"
	    "listen = [::1]:9618\r\n"
	    "NAME = Node-1"), 0, "%s", err);
	cr_assert_eq(cfg_int(cfg, "slots"), 8);
	cr_assert_eq(cfg_ms(cfg, "lease"), 90000);
	cr_assert_str_eq(cfg_str(cfg, "lease"), "1.5m");
	cr_assert_eq(cfg_bool(cfg, "debug"), 1);
	cr_assert_str_eq(cfg_str(cfg, "state_dir"), "/srv/cq  state");
	cr_assert_str_eq(cfg_str(cfg, "listen"), "[::1]:9618");
	cr_assert_str_eq(cfg_str(cfg, "name"), "Node-1");
}

Test(cfg, empty_file_keeps_defaults)
{
	cr_assert_eq(load(""), 0, "%s", err);
	cr_assert_eq(cfg_int(cfg, "slots"), 1);
	cr_assert_eq(load("# nothing\n\n"), 0, "%s", err);
	cr_assert_eq(cfg_ms(cfg, "lease"), 30000);
}

Test(cfg, empty_string_value)
{
	cr_assert_eq(load("state_dir =\n"), 0, "%s", err);
	cr_assert_str_eq(cfg_str(cfg, "state_dir"), "");
}

Test(cfg, unknown_key)
{
	load_fails("slots = 2\nfoo = 1\n", 2, "unknown key 'foo'");
	load_fails("foo=1\n", 1, "unknown key 'foo'");
}

Test(cfg, bad_values_name_file_and_line)
{
	load_fails("\n\nslots = many\n", 3, "slots: invalid");
	load_fails("slots = 0\n", 1, "slots: too small");
	load_fails("slots = 1025\n", 1, "slots: too large");
	load_fails("slots = 4x\n", 1, "slots: invalid");
	load_fails("# c\nlease = soon\n", 2,
	    "lease: not a duration (seconds, or with ms/s/m/h)");
	load_fails("lease = 5 days\n", 1,
	    "lease: unknown duration unit (use ms, s, m or h)");
	load_fails("debug = maybe\n", 1, "debug: expected on or off");
	load_fails("listen = localhost\n", 1,
	    "listen: expected host:port");
	load_fails("listen = h:99999\n", 1, "listen: bad port in host:port");
	load_fails("slots 4\n", 1, "expected key = value");
	load_fails(" = 4\n", 1, "missing key");
}

/*
 * Found by tests/fuzz/fuzz-cfg.c (docs/fuzzing.md): fgets() stopped
 * reading a line at a NUL byte, so "slots = 5\0junk" at the end of a
 * file loaded as slots = 5; the first input is the one it reported.
 */
Test(cfg, fuzz_nul_byte_refused)
{
	static const char	crash[] = "\t\0tols)4\x80";
	static const char	at_end[] = "slots = 5\0junk";
	static const char	inside[] = "slots = 5\0x\nlease = 1\n";
	FILE			*f;
	size_t			 i;
	struct {
		const char	*buf;
		size_t		 len;
	} in[] = {
		{ crash, sizeof crash - 1 },
		{ at_end, sizeof at_end - 1 },
		{ inside, sizeof inside - 1 },
	};

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		f = fmemopen((void *)in[i].buf, in[i].len, "r");
		cr_assert_not_null(f);
		cr_assert_eq(cfg_load_fp(cfg, f, "mem", err, sizeof err), -1,
		    "input %zu loaded", i);
		cr_assert_str_eq(err, "mem:1: NUL byte in line");
		fclose(f);
		cr_assert_eq(cfg_int(cfg, "slots"), 1);
	}
}

Test(cfg, line_length_limit)
{
	char	*text;

	/* 4096 bytes before the newline are fine, 4097 are not. */
	text = malloc(4200);
	cr_assert_not_null(text);
	memset(text, 'x', 4200);
	memcpy(text, "state_dir = ", 12);
	text[4096] = '\n';
	text[4097] = '\0';
	cr_assert_eq(load(text), 0, "%s", err);
	cr_assert_eq(strlen(cfg_str(cfg, "state_dir")), 4096 - 12);
	memset(text, 'x', 4200);
	memcpy(text, "state_dir = ", 12);
	text[4097] = '\n';
	text[4098] = '\0';
	load_fails(text, 1, "line too long");
	text[4097] = '\0';		/* no newline at the end either */
	load_fails(text, 1, "line too long");
	free(text);
}

/*
 * Found by tests/fuzz/fuzz-cmdline.c: the good words before a bad one
 * were applied; its seed "cq.slots=8 cq.lease=never" showed it.
 */
Test(cfg, fuzz_cmdline_error_changes_nothing)
{
	cr_assert_eq(cfg_load_cmdline(cfg, "cq.slots=8 cq.lease=never", err,
	    sizeof err), -1);
	cr_assert_str_eq(err, "kernel command line: cq.lease=never: not a "
	    "duration (seconds, or with ms/s/m/h)");
	cr_assert_eq(cfg_int(cfg, "slots"), 1);
	cr_assert_str_eq(cfg_origin(cfg, "slots"), "default");
	cr_assert_eq(cfg_ms(cfg, "lease"), 30000);
}

Test(cfg, missing_file)
{
	char	want[256];

	snprintf(want, sizeof want, "%s/nonexistent: %s", dir,
	    strerror(ENOENT));
	snprintf(path, sizeof path, "%s/nonexistent", dir);
	cr_assert_eq(cfg_load_file(cfg, path, err, sizeof err), -1);
	cr_assert_str_eq(err, want);
}

Test(cfg, error_changes_nothing)
{
	cr_assert_eq(load("slots = 2\nlease = 10s\n"), 0, "%s", err);
	cr_assert_eq(cfg_int(cfg, "slots"), 2);
	cr_assert_eq(cfg_ms(cfg, "lease"), 10000);

	load_fails("slots = 8\nlease = bogus\n", 2,
	    "lease: not a duration (seconds, or with ms/s/m/h)");
	/* The good first line of the bad file was not applied. */
	cr_assert_eq(cfg_int(cfg, "slots"), 2);
	cr_assert_str_eq(cfg_str(cfg, "slots"), "2");
	cr_assert_eq(cfg_ms(cfg, "lease"), 10000);
	cr_assert_str_eq(cfg_str(cfg, "lease"), "10s");

	load_fails("name = x\nstate_dir = /y\nfoo = 1\n", 3,
	    "unknown key 'foo'");
	cr_assert_null(cfg_str(cfg, "name"));
	cr_assert_str_eq(cfg_str(cfg, "state_dir"), "/var/lib/cq");
}

Test(cfg, later_lines_win)
{
	cr_assert_eq(load("slots = 2\nslots = 3\n"), 0, "%s", err);
	cr_assert_eq(cfg_int(cfg, "slots"), 3);
}

Test(cfg, env_overrides)
{
	char	*envp[] = {
		"PATH=/bin", "CQ_LEASE=5s", "CQ_BUILDDIR=/tmp/x",
		"CQ_SRCDIR=/src", "CQ_=1", "CQ_SLOTS", "XCQ_SLOTS=9",
		"cq_slots=9", "CQ_Debug=on", NULL
	};

	cr_assert_eq(load("lease = 10s\nslots = 2\n"), 0, "%s", err);
	cr_assert_eq(cfg_load_env(cfg, envp, err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_ms(cfg, "lease"), 5000);
	cr_assert_str_eq(cfg_str(cfg, "lease"), "5s");
	cr_assert_eq(cfg_int(cfg, "slots"), 2);
	cr_assert_eq(cfg_bool(cfg, "debug"), 1);
	cr_assert_eq(cfg_load_env(cfg, NULL, err, sizeof err), 0);
}

Test(cfg, env_bad_value)
{
	char	*envp[] = { "CQ_SLOTS=lots", NULL };

	cr_assert_eq(cfg_load_env(cfg, envp, err, sizeof err), -1);
	cr_assert_str_eq(err, "environment CQ_SLOTS: slots: invalid");
	cr_assert_eq(cfg_int(cfg, "slots"), 1);
}

Test(cfg, kernel_cmdline)
{
	cr_assert_eq(cfg_load_cmdline(cfg, "quiet cq.slots=4 root=/dev/nfs",
	    err, sizeof err), 0, "%s", err);
	cr_assert_eq(cfg_int(cfg, "slots"), 4);

	cr_assert_eq(cfg_load_cmdline(cfg, "BOOT_IMAGE=/vmlinuz cq.lease=2m\t"
	    "cq.debug=1 cq\ncq.listen=[::]:9000\n", err, sizeof err), 0,
	    "%s", err);
	cr_assert_eq(cfg_ms(cfg, "lease"), 120000);
	cr_assert_eq(cfg_bool(cfg, "debug"), 1);
	cr_assert_eq(cfg_int(cfg, "slots"), 4);
	cr_assert_str_eq(cfg_str(cfg, "listen"), "[::]:9000");

	cr_assert_eq(cfg_load_cmdline(cfg, "", err, sizeof err), 0);
	cr_assert_eq(cfg_load_cmdline(cfg, "cq.foo=1", err, sizeof err), -1);
	cr_assert_str_eq(err, "kernel command line: cq.foo: unknown setting");
	cr_assert_eq(cfg_load_cmdline(cfg, "cq.slots=0", err, sizeof err), -1);
	cr_assert_str_eq(err, "kernel command line: cq.slots=0: too small: "
	    "expected a whole number from 1 to 1024");
	cr_assert_eq(cfg_int(cfg, "slots"), 4);
}

/*
 * Every bad cq. word is named, each on its line, not only the first;
 * nothing of the line applies; a secret's value is never repeated.
 */
Test(cfg, kernel_cmdline_all_errors)
{
	cr_assert_eq(cfg_load_cmdline(cfg, "quiet cq.slots=x cq.lease=2m "
	    "cq.slot=4 cq.debug cq.listen=nohost cq.lease=2q "
	    "cq.debug=maybe cq.slots=", err, sizeof err), -1);
	cr_assert_str_eq(err,
	    "kernel command line: cq.slots=x: expected a whole number from 1 "
	    "to 1024\n"
	    "kernel command line: cq.slot: unknown setting; did you mean "
	    "cq.slots?\n"
	    "kernel command line: cq.debug: no value (write cq.debug=VALUE)\n"
	    "kernel command line: cq.listen=nohost: expected host:port\n"
	    "kernel command line: cq.lease=2q: unknown duration unit (use ms, "
	    "s, m or h)\n"
	    "kernel command line: cq.debug=maybe: expected on or off\n"
	    "kernel command line: cq.slots=: empty: expected a whole number "
	    "from 1 to 1024");
	cr_assert_eq(cfg_int(cfg, "slots"), 1);
	cr_assert_eq(cfg_ms(cfg, "lease"), 30000);

	/* _each applies the good words and counts the bad ones. */
	cr_assert_eq(cfg_load_cmdline_each(cfg, "cq.slots=3 cq.lease=x "
	    "cq.bogus=1", err, sizeof err), 2);
	cr_assert_eq(cfg_int(cfg, "slots"), 3);
	cr_assert_str_eq(err, "kernel command line: cq.lease=x: not a "
	    "duration (seconds, or with ms/s/m/h)\n"
	    "kernel command line: cq.bogus: unknown setting");
}

/* The messages end within ERR, never past it. */
Test(cfg, kernel_cmdline_errors_truncated)
{
	char	small[40];

	cr_assert_eq(cfg_load_cmdline(cfg, "cq.slots=x cq.lease=2q",
	    small, sizeof small), -1);
	cr_assert_eq(strlen(small), sizeof small - 1);
}

/* A netbooted agent's pin comes from cq.fingerprint= (startd's keys). */
Test(cfg, kernel_cmdline_fingerprint)
{
	static const struct cfg_key agent_keys[] = {
		{ "schedd", CFG_HOSTPORT, "127.0.0.1:9618", 0, 0, "" },
		{ "fingerprint", CFG_STRING, "", 0, 0, "" },
		{ "insecure", CFG_BOOL, "no", 0, 0, "" },
		{ NULL, 0, NULL, 0, 0, NULL }
	};
	struct cfg	*c = cfg_new(agent_keys);
	uint8_t		 fp[TLS_FP_LEN];
	char		 hex[TLS_FP_HEXLEN + 1], e[512];
	const char	*errstr = NULL;

	cr_assert_eq(cfg_load_cmdline(c, "BOOT_IMAGE=/vmlinuz ip=dhcp "
	    "cq.schedd=10.0.0.5:9618 cq.fingerprint=SHA256:9F86D081884C7D65"
	    "9A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 quiet\n",
	    e, sizeof e), 0, "%s", e);
	cr_assert_str_eq(cfg_str(c, "schedd"), "10.0.0.5:9618");
	cr_assert_str_eq(cfg_origin(c, "fingerprint"), "kernel command line");
	cr_assert_eq(tls_fp_parse(cfg_str(c, "fingerprint"), fp, &errstr), 0,
	    "%s", errstr);
	tls_fp_format(fp, hex);
	cr_assert_str_eq(hex, "9f86d081884c7d659a2feaa0c55ad015"
	    "a3bf4f1b2b0b822cd15d6c15b0f00a08");
	cr_assert_eq(cfg_bool(c, "insecure"), 0);
	cfg_free(c);
}

Test(cfg, set_and_print)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	cr_assert_eq(cfg_set(cfg, "Slots", "7", "test", err, sizeof err), 0);
	cr_assert_eq(cfg_int(cfg, "slots"), 7);
	cr_assert_eq(cfg_set(cfg, "nope", "7", "test", err, sizeof err), -1);
	cr_assert_str_eq(err, "test: unknown key 'nope'");

	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	cfg_print(cfg, f);
	fclose(f);
	cr_assert_str_eq(buf,
	    "lease = 30s\n"
	    "slots = 7\n"
	    "debug = off\n"
	    "listen = 0.0.0.0:9618\n"
	    "state_dir = /var/lib/cq\n"
	    "name = \n");
	free(buf);
}

Test(cfg, durations)
{
	cr_assert_eq(duration("90"), 90000);
	cr_assert_eq(duration("90s"), 90000);
	cr_assert_eq(duration("1.5m"), 90000);
	cr_assert_eq(duration("1min"), 60000);
	cr_assert_eq(duration("250ms"), 250);
	cr_assert_eq(duration("2h"), 7200000);
	cr_assert_eq(duration("10 s"), 10000);
	cr_assert_eq(duration("0"), 0);
	cr_assert_eq(duration("0.25"), 250);
	cr_assert_eq(duration("1.0006s"), 1001);	/* rounded */
	cr_assert_eq(duration("1000000000h"), 3600000000000000LL);
}

Test(cfg, bad_durations)
{
	bad_duration("");
	bad_duration("s");
	bad_duration("abc");
	bad_duration("-1");
	bad_duration("-1s");
	bad_duration("5x");
	bad_duration("5 sec");
	bad_duration("5ss");
	bad_duration("5 s x");
	bad_duration("5S");
	bad_duration("1e10");
	bad_duration("inf");
	bad_duration("nan");
	bad_duration("NaN s");
}

static void
hostport(const char *s, const char *wanthost, int wantport)
{
	char		 host[64];
	const char	*errstr = NULL;
	int		 port = -1;

	cr_assert_eq(cfg_parse_hostport(s, host, sizeof host, &port,
	    &errstr), 0, "<%s>: %s", s, errstr ? errstr : "?");
	cr_assert_str_eq(host, wanthost, "<%s>", s);
	cr_assert_eq(port, wantport, "<%s>", s);
}

static void
bad_hostport(const char *s, const char *why)
{
	char		 host[16] = "untouched";
	const char	*errstr = NULL;
	int		 port = -1;

	cr_assert_eq(cfg_parse_hostport(s, host, sizeof host, &port,
	    &errstr), -1, "<%s> accepted", s);
	cr_assert_str_eq(errstr, why, "<%s>", s);
	cr_assert_str_eq(host, "untouched", "<%s>", s);
	cr_assert_eq(port, -1, "<%s>", s);
}

Test(cfg, hostports)
{
	hostport("[::1]:9618", "::1", 9618);
	hostport("host:0", "host", 0);
	hostport("host:65535", "host", 65535);
	hostport("10.0.0.1:80", "10.0.0.1", 80);
	hostport("[fe80::1%eth0]:1", "fe80::1%eth0", 1);

	bad_hostport("host:65536", "bad port in host:port");
	bad_hostport("host", "expected host:port");
	bad_hostport("", "expected host:port");
	bad_hostport("host:", "bad port in host:port");
	bad_hostport("host:-1", "bad port in host:port");
	bad_hostport("host:80x", "bad port in host:port");
	bad_hostport(":80", "bad host in host:port");
	bad_hostport("[::1]", "expected [address]:port");
	bad_hostport("[]:80", "bad host in host:port");
	bad_hostport("[::1]:", "bad port in host:port");
	/* Longer than the caller's buffer of 16 bytes. */
	bad_hostport("a-very-long-hostname:80", "bad host in host:port");
}

/* A value with blanks travels in double quotes, as the kernel reads it. */
Test(cfg, kernel_cmdline_quotes)
{
	cr_assert_eq(cfg_load_cmdline(cfg, "quiet cq.name=\"desk 12\" "
	    "\"cq.state_dir=/var/lib/cq x\" cq.slots=2", err, sizeof err), 0,
	    "%s", err);
	cr_assert_str_eq(cfg_str(cfg, "name"), "desk 12");
	cr_assert_str_eq(cfg_str(cfg, "state_dir"), "/var/lib/cq x");
	cr_assert_eq(cfg_int(cfg, "slots"), 2);
	/* An unclosed quote runs to the end of the line. */
	cr_assert_eq(cfg_load_cmdline(cfg, "cq.name=\"a b", err, sizeof err),
	    0, "%s", err);
	cr_assert_str_eq(cfg_str(cfg, "name"), "a b");
}

/* -n shows that a secret is set, never the secret. */
Test(cfg, secret_not_printed)
{
	static const struct cfg_key keys[] = {
		{ "token", CFG_SECRET, "", 0, 0, "" },
		{ "name", CFG_STRING, "", 0, 0, "" },
		{ NULL, 0, NULL, 0, 0, NULL }
	};
	struct cfg	*c = cfg_new(keys);
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;
	char		 e[256];

	cr_assert_eq(cfg_set(c, "token", "cqt1.0000abcd.s3cret", "test", e,
	    sizeof e), 0, "%s", e);
	cr_assert_str_eq(cfg_str(c, "token"), "cqt1.0000abcd.s3cret");
	f = open_memstream(&buf, &len);
	cfg_print(c, f);
	fclose(f);
	cr_assert_null(strstr(buf, "s3cret"), "%s", buf);
	cr_assert_not_null(strstr(buf, "token = (secret, not shown)"), "%s",
	    buf);
	free(buf);
	cfg_free(c);
}

/*
 * A token mistyped on the kernel command line (a wrong separator, no
 * key, or under the wrong key) is never repeated on the console: the
 * word is named only by its key-like start.
 */
Test(cfg, kernel_cmdline_token_typo_not_printed)
{
	static const struct cfg_key keys[] = {
		{ "token", CFG_SECRET, "", 0, 0, "" },
		{ "schedd", CFG_HOSTPORT, "127.0.0.1:9618", 0, 0, "" },
		{ NULL, 0, NULL, 0, 0, NULL }
	};
	static const char *const lines[] = {
		"cq.token:cqt1.0000abcd.5ec7e75ec7e75ec7e75ec7e7",
		"cq.token-cqt1.0000abcd.5ec7e75ec7e75ec7e75ec7e7",
		"cq.cqt1.0000abcd.5ec7e75ec7e75ec7e75ec7e7",
		"cq.token:cqt1.0000abcd.5ec7e75ec7e75ec7e75ec7e7=1",
		"cq.schedd=cqt1.0000abcd.5ec7e75ec7e75ec7e75ec7e7",
		"cq.schedd=cqa1.0000abcd.5ec7e75ec7e75ec7e75ec7e7",
	};
	struct cfg	*c = cfg_new(keys);
	char		 e[1024];
	size_t		 i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cr_assert_eq(cfg_load_cmdline(c, lines[i], e, sizeof e), -1,
		    "%s", lines[i]);
		cr_assert_null(strstr(e, "5ec7e7"), "%s", e);
		cr_assert_null(strstr(e, "0000abcd"), "%s", e);
		cr_assert_not_null(strstr(e, "kernel command line: cq."),
		    "%s", e);
	}
	/* The key is still named. */
	cr_assert_eq(cfg_load_cmdline(c, lines[0], e, sizeof e), -1);
	cr_assert_str_eq(e, "kernel command line: cq.token...: no value "
	    "(write cq.token=VALUE)");
	cfg_free(c);
}
