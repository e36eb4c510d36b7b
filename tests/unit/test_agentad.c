/*
 * test_agentad.c: unit tests of the agent's ad and the scheduler's start
 * order as C structs (common/agentmsg-ad.c, agentmsg-start.c): each
 * encoded and decoded again gives the same struct and the same text; the
 * ad's encoder writes the JSON the agent has always sent; each member
 * with a wrong type, range or length is refused, naming the member; a
 * start order's description that does not decode is kept as its error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "agentmsg.h"
#include "jsonx.h"
#include "machinead.h"
#include "msg.h"
#include "xmalloc.h"

static char *
dump(struct json_object *o)
{
	const char	*s;
	size_t		 len;
	char		*copy;

	cr_assert_not_null(o);
	s = jsonx_dump(o, &len);
	copy = xstrdup(s);
	json_object_put(o);
	return copy;
}

static void
ad_two_slots(struct agentmsg_ad *ad)
{
	memset(ad, 0, sizeof *ad);
	strlcpy(ad->name, "desk-1", sizeof ad->name);
	ad->nslots = 2;
	ad->slots = xcalloc(2, sizeof *ad->slots);
	ad->slots[0] = (struct agentmsg_ad_slot){ 1, 2, 1024,
	    SLOT_UNCLAIMED };
	ad->slots[1] = (struct agentmsg_ad_slot){ 2, 1, 512, SLOT_OWNER };
	ad->njobs = 1;
	ad->jobs = xcalloc(1, sizeof *ad->jobs);
	strlcpy(ad->jobs[0].job, "12.3", sizeof ad->jobs[0].job);
	ad->jobs[0].run = 4;
	ad->jobs[0].slot = 2;
	ad->jobs[0].exited = 1;
}

Test(agentad, ad_wire_unchanged)
{
	struct agentmsg_ad	 ad;
	char			*text;

	ad_two_slots(&ad);
	text = dump(agentmsg_ad_encode(&ad));
	cr_assert_str_eq(text, "{\"name\":\"desk-1\",\"slots\":["
	    "{\"id\":1,\"cpus\":2,\"memory_mb\":1024,\"state\":\"UNCLAIMED\"},"
	    "{\"id\":2,\"cpus\":1,\"memory_mb\":512,\"state\":\"OWNER\"}],"
	    "\"jobs\":[{\"job\":\"12.3\",\"run\":4,\"slot\":2,"
	    "\"exited\":true}]}");
	free(text);
	agentmsg_ad_clear(&ad);
}

Test(agentad, ad_round_trip)
{
	struct agentmsg_ad	 ad, back;
	const char		*errstr = NULL;
	char			 err[160], *text, *again;

	ad_two_slots(&ad);
	ad.criu = 1;
	ad.machine = xcalloc(1, sizeof *ad.machine);
	ad.machine->arch = xstrdup("X86_64");
	ad.machine->opsys = xstrdup("LINUX");
	ad.machine->total_cpus = 3;
	ad.machine->total_memory_mb = 1536;
	ad.machine->total_disk_kb = 1000;
	cr_assert_eq(machinead_set_expr(&ad.machine->start,
	    "KeyboardIdle > 60 && TARGET.Owner != \"bob\"", err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(machinead_attrs_parse(ad.machine, "Room = \"B12\"",
	    err, sizeof err), 0, "%s", err);
	text = dump(agentmsg_ad_encode(&ad));
	cr_assert_eq(agentmsg_ad_decode_buf(text, strlen(text), &back,
	    &errstr), 0, "%s refused: %s", text, errstr);
	cr_assert_str_eq(back.name, "desk-1");
	cr_assert_eq(back.nslots, 2);
	cr_assert(memcmp(back.slots, ad.slots, 2 * sizeof *ad.slots) == 0);
	cr_assert_eq(back.njobs, 1);
	cr_assert(memcmp(back.jobs, ad.jobs, sizeof *ad.jobs) == 0);
	cr_assert_eq(back.criu, 1);
	cr_assert_not_null(back.machine);
	cr_assert_str_eq(back.machine->arch, "X86_64");
	cr_assert_eq(back.machine->total_memory_mb, 1536);
	cr_assert_str_eq(expr_source(back.machine->start),
	    "KeyboardIdle > 60 && TARGET.Owner != \"bob\"");
	cr_assert_str_eq(machinead_attr(back.machine, "room")->s, "B12");
	again = dump(agentmsg_ad_encode(&back));
	cr_assert_str_eq(again, text);
	free(again);
	free(text);
	agentmsg_ad_clear(&back);
	agentmsg_ad_clear(&ad);
	cr_assert_null(ad.slots);
}

/* TEXT as an ad: refused, the reason naming WANT. */
static void
ad_refused(const char *text, const char *want)
{
	struct agentmsg_ad	 ad;
	const char		*errstr = NULL;

	cr_assert_eq(agentmsg_ad_decode_buf(text, strlen(text), &ad,
	    &errstr), -1, "accepted: %s", text);
	cr_assert_not_null(errstr);
	cr_assert(strstr(errstr, want) != NULL, "%s: said \"%s\", not %s",
	    text, errstr, want);
	cr_assert_null(ad.slots);
	cr_assert_null(ad.jobs);
	cr_assert_null(ad.machine);
}

