/*
 * machine.c: the agent's machine ad (machine.h).  Arch from uname(2) as
 * HTCondor names it, OpSys LINUX, OpSysAndVer from /etc/os-release
 * (HTCondor's form: the distribution's name and major version,
 * "Ubuntu22"), the cores and memory it offers, the free space of
 * sandbox_dir (TotalDisk, KiB, measured at each ad), and the owner's
 * policy: the start and rank keys, and machine_attributes.  An
 * expression that does not parse is refused at start-up with the key and
 * where it was set.  The boot image's version (CqImageVersion) is the
 * first line of image_version_file: a missing file is no version, one
 * that is not a version (machinead_version_ok) is warned about and
 * gives none.
 */
#include "config.h"

#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "absence.h"
#include "activity.h"
#include "agentmsg.h"
#include "cfg.h"
#include "log.h"
#include "machine.h"
#include "link.h"
#include "machinead.h"
#include "startd.h"
#include "text.h"
#include "xmalloc.h"

static struct machinead	 machine_mad;
static char		*machine_disk_path;

int
machine_check(const struct cfg *cfg, char *err, size_t errlen)
{
	struct machinead	 ad;
	struct expr		*e = NULL;
	static const char *const keys[] = { "start", "rank" };
	char			 why[256];
	size_t			 i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (machinead_set_expr(&e, cfg_str(cfg, keys[i]), why,
		    sizeof why) == -1) {
			snprintf(err, errlen, "%s: %s: does not parse: %s",
			    cfg_origin(cfg, keys[i]), keys[i], why);
			return -1;
		}
		expr_free(e);
		e = NULL;
	}
	memset(&ad, 0, sizeof ad);
	if (machinead_attrs_parse(&ad, cfg_str(cfg, "machine_attributes"),
	    why, sizeof why) == -1) {
		snprintf(err, errlen, "%s: machine_attributes: %s",
		    cfg_origin(cfg, "machine_attributes"), why);
		machinead_clear(&ad);
		return -1;
	}
	machinead_clear(&ad);
	return 0;
}

