/*
 * machine.c: the agent's machine ad (machine.h).  Arch from uname(2) as
 * HTCondor names it, OpSys LINUX, OpSysAndVer from /etc/os-release
 * (HTCondor's form: the distribution's name and major version,
 * "Ubuntu22"), the cores and memory it offers, the free space of
 * sandbox_dir (TotalDisk, KiB, measured at each ad), and the owner's
 * policy: the start and rank keys, and machine_attributes.  An
 * expression that does not parse is refused at start-up with the key and
 * where it was set.
 */
#include "config.h"

#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "cfg.h"
#include "log.h"
#include "machine.h"
#include "machinead.h"
#include "xmalloc.h"

static struct machinead	 machine_ad;
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

void
machine_init(const struct cfg *cfg, int64_t cpus, int64_t memory_mb)
{
	struct utsname	un;
	char		err[256];

	memset(&machine_ad, 0, sizeof machine_ad);
	machine_ad.arch = xstrdup(uname(&un) == 0 ?
	    machinead_arch(un.machine) : "unknown");
	machine_ad.opsys = xstrdup("LINUX");
	machine_ad.opsysandver = machine_opsysandver();
	machine_ad.total_cpus = cpus;
	machine_ad.total_memory_mb = memory_mb;
	machine_ad.total_disk_kb = -1;
	/* Checked by machine_check() before: these cannot fail here. */
	if (machinead_set_expr(&machine_ad.start, cfg_str(cfg, "start"), err,
	    sizeof err) == -1 ||
	    machinead_set_expr(&machine_ad.rank, cfg_str(cfg, "rank"), err,
	    sizeof err) == -1 ||
	    machinead_attrs_parse(&machine_ad,
	    cfg_str(cfg, "machine_attributes"), err, sizeof err) == -1)
		fatalx("machine ad: %s", err);
	machine_disk_path = xstrdup(cfg_str(cfg, "sandbox_dir"));
}

void
machine_shutdown(void)
{
	machinead_clear(&machine_ad);
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

struct json_object *
machine_ad_json(void)
{
	machine_ad.total_disk_kb = machine_disk_kb();
	return machinead_to_json(&machine_ad);
}
