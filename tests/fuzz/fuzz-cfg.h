/*
 * fuzz-cfg.h: what fuzz-cfg.c and fuzz-cmdline.c share: a key table with
 * every key type, modelled on the daemons' tables (scheduler/main.c,
 * startd/main.c), and a snapshot of a configuration to compare.
 */
#ifndef CQ_FUZZ_CFG_H
#define CQ_FUZZ_CFG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static const struct cfg_key fuzz_keys[] = {
	{ "state_dir", CFG_STRING, "/var/lib/cq", 0, 0, "a path" },
	{ "token", CFG_STRING, "", 0, 0, "an empty default" },
	{ "name", CFG_STRING, NULL, 0, 0, "no default" },
	{ "listen", CFG_HOSTPORT, "127.0.0.1:9618", 0, 0, "host:port" },
	{ "schedd", CFG_HOSTPORT, "[::1]:9618", 0, 0, "[v6]:port" },
	{ "lease", CFG_DURATION, "60", 0, 0, "a duration" },
	{ "idle_after", CFG_DURATION, "15m", 0, 0, "a duration" },
	{ "slots", CFG_INT, "0", 0, 1024, "a small int" },
	{ "memory", CFG_INT, "0", 0, INT32_MAX, "a big int" },
	{ "offset", CFG_INT, "-5", -100, 100, "a signed int" },
	{ "agent", CFG_BOOL, "on", 0, 0, "a bool" },
	{ "debug", CFG_BOOL, "off", 0, 0, "a bool" },
	{ "max_owner_load", CFG_REAL, "0.3", 0, 1000, "a real" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

/* What CFG holds, as text (values, numbers, ORIGINS too); malloc'd. */
static char *
fuzz_snapshot(const struct cfg *cfg, int origins)
{
	const struct cfg_key	*k;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	cfg_print(cfg, f);
	for (k = fuzz_keys; k->name != NULL; k++) {
		fprintf(f, "%s %s ", k->name,
		    origins ? cfg_origin(cfg, k->name) : "");
		switch (k->type) {
		case CFG_INT:
			fprintf(f, "%lld\n", (long long)cfg_int(cfg, k->name));
			break;
		case CFG_DURATION:
			fprintf(f, "%lld\n", (long long)cfg_ms(cfg, k->name));
			break;
		case CFG_BOOL:
			fprintf(f, "%d\n", cfg_bool(cfg, k->name));
			break;
		case CFG_REAL:
			fprintf(f, "%a\n", cfg_real(cfg, k->name));
			break;
		default:
			/* NULL and "" print alike above: tell them apart. */
			fprintf(f, "%s\n", !origins ? "" :
			    cfg_str(cfg, k->name) ? "set" : "(null)");
			break;
		}
	}
	if (fclose(f) != 0)
		abort();
	return buf;
}

#endif
