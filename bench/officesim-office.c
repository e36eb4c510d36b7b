/*
 * officesim-office.c: office mode (simulated owners, virtual jobs).
 */
#include "config.h"

#include <err.h>
#include <string.h>

#include "officesim.h"

static struct policy_cfg	office_policy;

const struct policy_cfg *
office_cfg(void)
{
	return &office_policy;
}

void
office_begin(void)
{
	errx(2, "office mode: not yet");
}

void
office_start(struct sim_agent *a, struct agentmsg_start *so)
{
}

void
office_kill(struct sim_agent *a, const char *job, uint32_t run, int vacate)
{
}

void
office_exit_acked(struct sim_agent *a, const char *job, uint32_t run)
{
}

void
office_agent_ready(struct sim_agent *a)
{
}

void
office_ad(struct sim_agent *a, struct agentmsg_ad *ad)
{
}