/* HTCondor's OpSysAndVer from /etc/os-release: "Ubuntu22"; NULL. */
static char *
machine_opsysandver(void)
{
	static const char *const names[][2] = {
		{ "ubuntu", "Ubuntu" }, { "debian", "Debian" },
		{ "centos", "CentOS" }, { "rhel", "RedHat" },
		{ "almalinux", "AlmaLinux" }, { "rocky", "Rocky" },
		{ "fedora", "Fedora" }, { "opensuse-leap", "openSUSE" },
		{ "sles", "SLES" }, { "arch", "Arch" },
	};
	FILE	*f;
	char	 line[256], id[64] = "", ver[32] = "", *v, *out;
	size_t	 i, n;

	if ((f = fopen("/etc/os-release", "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((v = strchr(line, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (*v == '"')
			v++;
		v[strcspn(v, "\"")] = '\0';
		if (strcmp(line, "ID") == 0)
			strlcpy(id, v, sizeof id);
		else if (strcmp(line, "VERSION_ID") == 0)
			strlcpy(ver, v, sizeof ver);
	}
	fclose(f);
	if (id[0] == '\0')
		return NULL;
	ver[strcspn(ver, ".")] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(id, names[i][0]) == 0)
			break;
	if (i < sizeof names / sizeof names[0])
		xasprintf(&out, "%s%s", names[i][1], ver);
	else {
		xasprintf(&out, "%s%s", id, ver);
		out[0] = (char)toupper((unsigned char)out[0]);
	}
	for (n = 0; out[n] != '\0'; n++)
		if (!isalnum((unsigned char)out[n]) && out[n] != '_')
			out[n] = '_';
	return out;
}

int
machine_read_version(const char *path, char *ver, size_t verlen, char *why,
    size_t whylen)
{
	FILE	*f;
	char	 buf[MACHINEAD_MAX_VERSION + 3];
	size_t	 n;
	int	 c;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	c = ferror(f);
	fclose(f);
	if (c) {
		snprintf(why, whylen, "%s: read error", path);
		return -1;
	}
	buf[n] = '\0';
	/* One line: the newline ends it, and nothing may follow. */
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (memchr(buf, '\0', n) != NULL || !machinead_version_ok(buf)) {
		snprintf(why, whylen, "%s: not an image version (one line of "
		    "1 to %d printable characters without blanks)", path,
		    MACHINEAD_MAX_VERSION);
		return -1;
	}
	strlcpy(ver, buf, verlen);
	return 1;
}

void
machine_owner_reason(const char *reason)
{
	char	buf[MACHINEAD_MAX_REASON + 1];

	free(machine_mad.owner_reason);
	machine_mad.owner_reason = NULL;
	if (reason == NULL || *reason == '\0')
		return;
	/*
	 * Cut at a character, controls made '?' (the path of the file that
	 * says agent = off may hold anything): the scheduler reads it
	 * strictly and cq status prints it.
	 */
	text_clean(buf, sizeof buf, reason);
	machine_mad.owner_reason = xstrdup(buf);
}

void
machine_init(const struct cfg *cfg, int64_t cpus, int64_t memory_mb)
{
	struct utsname	un;
	char		err[256], ver[MACHINEAD_MAX_VERSION + 1];
	const char	*vpath = cfg_str(cfg, "image_version_file");

	memset(&machine_mad, 0, sizeof machine_mad);
	machine_mad.arch = xstrdup(uname(&un) == 0 ?
	    machinead_arch(un.machine) : "unknown");
	machine_mad.opsys = xstrdup("LINUX");
	machine_mad.opsysandver = machine_opsysandver();
	machine_mad.total_cpus = cpus;
	machine_mad.total_memory_mb = memory_mb;
	machine_mad.total_disk_kb = -1;
	/* Checked by machine_check() before: these cannot fail here. */
	if (machinead_set_expr(&machine_mad.start, cfg_str(cfg, "start"), err,
	    sizeof err) == -1 ||
	    machinead_set_expr(&machine_mad.rank, cfg_str(cfg, "rank"), err,
	    sizeof err) == -1 ||
	    machinead_attrs_parse(&machine_mad,
	    cfg_str(cfg, "machine_attributes"), err, sizeof err) == -1)
		fatalx("machine ad: %s", err);
	machine_disk_path = xstrdup(cfg_str(cfg, "sandbox_dir"));
	if (*vpath == '\0')
		return;
	switch (machine_read_version(vpath, ver, sizeof ver, err,
	    sizeof err)) {
	case 1:
		machine_mad.image_version = xstrdup(ver);
		log_info("image version %s (%s)", ver, vpath);
		break;
	case -1:
		log_warnx("image_version_file %s: no image version in the "
		    "machine ad", err);
		break;
	}
}

void
machine_shutdown(void)
{
	machinead_clear(&machine_mad);
	free(machine_disk_path);
	machine_disk_path = NULL;
}

/* Free KiB where jobs' files go: sandbox_dir, or the nearest parent. */
static int64_t
machine_disk_kb(void)
{
	struct statvfs	 sv;
	char		 path[1024], *slash;

	strlcpy(path, machine_disk_path != NULL ? machine_disk_path : "/",
	    sizeof path);
	while (statvfs(path, &sv) == -1) {
		if ((slash = strrchr(path, '/')) == NULL || slash == path) {
			if (statvfs("/", &sv) == -1)
				return -1;
			break;
		}
		*slash = '\0';
	}
	return (int64_t)((uint64_t)sv.f_bavail * sv.f_frsize / 1024);
}

struct machinead *
machine_ad(void)
{
	machine_mad.total_disk_kb = machine_disk_kb();
	return &machine_mad;
}

static int
machine_str(struct expr_value *out, const char *s)
{
	if (s == NULL)
		return -1;
	out->type = EXPR_STRING;
	out->s = xstrdup(s);
	return 0;
}

static int
machine_int(struct expr_value *out, int64_t i)
{
	if (i < 0)
		return -1;
	out->type = EXPR_INT;
	out->i = i;
	return 0;
}

/* NAME of this slot's ad, as the scheduler's mirror names it (slots.c). */
static int
machine_my(void *arg, int scope, const char *name, struct expr_value *out)
{
	const struct machinead	*ad = &machine_mad;
	int			 slot = *(const int *)arg;
	const struct expr_value	*v;
	char			 buf[160];
	double			 load;
	int64_t			 away;

	memset(out, 0, sizeof *out);
	if (strcasecmp(name, "Arch") == 0)
		return machine_str(out, ad->arch);
	if (strcasecmp(name, "Activity") == 0)
		return machine_str(out, "Idle");
	if (strcasecmp(name, "Cpus") == 0)
		return machine_int(out, st->slot_cpus);
	if (strcasecmp(name, "KeyboardIdle") == 0 ||
	    strcasecmp(name, "ConsoleIdle") == 0)
		return machine_int(out, link_owner_idle_ms() / 1000);
	if (strcasecmp(name, "ExpectedOwnerAbsence") == 0)
		return (away = absence_expected_s()) < 0 ? -1 :
		    machine_int(out, away);
	if (strcasecmp(name, "Disk") == 0)
		return ad->total_disk_kb < 0 ? -1 :
		    machine_int(out, ad->total_disk_kb / st->nslots);
	if (strcasecmp(name, "HasCRIU") == 0) {
		out->type = EXPR_BOOL;
		out->b = st->criu != 0;
		return 0;
	}
	if (strcasecmp(name, "LoadAvg") == 0) {
		if ((load = activity_load()) < 0)
			return -1;
		out->type = EXPR_REAL;
		out->r = (double)(int64_t)(load * 100 + 0.5) / 100;
		return 0;
	}
	if (strcasecmp(name, "Memory") == 0)
		return machine_int(out, st->slot_memory_mb);
	if (strcasecmp(name, "Machine") == 0)
		return machine_str(out, st->name);
	if (strcasecmp(name, "MyType") == 0)
		return machine_str(out, "Machine");
	if (strcasecmp(name, "Name") == 0) {
		snprintf(buf, sizeof buf, "slot%d@%s", slot, st->name);
		return machine_str(out, buf);
	}
	if (strcasecmp(name, "OpSys") == 0)
		return machine_str(out, ad->opsys);
	if (strcasecmp(name, "OpSysAndVer") == 0)
		return machine_str(out, ad->opsysandver);
	if (strcasecmp(name, "State") == 0)
		return machine_str(out, "Unclaimed");
	if (strcasecmp(name, "SlotID") == 0)
		return machine_int(out, slot);
	if (strcasecmp(name, "TotalCpus") == 0)
		return machine_int(out, ad->total_cpus);
	if (strcasecmp(name, "TotalMemory") == 0)
		return machine_int(out, ad->total_memory_mb);
	if (strcasecmp(name, "TotalDisk") == 0)
		return machine_int(out, ad->total_disk_kb);
	if ((v = machinead_attr(ad, name)) == NULL)
		return -1;
	expr_value_copy(out, v);
	return 0;
}

/* The job's attribute NAME from the order's job ad (TARGET). */
static int
machine_target(void *arg, int scope, const char *name, struct expr_value *out)
{
	const struct expr_value	*v = agentmsg_start_attr(arg, name);

	memset(out, 0, sizeof *out);
	if (v == NULL)
		return -1;
	expr_value_copy(out, v);
	return 0;
}

int
machine_refuses(const struct agentmsg_start *so, int slot, char *why,
    size_t whylen)
{
	char	text[256];

	/* An order without the job ad (an older scheduler): its word. */
	if (!so->has_jobad || machinead_start_judge(machine_mad.start,
	    machine_my, &slot, machine_target, (void *)so, text,
	    sizeof text) == -1)
		return 0;
	snprintf(why, whylen, "the machine's start refuses it now (%s)",
	    text);
	return 1;
}
