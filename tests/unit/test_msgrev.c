/*
 * test_msgrev.c: unit tests of the protocol revisions (common/msg.c):
 * what a hello announces, the members a newer peer may add and an older
 * one is not sent, and that a peer of this revision or an older one is
 * held to the tables as before.
 */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "agentmsg.h"
#include "jsonx.h"
#include "msg.h"

static struct json_object *
parse(const char *s)
{
	struct json_object	*o;
	const char		*errstr;

	cr_assert_eq(jsonx_parse(s, strlen(s), &o, &errstr), 0, "%s", errstr);
	return o;
}

static int
decode(uint16_t type, const char *s, int rev, struct json_object **out,
    const char **errstr)
{
	return msg_decode_rev(type, s, strlen(s), rev, out, errstr);
}

static const char	hb_extra[] =
    "{\"seq\":4,\"load\":0.5,\"owner_mood\":\"fine\"}";

Test(msgrev, hello_announces_a_revision)
{
	struct json_object	*o;

	cr_assert_geq(MSG_REV, 1);
	o = parse("{\"version\":1,\"role\":\"agent\"}");
	cr_assert_eq(msg_hello_rev(o), 0, "no rev: revision 0");
	json_object_put(o);
	o = parse("{\"version\":1,\"role\":\"agent\",\"rev\":7}");
	cr_assert_eq(msg_hello_rev(o), 7);
	json_object_put(o);
	o = parse("{\"version\":1,\"role\":\"agent\",\"rev\":-3}");
	cr_assert_eq(msg_hello_rev(o), 0);
	json_object_put(o);
	o = parse("{\"version\":1,\"role\":\"agent\",\"rev\":99999999999}");
	cr_assert_eq(msg_hello_rev(o), MSG_REV_MAX);
	json_object_put(o);
}

Test(msgrev, newer_peer_extra_member_ignored)
{
	struct json_object	*o;
	struct agentmsg		 am;
	const char		*errstr = NULL;

	cr_assert_eq(decode(MSG_HEARTBEAT, hb_extra, MSG_REV + 1, &o,
	    &errstr), 0, "%s", errstr);
	cr_assert_null(jsonx_get(o, "owner_mood"), "the unknown is removed");
	cr_assert_eq(jsonx_int(o, "seq", 0), 4);
	/* What reaches the handler decodes as ever. */
	cr_assert_eq(agentmsg_decode_obj(MSG_HEARTBEAT, o, &am, &errstr), 0,
	    "%s", errstr);
	json_object_put(o);
}

Test(msgrev, same_or_older_peer_unknown_member_refused)
{
	struct json_object	*o;
	const char		*errstr = NULL;
	int			 revs[] = { MSG_REV_UNKNOWN, 0, MSG_REV };
	size_t			 i;

	for (i = 0; i < sizeof revs / sizeof revs[0]; i++) {
		errstr = NULL;
		cr_assert_eq(decode(MSG_HEARTBEAT, hb_extra, revs[i], &o,
		    &errstr), -1, "revision %d", revs[i]);
		cr_assert_str_eq(errstr, "unknown member");
		cr_assert_null(o);
	}
	cr_assert_eq(msg_decode(MSG_HEARTBEAT, hb_extra, strlen(hb_extra),
	    &o, &errstr), -1);
}

Test(msgrev, newer_peer_still_checked)
{
	struct json_object	*o;
	const char		*errstr = NULL;

	/* Known members keep their types, required ones their place. */
	cr_assert_eq(decode(MSG_HEARTBEAT, "{\"seq\":\"4\",\"x\":1}",
	    MSG_REV + 1, &o, &errstr), -1);
	cr_assert_str_eq(errstr, "member has the wrong type");
	cr_assert_eq(decode(MSG_BYE, "{\"why\":\"x\"}", MSG_REV + 1, &o,
	    &errstr), -1);
	cr_assert_str_eq(errstr, "missing member");
	cr_assert_eq(decode(MSG_HEARTBEAT, "{\"seq\":4,}", MSG_REV + 1, &o,
	    &errstr), -1);
	cr_assert_eq(decode(MSG_HEARTBEAT, "[1]", MSG_REV + 1, &o,
	    &errstr), -1);
}