#define SLOT1	"{\"id\":1,\"cpus\":1,\"memory_mb\":0,\"state\":\"OWNER\"}"

Test(agentad, ad_refuses)
{
	ad_refused("{\"name\":\"a\",\"slots\":[],\"jobs\":[]}", "slots");
	ad_refused("{\"name\":\"a b\",\"slots\":[" SLOT1 "],\"jobs\":[]}",
	    "name");
	ad_refused("{\"name\":\"\",\"slots\":[" SLOT1 "],\"jobs\":[]}",
	    "name");
	ad_refused("{\"name\":\"a\",\"slots\":[{\"id\":2,\"cpus\":1,"
	    "\"memory_mb\":0,\"state\":\"OWNER\"}],\"jobs\":[]}", "id");
	ad_refused("{\"name\":\"a\",\"slots\":[{\"id\":1,\"cpus\":0,"
	    "\"memory_mb\":0,\"state\":\"OWNER\"}],\"jobs\":[]}", "cpus");
	ad_refused("{\"name\":\"a\",\"slots\":[{\"id\":1,\"cpus\":1,"
	    "\"memory_mb\":-1,\"state\":\"OWNER\"}],\"jobs\":[]}",
	    "memory_mb");
	ad_refused("{\"name\":\"a\",\"slots\":[{\"id\":1,\"cpus\":1,"
	    "\"memory_mb\":0,\"state\":\"Busy\"}],\"jobs\":[]}", "state");
	ad_refused("{\"name\":\"a\",\"slots\":[{\"id\":1,\"cpus\":1,"
	    "\"memory_mb\":0}],\"jobs\":[]}", "slots");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":["
	    "{\"job\":\"1\",\"run\":1,\"slot\":1,\"exited\":false}]}", "job");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":["
	    "{\"job\":\"1.0\",\"run\":0,\"slot\":1,\"exited\":false}]}",
	    "run");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":["
	    "{\"job\":\"1.0\",\"run\":1,\"slot\":0,\"exited\":false}]}",
	    "slot");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":["
	    "{\"job\":\"1.0\",\"run\":1,\"slot\":1}]}", "jobs");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":[],"
	    "\"machine\":{\"TotalCpus\":\"x\"}}", "machine ad");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":[],"
	    "\"machine\":{\"Arch\":\"X\",\"OpSys\":\"L\","
	    "\"Start\":\"a &&\"}}", "Start does not parse");
	ad_refused("{\"name\":\"a\",\"slots\":[" SLOT1 "],\"jobs\":[],"
	    "\"extra\":1}", "unknown");
}

