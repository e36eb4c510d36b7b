/*
 * officesim-run.c: what the simulated agents do with their orders.
 * Flood mode: a start order is answered at once as a job that ends at
 * once (slot CLAIMED, started, slot UNCLAIMED, exited with code 0), the
 * order of the real agent's messages.  Office mode: officesim-office.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg.h"
#include "policy.h"

#include "officesim.h"

static struct policy_cfg	run_cfg_flood;

/* A slot I of A takes run RUN of JOB; -1 if it cannot (answered). */
int
run_claim(struct sim_agent *a, const struct agentmsg_start *so)
{
	struct sim_slot	*s;
	int		 i = so->slot - 1;

	if (i < 0 || i >= a->nslots || a->slots[i].job[0] != '\0' ||
	    policy_job_started(&a->slots[i].ps, sim->vnow) == -1) {
		/* The real agent's answer: not started, evicted. */
		struct agentmsg	am;

		memset(&am, 0, sizeof am);
		am.type = MSG_EXITED;
		strlcpy(am.u.exited.job, so->job, sizeof am.u.exited.job);
		am.u.exited.run = so->run;
		am.u.exited.evicted = 1;
		strlcpy(am.u.exited.error, "slot not offered",
		    sizeof am.u.exited.error);
		link_send_am(a, &am);
		sim->refused++;
		sim->exits_sent++;
		return -1;
	}
	s = &a->slots[i];
	strlcpy(s->job, so->job, sizeof s->job);
	s->run = so->run;
	link_send_slot(a, i);
	link_send_started(a, i);
	return i;
}

/* Slot I's job ended (EVICTED or not): the slot moves on, then exited. */
void
run_release(struct sim_agent *a, int i, int evicted)
{
	struct policy_in	 in;
	struct sim_slot		*s = &a->slots[i];
	char			 job[AGENTMSG_JOB_MAX];
	uint32_t		 run = s->run;

	strlcpy(job, s->job, sizeof job);
	s->job[0] = '\0';
	s->sj = NULL;
	run_policy_in(a, &in);
	policy_job_gone(run_cfg(), &s->ps, &in);
	link_send_slot(a, i);
	link_send_exited(a, i, job, run, evicted);
	sim->exits_sent++;
}

const struct policy_cfg *
run_cfg(void)
{
	if (sim->o.mode == SIM_OFFICE)
		return office_cfg();
	if (run_cfg_flood.idle_after_ms == 0) {
		policy_defaults(&run_cfg_flood);
		run_cfg_flood.idle_after_ms = 0;
		run_cfg_flood.idle_after_offhours_ms = 0;
	}
	return &run_cfg_flood;
}

void
run_policy_in(struct sim_agent *a, struct policy_in *in)
{
	memset(in, 0, sizeof *in);
	in->now = sim->vnow;
	in->last_activity = a->last_activity;
	in->owner_hours = 1;
}

void
run_started_order(struct sim_agent *a, struct agentmsg_start *so)
{
	int	i;

	if (sim->o.mode == SIM_OFFICE) {
		office_start(a, so);
		return;
	}
	if ((i = run_claim(a, so)) == -1)
		return;
	if (sim->started++ == 0)
		sim->t_first_start = clock_mono_ms();
	run_release(a, i, 0);
	sim->exited++;
}

void
run_kill_order(struct sim_agent *a, const char *job, uint32_t run,
    int vacate)
{
	if (sim->o.mode == SIM_OFFICE)
		office_kill(a, job, run, vacate);
	/* Flood: every job has ended already. */
}

void
run_exit_acked(struct sim_agent *a, const char *job, uint32_t run)
{
	if (sim->o.mode == SIM_OFFICE) {
		office_exit_acked(a, job, run);
		return;
	}
	sim->acked++;
	sim->t_last_ack = clock_mono_ms();
}

void
run_agent_ready(struct sim_agent *a)
{
	if (sim->o.mode == SIM_OFFICE)
		office_agent_ready(a);
}

void
run_ad_slots(struct sim_agent *a, struct agentmsg_ad *ad)
{
	if (sim->o.mode == SIM_OFFICE)
		office_ad(a, ad);
}

/*
 * Flood mode with -A: agent A advertises a fixed expected owner absence,
 * from 10 minutes to about 4 days (600 s times 2^(9.2 u), u uniform from
 * the seed and its index), for the placement's choices (scheduler/
 * match.c's window) to have something to weigh.  -1 without -A.
 */
int64_t
run_flood_absence(const struct sim_agent *a)
{
	uint64_t	z;
	double		u;

	if (!sim->o.owner_aware)
		return -1;
	z = (sim->o.seed + 1) * 0x9e3779b97f4a7c15ULL ^
	    ((uint64_t)a->idx + 1) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	u = (z >> 11) * (1.0 / 9007199254740992.0);
	return (int64_t)(600 * pow(2, 9.2 * u)) / 60 * 60;
}
