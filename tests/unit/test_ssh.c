/*
 * test_ssh.c: unit tests of the parts of submit/ssh.c that need no
 * server: the ssh://[USER@]HOST[:PORT] URL check (what cq -H and
 * CQ_HOST accept) and the shell quoting of commands run on the far side.
 * The session itself is tested against a real sshd in t-ssh.sh.
 */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include "ssh.h"

static int
url_ok(const char *url)
{
	const char	*errstr = NULL;
	int		 rc;

	rc = ssh_url_check(url, &errstr);
	if (rc == 0)
		cr_assert_null(errstr, "%s: errstr set on success", url);
	else
		cr_assert_not_null(errstr, "%s: no errstr", url);
	return rc == 0;
}

Test(ssh, url_good)
{
	cr_assert(url_ok("ssh://host"));
	cr_assert(url_ok("ssh://alice@host"));
	cr_assert(url_ok("ssh://alice@host.example.org:2222"));
	cr_assert(url_ok("ssh://127.0.0.1:22"));
	cr_assert(url_ok("ssh://bob@[::1]:2222"));
	cr_assert(url_ok("ssh://[fe80::1]"));
}

Test(ssh, url_bad)
{
	cr_assert_not(url_ok(""));
	cr_assert_not(url_ok("host"));
	cr_assert_not(url_ok("http://host"));
	cr_assert_not(url_ok("ssh://"));
	cr_assert_not(url_ok("ssh://@host"));
	cr_assert_not(url_ok("ssh://alice@"));
	cr_assert_not(url_ok("ssh://host:"));
	cr_assert_not(url_ok("ssh://host:0"));
	cr_assert_not(url_ok("ssh://host:65536"));
	cr_assert_not(url_ok("ssh://host:22x"));
	cr_assert_not(url_ok("ssh://host/path"));
	cr_assert_not(url_ok("ssh://a b@host"));
	cr_assert_not(url_ok("ssh://-oProxyCommand=x"));
	cr_assert_not(url_ok("ssh://a@b@host"));
	cr_assert_not(url_ok("ssh://a:b@host"));
	cr_assert_not(url_ok("ssh://[::1"));
	cr_assert_not(url_ok("ssh://[::1]x"));
	cr_assert_not(url_ok("ssh://host\n"));
	cr_assert_not(url_ok("ssh://ho'st"));
}

Test(ssh, quote)
{
	char	buf[64];

	cr_assert_eq(ssh_quote(buf, sizeof buf, "logs"), 0);
	cr_assert_str_eq(buf, "'logs'");
	cr_assert_eq(ssh_quote(buf, sizeof buf, ""), 0);
	cr_assert_str_eq(buf, "''");
	cr_assert_eq(ssh_quote(buf, sizeof buf, "a'b; rm -rf $HOME `x`"), 0);
	cr_assert_str_eq(buf, "'a'\\''b; rm -rf $HOME `x`'");
	/* Exactly full, then one byte short. */
	cr_assert_eq(ssh_quote(buf, 6, "abc"), 0);
	cr_assert_str_eq(buf, "'abc'");
	cr_assert_eq(ssh_quote(buf, 5, "abc"), -1);
	cr_assert_eq(ssh_quote(buf, 9, "a'b"), 0);
	cr_assert_str_eq(buf, "'a'\\''b'");
	cr_assert_eq(ssh_quote(buf, 8, "a'b"), -1);
}