Test(agentad, ad_too_many_slots)
{
	struct json_object	*o, *a, *e;
	char			*text;
	int			 i;

	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string("a"));
	a = json_object_new_array();
	for (i = 1; i <= AGENTMSG_MAX_SLOTS + 1; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "id", json_object_new_int(i));
		json_object_object_add(e, "cpus", json_object_new_int(1));
		json_object_object_add(e, "memory_mb", json_object_new_int(1));
		json_object_object_add(e, "state",
		    json_object_new_string("OWNER"));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "slots", a);
	json_object_object_add(o, "jobs", json_object_new_array());
	text = dump(o);
	ad_refused(text, "slots");
	free(text);
}

static void
start_order(struct agentmsg_start *so)
{
	char			*argv[] = { "/bin/echo", "hi", NULL };
	char			 err[160];
	struct expr_value	 v;

	memset(so, 0, sizeof *so);
	strlcpy(so->job, "7.1", sizeof so->job);
	so->run = 2;
	so->slot = 1;
	strlcpy(so->owner, "alice", sizeof so->owner);
	so->uid = 1001;
	cr_assert_eq(jobdesc_from_argv(2, argv, "/tmp", &so->desc, err,
	    sizeof err), 0, "%s", err);
	memset(&v, 0, sizeof v);
	v.type = EXPR_STRING;
	v.s = "alice";
	cr_assert_eq(agentmsg_start_attr_add(so, "Owner", &v), 0);
	v.type = EXPR_INT;
	v.s = NULL;
	v.i = 512;
	cr_assert_eq(agentmsg_start_attr_add(so, "RequestMemory", &v), 0);
	v.type = EXPR_BOOL;
	v.b = 1;
	cr_assert_eq(agentmsg_start_attr_add(so, "NiceUser", &v), 0);
	v.type = EXPR_REAL;
	v.r = 2.5;
	cr_assert_eq(agentmsg_start_attr_add(so, "Weight", &v), 0);
}

Test(agentad, start_round_trip)
{
	struct agentmsg_start	 so, back;
	const char		*errstr = NULL;
	const struct expr_value	*v;
	char			*text, *again;
	size_t			 i;

	start_order(&so);
	so.xfer = 1;
	so.nfiles = 3;
	strlcpy(so.exe, "echo", sizeof so.exe);
	so.ckpt = 2;
	text = dump(agentmsg_start_encode(&so));
	cr_assert_eq(agentmsg_start_decode_buf(text, strlen(text), &back,
	    &errstr), 0, "%s refused: %s", text, errstr);
	cr_assert_str_eq(back.job, "7.1");
	cr_assert_eq(back.run, 2);
	cr_assert_eq(back.slot, 1);
	cr_assert_str_eq(back.owner, "alice");
	cr_assert_eq(back.uid, 1001);
	cr_assert_eq(back.xfer, 1);
	cr_assert_eq(back.nfiles, 3);
	cr_assert_str_eq(back.exe, "echo");
	cr_assert_eq(back.ckpt, 2);
	cr_assert_str_eq(back.desc_error, "");
	cr_assert_str_eq(back.desc.executable, "/bin/echo");
	cr_assert_eq(back.desc.argc, 1);
	cr_assert_str_eq(back.desc.argv[0], "hi");
	cr_assert_eq(back.njobad, so.njobad);
	for (i = 0; i < so.njobad; i++) {
		cr_assert_str_eq(back.jobad[i].name, so.jobad[i].name);
		cr_assert_eq(back.jobad[i].v.type, so.jobad[i].v.type);
	}
	v = agentmsg_start_attr(&back, "owner");
	cr_assert(v != NULL && v->type == EXPR_STRING &&
	    strcmp(v->s, "alice") == 0);
	v = agentmsg_start_attr(&back, "REQUESTMEMORY");
	cr_assert(v != NULL && v->type == EXPR_INT && v->i == 512);
	v = agentmsg_start_attr(&back, "Weight");
	cr_assert(v != NULL && v->type == EXPR_REAL && v->r == 2.5);
	cr_assert_null(agentmsg_start_attr(&back, "Nothing"));
	again = dump(agentmsg_start_encode(&back));
	cr_assert_str_eq(again, text);
	free(again);
	free(text);
	agentmsg_start_clear(&back);
	agentmsg_start_clear(&so);
}

