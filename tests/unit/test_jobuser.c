/*
 * test_jobuser.c: unit tests of startd/jobuser.c: the hide list's syntax,
 * which paths a slot user's job cannot see, the slot users' names, and
 * whom a job runs as for an agent that is not root (itself).  Whom a
 * root agent picks is tested with real users by t-jobuser.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "jobuser.h"

Test(jobuser, hide_check)
{
	char	err[256];

	cr_assert_eq(jobuser_hide_check("", err, sizeof err), 0);
	cr_assert_eq(jobuser_hide_check("/home,/root", err, sizeof err), 0);
	cr_assert_eq(jobuser_hide_check(" /home , /srv/users/ ", err,
	    sizeof err), 0);
	cr_assert_eq(jobuser_hide_check("/home,root", err, sizeof err), -1);
	cr_assert_str_eq(err, "root: not an absolute directory other than /");
	cr_assert_eq(jobuser_hide_check("/", err, sizeof err), -1);
}

Test(jobuser, hidden_paths)
{
	struct jobuser	ju;
	char		name[64];

	jobuser_init("cq-slot", "/home, /srv/users/", 2);
	memset(&ju, 0, sizeof ju);
	cr_assert_null(jobuser_hide(&ju), "not a slot user: nothing hidden");
	cr_assert_null(jobuser_hidden(&ju, "/home/alice"));
	ju.slot_user = 1;
	cr_assert_str_eq(jobuser_hide(&ju)[0], "/home");
	cr_assert_str_eq(jobuser_hide(&ju)[1], "/srv/users");
	cr_assert_null(jobuser_hide(&ju)[2]);
	cr_assert_str_eq(jobuser_hidden(&ju, "/home"), "/home");
	cr_assert_str_eq(jobuser_hidden(&ju, "/home/alice/x"), "/home");
	cr_assert_str_eq(jobuser_hidden(&ju, "/srv/users/b"), "/srv/users");
	cr_assert_null(jobuser_hidden(&ju, "/homework"));
	cr_assert_null(jobuser_hidden(&ju, "/tmp/sandbox"));
	jobuser_slot_name(2, name, sizeof name);
	cr_assert_str_eq(name, "cq-slot2");

	jobuser_init("", "", 2);
	jobuser_slot_name(1, name, sizeof name);
	cr_assert_str_eq(name, "");
	cr_assert_null(jobuser_hide(&ju));
}

Test(jobuser, not_root_runs_as_itself)
{
	struct jobuser	ju;
	char		err[256];

	if (geteuid() == 0)
		cr_skip_test("runs as root (see t-jobuser)");
	jobuser_init("cq-slot", "/home", 1);
	cr_assert_eq(jobuser_pick("someone-else", 12345, 1, &ju, err,
	    sizeof err), 0);
	cr_assert_eq(ju.switch_user, 0);
	cr_assert_eq(ju.slot_user, 0);
	jobuser_clear(&ju);
}
