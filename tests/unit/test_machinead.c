/*
 * test_machinead.c: the machine ad's wire form and the site attributes
 * of machine_attributes (common/machinead.c).
 */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "jsonx.h"
#include "machinead.h"
#include "text.h"

Test(machinead, site_attributes_parse_as_literals)
{
	struct machinead	 ad;
	char			 err[160];

	memset(&ad, 0, sizeof ad);
	cr_assert_eq(machinead_attrs_parse(&ad, " HasMatlab = true; "
	    "Room = \"B;214\" ; Speed = 2.5;Rack=-3;", err, sizeof err), 0,
	    "%s", err);
	cr_assert_eq(ad.nattrs, 4);
	cr_assert(machinead_attr(&ad, "hasmatlab")->b);
	cr_assert_str_eq(machinead_attr(&ad, "Room")->s, "B;214");
	cr_assert_float_eq(machinead_attr(&ad, "Speed")->r, 2.5, 1e-9);
	cr_assert_eq(machinead_attr(&ad, "Rack")->i, -3);
	machinead_clear(&ad);
	cr_assert_eq(machinead_attrs_parse(&ad, "Cpus = 4", err, sizeof err),
	    -1);
	cr_assert(strstr(err, "Cpus is cq's own attribute") != NULL, "%s", err);
	machinead_clear(&ad);
	cr_assert_eq(machinead_attrs_parse(&ad, "X = Memory * 2", err,
	    sizeof err), -1);
	cr_assert(strstr(err, "not a literal") != NULL, "%s", err);
	machinead_clear(&ad);
	cr_assert_eq(machinead_attrs_parse(&ad, "X = 1; X = 2", err,
	    sizeof err), -1);
	machinead_clear(&ad);
	cr_assert_eq(machinead_attrs_parse(&ad, "2x = 1", err, sizeof err),
	    -1);
	machinead_clear(&ad);
	cr_assert_eq(machinead_attrs_parse(&ad, "X = \"open", err,
	    sizeof err), -1);
	machinead_clear(&ad);
}

Test(machinead, the_wire_form_round_trips)
{
	struct machinead	 ad, back;
	struct json_object	*o;
	const char		*errstr;
	char			 err[160];

	memset(&ad, 0, sizeof ad);
	ad.arch = strdup("X86_64");
	ad.opsys = strdup("LINUX");
	ad.opsysandver = strdup("Ubuntu22");
	ad.total_cpus = 8;
	ad.total_memory_mb = 16384;
	ad.total_disk_kb = 1 << 20;
	cr_assert_eq(machinead_set_expr(&ad.start, "KeyboardIdle > 900 || "
	    "TARGET.Owner == \"alice\"", err, sizeof err), 0);
	cr_assert_eq(machinead_set_expr(&ad.rank, "TARGET.JobPrio", err,
	    sizeof err), 0);
	cr_assert_eq(machinead_attrs_parse(&ad, "HasMatlab = true", err,
	    sizeof err), 0);
	o = machinead_to_json(&ad);
	cr_assert_eq(machinead_decode(o, &back, &errstr), 0, "%s", errstr);
	cr_assert_str_eq(back.arch, "X86_64");
	cr_assert_str_eq(back.opsysandver, "Ubuntu22");
	cr_assert_eq(back.total_cpus, 8);
	cr_assert_eq(back.total_disk_kb, 1 << 20);
	cr_assert_str_eq(expr_source(back.start), expr_source(ad.start));
	cr_assert_str_eq(expr_source(back.rank), "TARGET.JobPrio");
	cr_assert(machinead_attr(&back, "HasMatlab")->b);
	cr_assert_null(back.image_version);
	cr_assert_null(back.owner_reason);
	machinead_clear(&back);
	json_object_put(o);

	/* The image version and why its slots stay Owner (opted out). */
	ad.image_version = strdup("2026.12.06-1");
	ad.owner_reason = strdup("opted out on this machine (agent = off, "
	    "kernel command line)");
	o = machinead_to_json(&ad);
	cr_assert_eq(machinead_decode(o, &back, &errstr), 0, "%s", errstr);
	cr_assert_str_eq(back.image_version, "2026.12.06-1");
	cr_assert_str_eq(back.owner_reason, ad.owner_reason);
	machinead_clear(&back);
	json_object_put(o);
	machinead_clear(&ad);
}

Test(machinead, image_versions)
{
	char	long_one[66];

	cr_assert(machinead_version_ok("2026.12.06-1"));
	cr_assert(machinead_version_ok("v3+nfs~rc1:x"));
	cr_assert_not(machinead_version_ok(""));
	cr_assert_not(machinead_version_ok("two words"));
	cr_assert_not(machinead_version_ok("tab\there"));
	cr_assert_not(machinead_version_ok("caf\xc3\xa9"));
	memset(long_one, 'a', sizeof long_one - 2);
	long_one[sizeof long_one - 2] = '\0';
	cr_assert(machinead_version_ok(long_one));		/* 64 */
	long_one[sizeof long_one - 2] = 'a';
	long_one[sizeof long_one - 1] = '\0';
	cr_assert_not(machinead_version_ok(long_one));	/* 65 */
	cr_assert(machinead_reserved("CqImageVersion"));
	cr_assert(machinead_reserved("cqownerreason"));
}

