/*
 * jobs.h: the agent's slots, their policy states, and the jobs they hold.
 * A job is held from its start order until the scheduler acknowledges its
 * exit, so an exit is never lost across a broken link or a restart.
 */
#ifndef CQ_JOBS_H
#define CQ_JOBS_H

#include <stdint.h>

#include "agentmsg.h"

struct agentmsg_ad;
struct agentmsg_start;
struct privc_cbs;
struct sandbox;

void	jobs_init(void);
/* Kill every running job and free everything (agent exit). */
void	jobs_shutdown(void);
/* Start the run SO orders (checked by agentmsg-start.c; its description
 * is taken over from SO), unless its slot or the owner's start refuses. */
void	jobs_start(struct agentmsg_start *so);
/* A start order that did not decode (WHY): its run, if SO names one,
 * ends at once with the error, so the scheduler learns of it. */
void	jobs_start_refused(const struct agentmsg_start *so, const char *why);
/* Handle a kill order; VACATE: the vacate signal first, the kill after
 * max_vacate_time, and the end is reported as evicted.  WHY is told in
 * the end's report (the first reason given to a run stays). */
void	jobs_kill(const char *id, uint32_t run, int vacate,
	    enum agentmsg_kill_reason why);
/* The scheduler has made the exit of ID/RUN durable: forget it (or, with
 * RESTART after a checkpoint of its own, run it again in its sandbox). */
void	jobs_exit_acked(const char *id, uint32_t run, int restart);
/* The sandbox of ID/RUN if it waits for files, else NULL (sandbox.c). */
struct sandbox *jobs_sandbox(const char *id, uint32_t run);
/* One announced file of ID/RUN arrived (OK) or failed (ERR). */
void	jobs_file_done(const char *id, uint32_t run, int ok,
	    const char *err);
/* The link broke: jobs still waiting for files cannot start. */
void	jobs_link_lost(void);
/* Evaluate the policy of every slot and act (activity, tick). */
void	jobs_eval(void);
/*
 * The same, as an activity source fired: every job to suspend is frozen
 * first, in one batch, without sampling the polled sources; logs and
 * messages come after.
 */
void	jobs_eval_owner(void);
/* Vacate every job now (cq vacate, shutdown, a reclaim: TEXT for the
 * log, REASON for the ends' reports); how many. */
int	jobs_vacate_all(const char *text, enum agentmsg_kill_reason reason);
/* Jobs held: running, or exited and not yet acknowledged. */
int	jobs_held(void);
/* What the parent tells (exits, spawns, CRIU runs): for privc_init(). */
extern const struct privc_cbs jobs_privc_cbs;
/* The slots and held jobs into the ad AD (agentmsg_ad_clear() frees). */
void	jobs_ad_fill(struct agentmsg_ad *ad);
/* Send the exits not yet acknowledged (after a reconnect). */
void	jobs_resend_exits(void);
/* Job ends kept on disk and not acknowledged (ends.c). */
int	jobs_kept(void);
/* Number of jobs still running. */
int	jobs_running(void);

#endif
