/*
 * owner.c: the owner's side of an agent: the policy settings from the
 * configuration (HTCondor's desktop policy as defaults), the owner-hours
 * calendar, the activity sources, a reclaim in force and the drain flag,
 * combined into one policy input for a moment in time.  Without
 * owner_hours every hour counts as the owner's (idle_after applies; the
 * shorter idle_after_offhours only outside configured hours).  A machine
 * too small to help (min_cpus, min_memory) behaves as `agent = off`;
 * either one's reason goes into the machine ad (CqOwnerReason).
 */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "activity.h"
#include "calendar.h"
#include "cfg.h"
#include "log.h"
#include "machine.h"
#include "owner.h"
#include "policy.h"
#include "startd.h"

static struct policy_cfg	 owner_cfg;
static struct calendar		*owner_cal;
static int64_t			 owner_reclaim_until;
static int			 owner_drain_on;
static int			 owner_has_hours;	/* owner_hours set */
static char			 owner_why[256];	/* agent off: why */

int
owner_init(const struct cfg *cfg, void (*cb)(void *), void *arg, char *err,
    size_t errlen)
{
	policy_defaults(&owner_cfg);
	owner_cfg.idle_after_ms = cfg_ms(cfg, "idle_after");
	owner_cfg.idle_after_offhours_ms = cfg_ms(cfg, "idle_after_offhours");
	owner_cfg.resume_after_ms = cfg_ms(cfg, "resume_after");
	owner_cfg.vacate_after_ms = cfg_ms(cfg, "vacate_after");
	owner_cfg.max_vacate_ms = cfg_ms(cfg, "max_vacate_time");
	owner_cfg.max_owner_load = cfg_real(cfg, "max_owner_load");
	owner_cfg.agent_on = cfg_bool(cfg, "agent");
	owner_why[0] = '\0';
	if (!owner_cfg.agent_on) {
		snprintf(owner_why, sizeof owner_why, "opted out on this "
		    "machine (agent = off, %s)", cfg_origin(cfg, "agent"));
		log_info("owner: agent = off (%s): no jobs will run here",
		    cfg_origin(cfg, "agent"));
	} else if (st->slot_cpus * st->nslots < cfg_int(cfg, "min_cpus") ||
	    st->slot_memory_mb * st->nslots < cfg_int(cfg, "min_memory")) {
		snprintf(owner_why, sizeof owner_why, "too small to help: "
		    "%lld cores and %lld MiB (min_cpus %lld, min_memory %lld)",
		    (long long)(st->slot_cpus * st->nslots),
		    (long long)(st->slot_memory_mb * st->nslots),
		    (long long)cfg_int(cfg, "min_cpus"),
		    (long long)cfg_int(cfg, "min_memory"));
		log_info("owner: this machine is below min_cpus/min_memory: "
		    "it reports itself and runs no jobs");
		owner_cfg.agent_on = 0;
	}
	machine_owner_reason(owner_why);
	owner_has_hours = *cfg_str(cfg, "owner_hours") != '\0';
	if ((owner_cal = calendar_parse(cfg_str(cfg, "owner_hours"),
	    "owner_hours", err, errlen)) == NULL)
		return -1;
	if (activity_init(st->base, cfg_str(cfg, "activity"), cb, arg, err,
	    errlen) == -1)
		return -1;
	return 0;
}

void
owner_shutdown(void)
{
	activity_shutdown();
	calendar_free(owner_cal);
	owner_cal = NULL;
}

const char *
owner_off_reason(void)
{
	return owner_cfg.agent_on ? NULL : owner_why;
}

const struct policy_cfg *
owner_policy(void)
{
	return &owner_cfg;
}

void
owner_input(int64_t now, struct policy_in *in)
{
	activity_poll(now);
	owner_input_seen(now, in);
}

void
owner_input_seen(int64_t now, struct policy_in *in)
{
	in->now = now;
	in->last_activity = activity_last();
	in->owner_load = activity_owner_load();
	/* Without owner hours every hour is the owner's: idle_after rules. */
	in->owner_hours = !owner_has_hours ||
	    calendar_owner_hours(owner_cal, (time_t)(now / 1000));
	in->reclaim_until = owner_reclaim_until;
	in->draining = owner_drain_on;
}

void
owner_reclaim(int64_t until)
{
	if (until > owner_reclaim_until)
		owner_reclaim_until = until;
}

void
owner_drain(int on)
{
	owner_drain_on = on;
}

int
owner_draining(void)
{
	return owner_drain_on;
}