Test(agentad, start_without_files_or_jobad)
{
	struct agentmsg_start	 so, back;
	const char		*errstr = NULL;
	char			*text;
	size_t			 i;

	start_order(&so);
	for (i = 0; i < so.njobad; i++) {
		free(so.jobad[i].name);
		expr_value_clear(&so.jobad[i].v);
	}
	free(so.jobad);
	so.jobad = NULL;
	so.njobad = 0;
	text = dump(agentmsg_start_encode(&so));
	cr_assert_null(strstr(text, "xfer"));
	cr_assert_null(strstr(text, "jobad"));
	cr_assert_eq(agentmsg_start_decode_buf(text, strlen(text), &back,
	    &errstr), 0, "%s refused: %s", text, errstr);
	cr_assert_eq(back.xfer, 0);
	cr_assert_eq(back.njobad, 0);
	cr_assert_eq(back.has_jobad, 0);
	free(text);
	agentmsg_start_clear(&back);
	/* A job ad with nothing the start names: still "judge it". */
	so.has_jobad = 1;
	text = dump(agentmsg_start_encode(&so));
	cr_assert_not_null(strstr(text, "\"jobad\":{}"), "%s", text);
	cr_assert_eq(agentmsg_start_decode_buf(text, strlen(text), &back,
	    &errstr), 0, "%s refused: %s", text, errstr);
	cr_assert_eq(back.has_jobad, 1);
	cr_assert_eq(back.njobad, 0);
	free(text);
	agentmsg_start_clear(&back);
	agentmsg_start_clear(&so);
}

Test(agentad, start_bad_desc_is_kept)
{
	struct agentmsg_start	 so, back;
	const char		*errstr = NULL;
	const char		*text = "{\"job\":\"1.0\",\"run\":1,\"slot\":1,"
	    "\"owner\":\"bob\",\"uid\":5,\"desc\":{\"executable\":7}}";
	char			*again;

	cr_assert_eq(agentmsg_start_decode_buf(text, strlen(text), &back,
	    &errstr), 0, "refused: %s", errstr);
	cr_assert_neq(back.desc_error[0], '\0');
	/* Sent on, it is still one the agent refuses. */
	again = dump(agentmsg_start_encode(&back));
	agentmsg_start_clear(&back);
	cr_assert_eq(agentmsg_start_decode_buf(again, strlen(again), &so,
	    &errstr), 0, "refused: %s", errstr);
	cr_assert_neq(so.desc_error[0], '\0');
	agentmsg_start_clear(&so);
	free(again);
}

/*
 * agentmsg_start_text() writes what json-c makes of the order for a peer
 * of each revision (msg_for_rev), with the description's text given or
 * written by it.
 */
static void
start_text_same(const struct agentmsg_start *so)
{
	static const int	 revs[] = { MSG_REV_UNKNOWN, 0, MSG_REV,
	    MSG_REV + 1 };
	struct json_object	*o, *r;
	const char		*want;
	char			*got, *desc;
	size_t			 i, wlen, glen, dlen;

	o = agentmsg_start_encode(so);
	desc = jobdesc_wire_text(&so->desc, &dlen);
	for (i = 0; i < sizeof revs / sizeof revs[0]; i++) {
		r = msg_for_rev(MSG_START, o, revs[i]);
		want = jsonx_dump(r, &wlen);
		got = agentmsg_start_text(so, NULL, 0, revs[i], &glen);
		cr_assert_str_eq(got, want, "revision %d", revs[i]);
		cr_assert_eq(glen, wlen);
		free(got);
		got = agentmsg_start_text(so, desc, dlen, revs[i], &glen);
		cr_assert_str_eq(got, want, "revision %d", revs[i]);
		cr_assert_eq(glen, wlen);
		free(got);
		json_object_put(r);
	}
	free(desc);
	json_object_put(o);
}