Test(msgrev, hello_revision_counts_for_itself)
{
	struct json_object	*o;
	const char		*errstr = NULL;
	char			 s[128];

	snprintf(s, sizeof s, "{\"version\":1,\"role\":\"agent\","
	    "\"rev\":%d,\"colour\":\"blue\"}", MSG_REV + 1);
	cr_assert_eq(decode(MSG_HELLO, s, MSG_REV_UNKNOWN, &o, &errstr), 0,
	    "%s", errstr);
	cr_assert_null(jsonx_get(o, "colour"));
	cr_assert_eq(jsonx_int(o, "rev", 0), MSG_REV + 1);
	json_object_put(o);
	snprintf(s, sizeof s, "{\"version\":1,\"role\":\"agent\","
	    "\"rev\":%d,\"colour\":\"blue\"}", MSG_REV);
	cr_assert_eq(decode(MSG_HELLO, s, MSG_REV_UNKNOWN, &o, &errstr), -1);
	cr_assert_str_eq(errstr, "unknown member");
	/* A second hello cannot raise what the first said. */
	snprintf(s, sizeof s, "{\"version\":1,\"role\":\"agent\","
	    "\"rev\":%d,\"colour\":\"blue\"}", MSG_REV + 1);
	cr_assert_eq(decode(MSG_HELLO, s, 0, &o, &errstr), -1);
}

Test(msgrev, newer_machine_ad_member_ignored)
{
	struct json_object	*o;
	struct agentmsg_ad	 ad;
	const char		*errstr = NULL;
	static const char	 s[] = "{\"name\":\"d1\",\"slots\":[{\"id\":1,"
	    "\"cpus\":1,\"memory_mb\":64,\"state\":\"UNCLAIMED\"}],"
	    "\"jobs\":[],\"machine\":{\"Arch\":\"X86_64\",\"OpSys\":\"LINUX\","
	    "\"CqTomorrow\":\"yes\"},\"gpus\":2}";

	cr_assert_eq(decode(MSG_AD, s, MSG_REV, &o, &errstr), -1);
	cr_assert_eq(decode(MSG_AD, s, MSG_REV + 1, &o, &errstr), 0, "%s",
	    errstr);
	cr_assert_null(jsonx_get(o, "gpus"));
	cr_assert_eq(agentmsg_ad_decode(o, &ad, &errstr), 0, "%s", errstr);
	cr_assert_str_eq(ad.machine->arch, "X86_64");
	agentmsg_ad_clear(&ad);
	json_object_put(o);
}

Test(msgrev, members_tagged_with_their_revision)
{
	cr_assert_eq(msg_member_rev(MSG_HELLO, "rev"), 1);
	cr_assert_eq(msg_member_rev(MSG_START, "jobad"), 1);
	cr_assert_eq(msg_member_rev(MSG_START, "desc.transfer_executable"),
	    1);
	cr_assert_eq(msg_member_rev(MSG_START, "desc.hold"), 1);
	cr_assert_eq(msg_member_rev(MSG_EXITED, "kill_reason"), 1);
	cr_assert_eq(msg_member_rev(MSG_HEARTBEAT, "owner_absence_s"), 1);
	cr_assert_eq(msg_member_rev(MSG_AD, "machine.CqImageVersion"), 1);
	cr_assert_eq(msg_member_rev(MSG_AD, "machine.CqOwnerReason"), 1);
	cr_assert_eq(msg_member_rev(MSG_START, "job"), 0);
	cr_assert_eq(msg_member_rev(MSG_HEARTBEAT, "load"), 0);
}