Test(machinead, decoding_is_strict)
{
	static const char *const bad[] = {
		"{\"OpSys\":\"LINUX\"}",			/* no Arch */
		"{\"Arch\":1,\"OpSys\":\"LINUX\"}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"Start\":\"(\"}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"Rank\":\"1 +\"}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"TotalCpus\":-1}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"Extra\":1}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"attrs\":{\"Cpus\":1}}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"attrs\":{\"A\":[1]}}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"attrs\":{\"a b\":1}}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"CqImageVersion\":\"a b\"}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"CqImageVersion\":\"\"}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"CqImageVersion\":7}",
		"{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"CqOwnerReason\":\"\"}",
	};
	struct machinead	 ad;
	struct json_object	*o;
	const char		*errstr;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(jsonx_parse(bad[i], strlen(bad[i]), &o,
		    &errstr), 0);
		cr_assert_eq(machinead_decode(o, &ad, &errstr), -1,
		    "accepted %s", bad[i]);
		json_object_put(o);
	}
	cr_assert_str_eq(machinead_arch("x86_64"), "X86_64");
	cr_assert_str_eq(machinead_arch("i686"), "INTEL");
	cr_assert_str_eq(machinead_arch("aarch64"), "aarch64");
}

/*
 * CqOwnerReason is printed as a line of cq status: terminal controls
 * (C0, DEL, C1 such as U+009B, the one-byte CSI) and invalid UTF-8 are
 * refused on the wire; the agent makes its own reason safe to send.
 */
#define AD "{\"Arch\":\"X\",\"OpSys\":\"LINUX\",\"CqOwnerReason\":"
Test(machinead, owner_reason_has_no_controls)
{
	static const char *const bad[] = {
		AD "\"x\\u001b]0;pwned\\u0007\"}",
		AD "\"x\\u001b[2J\"}",
		AD "\"two\\nlines\"}",
		AD "\"tab\\there\"}",
		AD "\"del\\u007f\"}",
		AD "\"csi\\u009b31m\"}",
		AD "\"nel\\u0085\"}",
		AD "\"rlo\\u202emoc.exe\"}",
		AD "\"isolate\\u2066x\\u2069\"}",
	};
	struct machinead	 ad;
	struct json_object	*o;
	const char		*errstr;
	char			 buf[64];
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(jsonx_parse(bad[i], strlen(bad[i]), &o,
		    &errstr), 0);
		cr_assert_eq(machinead_decode(o, &ad, &errstr), -1,
		    "accepted %s", bad[i]);
		cr_assert_not_null(strstr(errstr, "CqOwnerReason"), "%s",
		    errstr);
		json_object_put(o);
	}
	/* Text with non-ASCII letters is fine. */
	o = json_tokener_parse(AD "\"opted out (agent = off, "
	    "/etc/cq/startd.conf:3) \\u00e9t\\u00e9\"}");
	cr_assert_not_null(o);
	cr_assert_eq(machinead_decode(o, &ad, &errstr), 0, "%s", errstr);
	cr_assert_str_eq(ad.owner_reason, "opted out (agent = off, "
	    "/etc/cq/startd.conf:3) \xc3\xa9t\xc3\xa9");
	machinead_clear(&ad);
	json_object_put(o);

	/* What the agent sends: controls and bad bytes become '?'. */
	text_clean(buf, sizeof buf, "a\x1b[2Jb\tc\xc2\x9b"
	    "d\x7f\xff\xc3\xa9");
	cr_assert_str_eq(buf, "a?[2Jb?c?d??\xc3\xa9");
	cr_assert_eq(machinead_text_ok(buf, 64), 1);
	text_clean(buf, 8, "abcdefgh\xc3\xa9");
	cr_assert_str_eq(buf, "abcdefg");
	text_clean(buf, 8, "abcdef\xc3\xa9");
	cr_assert_str_eq(buf, "abcdef");
	/* A bidirectional override is one '?'; other 3-byte text stays. */
	text_clean(buf, sizeof buf, "a\xe2\x80\xae" "b\xe2\x80\x94" "c");
	cr_assert_str_eq(buf, "a?b\xe2\x80\x94" "c");
}

/*
 * The other strings cq status prints, Arch, OpSys and the machine's own
 * attributes, are text without controls too; empty ones are allowed.
 */
Test(machinead, strings_have_no_controls)
{
	static const char *const bad[] = {
		"{\"Arch\":\"X86_64\\u001b[2J\",\"OpSys\":\"LINUX\"}",
		"{\"Arch\":\"X86_64\",\"OpSys\":\"LIN\\u202eUX\"}",
		"{\"Arch\":\"X86_64\",\"OpSys\":\"LINUX\","
		    "\"OpSysAndVer\":\"Debian\\n12\"}",
		"{\"Arch\":\"X86_64\",\"OpSys\":\"LINUX\","
		    "\"attrs\":{\"Room\":\"B\\u009b12\"}}",
	};
	struct machinead	 ad;
	struct json_object	*o;
	const char		*errstr;
	char			 err[160];
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = json_tokener_parse(bad[i]);
		cr_assert_not_null(o, "%s", bad[i]);
		cr_assert_eq(machinead_decode(o, &ad, &errstr), -1,
		    "accepted %s", bad[i]);
		json_object_put(o);
	}
	o = json_tokener_parse("{\"Arch\":\"\",\"OpSys\":\"LINUX\","
	    "\"attrs\":{\"Room\":\"B\\u00e912\",\"Empty\":\"\"}}");
	cr_assert_not_null(o);
	cr_assert_eq(machinead_decode(o, &ad, &errstr), 0, "%s", errstr);
	machinead_clear(&ad);
	json_object_put(o);
	/* The agent's own machine_attributes say what is wrong. */
	memset(&ad, 0, sizeof ad);
	cr_assert_eq(machinead_attrs_parse(&ad, "Room = \"B\x1b[2J\"",
	    err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "control"), "%s", err);
	machinead_clear(&ad);
}