Test(agentad, start_text_is_json_c)
{
	struct agentmsg_start	 so;
	struct expr_value	 v;
	char			*argv[] = { "/bin/sh", "-c", "a\t\"b\"\\\x01/",
	    NULL };
	char			 err[160];

	start_order(&so);
	start_text_same(&so);
	so.xfer = 1;
	so.nfiles = 3;
	strlcpy(so.exe, "echo \"1\"", sizeof so.exe);
	so.ckpt = 2;
	start_text_same(&so);
	/* Members an older agent does not know, in the description. */
	so.desc.hold = 1;
	start_text_same(&so);
	so.desc.transfer_executable = 0;
	start_text_same(&so);
	so.desc.hold = 0;
	start_text_same(&so);
	/* A name said twice: its first place, its last value. */
	memset(&v, 0, sizeof v);
	v.type = EXPR_INT;
	v.i = -7;
	cr_assert_eq(agentmsg_start_attr_add(&so, "Owner", &v), 0);
	v.type = EXPR_REAL;
	v.r = 1e300;
	cr_assert_eq(agentmsg_start_attr_add(&so, "Big", &v), 0);
	v.r = 3;
	cr_assert_eq(agentmsg_start_attr_add(&so, "Three", &v), 0);
	v.type = EXPR_BOOL;
	v.b = 0;
	cr_assert_eq(agentmsg_start_attr_add(&so, "No", &v), 0);
	v.type = EXPR_STRING;
	v.s = "\xc3\xa9t\xc3\xa9 \"x\"\n";
	cr_assert_eq(agentmsg_start_attr_add(&so, "Word", &v), 0);
	start_text_same(&so);
	/* Custom values, an environment, the optional members. */
	jobdesc_free(&so.desc);
	cr_assert_eq(jobdesc_from_argv(3, argv, "/tmp", &so.desc, err,
	    sizeof err), 0, "%s", err);
	so.desc.custom = json_tokener_parse("{\"A\":1.5,\"B\":\"x\","
	    "\"C\":true,\"D\":-3}");
	so.desc.env = xcalloc(3, sizeof *so.desc.env);
	so.desc.env[0] = xstrdup("PATH=/bin");
	so.desc.env[1] = xstrdup("X=\x02y");
	so.desc.nenv = 2;
	so.desc.priority = -4;
	so.desc.umask = 022;
	so.desc.rank = xstrdup("Memory");
	start_text_same(&so);
	/* A description that did not decode goes as {}. */
	strlcpy(so.desc_error, "bad", sizeof so.desc_error);
	start_text_same(&so);
	agentmsg_start_clear(&so);
	/* No job ad at all. */
	memset(&so, 0, sizeof so);
	strlcpy(so.job, "1.0", sizeof so.job);
	so.run = 1;
	so.slot = 1;
	so.uid = -1;
	strlcpy(so.desc_error, "none", sizeof so.desc_error);
	start_text_same(&so);
	agentmsg_start_clear(&so);
}

static void
start_refused(const char *text, const char *want)
{
	struct agentmsg_start	 so;
	const char		*errstr = NULL;

	cr_assert_eq(agentmsg_start_decode_buf(text, strlen(text), &so,
	    &errstr), -1, "accepted: %s", text);
	cr_assert_not_null(errstr);
	cr_assert(strstr(errstr, want) != NULL, "%s: said \"%s\", not %s",
	    text, errstr, want);
	cr_assert_null(so.jobad);
	cr_assert_null(so.desc.executable);
}

#define DESC	"\"desc\":{\"executable\":\"/bin/true\"}"

Test(agentad, start_refuses)
{
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"uid\":5,"
	    DESC "}", "missing");
	start_refused("{\"job\":\"x\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5," DESC "}", "job");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":0,\"owner\":\"b\","
	    "\"uid\":5," DESC "}", "slot");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":-2," DESC "}", "uid");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5,\"nfiles\":2," DESC "}", "xfer");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5,\"xfer\":true,\"nfiles\":-1," DESC "}", "nfiles");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5," DESC ",\"jobad\":{\"A\":[1]}}", "jobad");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5," DESC ",\"jobad\":{\"1A\":1}}", "jobad");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5," DESC ",\"jobad\":{\"A\":null}}", "jobad");
	start_refused("{\"job\":\"1.0\",\"run\":1,\"slot\":1,\"owner\":\"b\","
	    "\"uid\":5}", "missing");
}