Test(msgrev, older_peer_not_sent_newer_members)
{
	struct json_object	*o, *d;
	size_t			 len;

	o = parse("{\"name\":\"d1\",\"slots\":[],\"jobs\":[],\"machine\":"
	    "{\"Arch\":\"X86_64\",\"OpSys\":\"LINUX\",\"CqImageVersion\":"
	    "\"v2\",\"CqOwnerReason\":\"off\"}}");
	d = msg_for_rev(MSG_AD, o, 0);
	cr_assert_neq(d, o, "a copy: the caller's object stays whole");
	cr_assert_str_eq(jsonx_dump(d, &len), "{\"name\":\"d1\",\"slots\":[],"
	    "\"jobs\":[],\"machine\":{\"Arch\":\"X86_64\",\"OpSys\":\"LINUX\"}}");
	cr_assert_not_null(jsonx_get(jsonx_get(o, "machine"),
	    "CqImageVersion"));
	json_object_put(d);
	/* This revision and unknown (before the hello) get it all. */
	d = msg_for_rev(MSG_AD, o, MSG_REV);
	cr_assert_eq(d, o);
	json_object_put(d);
	d = msg_for_rev(MSG_AD, o, MSG_REV_UNKNOWN);
	cr_assert_eq(d, o);
	json_object_put(d);
	json_object_put(o);

	o = parse("{\"job\":\"3.0\",\"run\":1,\"slot\":1,\"owner\":\"u\","
	    "\"uid\":1000,\"desc\":{\"proc\":0,\"transfer_executable\":"
	    "false,\"hold\":true},\"jobad\":{}}");
	d = msg_for_rev(MSG_START, o, 0);
	cr_assert_str_eq(jsonx_dump(d, &len), "{\"job\":\"3.0\",\"run\":1,"
	    "\"slot\":1,\"owner\":\"u\",\"uid\":1000,\"desc\":{\"proc\":0}}");
	json_object_put(d);
	json_object_put(o);

	/* Nothing to drop: the same object, no copy. */
	o = parse("{\"seq\":3}");
	d = msg_for_rev(MSG_HEARTBEAT, o, 0);
	cr_assert_eq(d, o);
	json_object_put(d);
	json_object_put(o);
	o = parse("{\"version\":1,\"role\":\"schedd\",\"rev\":1}");
	d = msg_for_rev(MSG_HELLO, o, 0);
	cr_assert_null(jsonx_get(d, "rev"));
	json_object_put(d);
	json_object_put(o);
}

/*
 * The members of the agent link's tables that are of revision 0.  When
 * this fails, a member was added to one of them: list it in msg.c's
 * msg_added with a new revision, raise MSG_REV, and say so in
 * docs/protocol.md ("Revisions"); this list does not change.  (A job
 * description's members, a start order's desc, are common/jobdesc.c's
 * and not watched here: one added there is tagged "desc.NAME" too.)
 */
static const char	rev0_members[] =
    "hello: version role name token lease_ms filesystem_domain "
    "credential request"
    ";error: error"
    ";ok: count detail"
    ";ad: name slots jobs criu machine machine.Arch "
    "machine.OpSys machine.OpSysAndVer machine.TotalCpus "
    "machine.TotalMemory machine.TotalDisk machine.Start "
    "machine.Rank machine.attrs"
    ";heartbeat: seq load owner_idle_ms owner_seen_ms"
    ";start: job run slot owner uid desc xfer nfiles exe ckpt"
    ";started: job run pid notes user"
    ";exited: job run code signal utime_ms stime_ms maxrss_kb "
    "wall_ms error evicted slot_state files checkpoint missing "
    "criu notes memory_exceeded memory_limit_mb memory_peak_mb"
    ";exit-ack: job run restart"
    ";kill: job run vacate"
    ";slot: slot state job run"
    ";bye: reason"
    ";drain: on"
    ";vacate: reason"
    ";file: job run path size mode sha256 kind dir"
    ";file-ack: job run path ok error"
    ";heartbeat-ack: seq";

static void
rev0_add(char *buf, size_t cap, uint16_t type, const char *prefix,
    const struct msg_member *members)
{
	const struct msg_member	*m;
	char			 path[128];

	for (m = members; m->name != NULL; m++) {
		snprintf(path, sizeof path, "%s%s", prefix, m->name);
		if (msg_member_rev(type, path) != 0)
			continue;
		strlcat(buf, " ", cap);
		strlcat(buf, path, cap);
	}
}

Test(msgrev, revision_0_tables_unchanged)
{
	static const uint16_t	types[] = { MSG_HELLO, MSG_ERROR, MSG_OK,
	    MSG_AD, MSG_HEARTBEAT, MSG_START, MSG_STARTED, MSG_EXITED,
	    MSG_EXIT_ACK, MSG_KILL, MSG_SLOT, MSG_BYE, MSG_DRAIN, MSG_VACATE,
	    MSG_FILE, MSG_FILE_ACK, MSG_HEARTBEAT_ACK };
	char			 buf[4096] = "";
	size_t			 i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s:",
		    i ? ";" : "", msg_type_str(types[i]));
		rev0_add(buf, sizeof buf, types[i], "",
		    msg_type_get(types[i])->members);
		if (types[i] == MSG_AD)
			rev0_add(buf, sizeof buf, MSG_AD, "machine.",
			    msg_machine_members);
	}
	cr_assert_str_eq(buf, rev0_members);
}