/* A refused order still names its run, for the agent's answer. */
Test(agentad, start_refused_keeps_its_run)
{
	struct agentmsg_start	 so;
	const char		*errstr = NULL;
	const char		*text = "{\"job\":\"9.2\",\"run\":3,\"slot\":2,"
	    "\"owner\":\"b\",\"uid\":-7," DESC "}";
	const char		*nojob = "{\"job\":\"9\",\"run\":3,\"slot\":2,"
	    "\"owner\":\"b\",\"uid\":1," DESC "}";

	cr_assert_eq(agentmsg_start_decode_buf(text, strlen(text), &so,
	    &errstr), -1);
	cr_assert_str_eq(errstr, "uid: out of range");
	cr_assert_str_eq(so.job, "9.2");
	cr_assert_eq(so.run, 3);
	cr_assert_eq(so.slot, 2);
	cr_assert_str_eq(so.owner, "");
	cr_assert_eq(agentmsg_start_decode_buf(nojob, strlen(nojob), &so,
	    &errstr), -1);
	cr_assert_str_eq(so.job, "");
	cr_assert_eq(so.run, 0);
}

/* The agent's side of a start: KeyboardIdle is what the test says. */
static int64_t	test_idle;

static int
test_my(void *arg, int scope, const char *name, struct expr_value *out)
{
	memset(out, 0, sizeof *out);
	if (strcasecmp(name, "KeyboardIdle") != 0)
		return -1;
	out->type = EXPR_INT;
	out->i = test_idle;
	return 0;
}

static int
test_target(void *arg, int scope, const char *name, struct expr_value *out)
{
	const struct expr_value	*v = agentmsg_start_attr(arg, name);

	memset(out, 0, sizeof *out);
	if (v == NULL)
		return -1;
	expr_value_copy(out, v);
	return 0;
}

Test(agentad, start_judged_by_the_agent)
{
	struct agentmsg_start	 so;
	struct expr		*start = NULL;
	char			 err[160], text[256];

	start_order(&so);
	cr_assert_eq(machinead_set_expr(&start,
	    "TARGET.Owner != \"bob\" && KeyboardIdle > 60 && "
	    "TARGET.RequestMemory <= 1024", err, sizeof err), 0, "%s", err);
	test_idle = 120;
	cr_assert_eq(machinead_start_judge(start, test_my, NULL, test_target,
	    &so, text, sizeof text), -1, "refused on %s", text);
	/* The owner came back since the scheduler's match. */
	test_idle = 3;
	cr_assert_eq(machinead_start_judge(start, test_my, NULL, test_target,
	    &so, text, sizeof text), 1);
	cr_assert_str_eq(text, "KeyboardIdle > 60");
	/* A job of bob's: the first clause. */
	test_idle = 120;
	free(so.jobad[0].v.s);
	so.jobad[0].v.s = xstrdup("bob");
	cr_assert_eq(machinead_start_judge(start, test_my, NULL, test_target,
	    &so, text, sizeof text), 0);
	cr_assert_str_eq(text, "TARGET.Owner != \"bob\"");
	/* An attribute the job ad lacks is undefined: not a yes. */
	expr_free(start);
	start = NULL;
	cr_assert_eq(machinead_set_expr(&start, "TARGET.Missing == 1", err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(machinead_start_judge(start, test_my, NULL, test_target,
	    &so, text, sizeof text), 0);
	/* No start: every job. */
	cr_assert_eq(machinead_start_judge(NULL, test_my, NULL, test_target,
	    &so, text, sizeof text), -1);
	expr_free(start);
	agentmsg_start_clear(&so);
}
