/*
 * absence.h: the agent's history of its owner's presence
 * (common/presence.h), kept in STATE_DIR/presence across restarts and
 * reboots, fed from the owner-activity sources, and the expected absence
 * it gives: the slot ad's ExpectedOwnerAbsence, sent in each heartbeat.
 */
#ifndef CQ_STARTD_ABSENCE_H
#define CQ_STARTD_ABSENCE_H

#include <stdint.h>

/* Open DIR, while still root: the child reaches it through this
 * descriptor once it is agent_user (state_dir may be root's, 0700). */
void	absence_open(const char *dir);
/* Load DIR/presence (a bad file is logged and the history starts
 * afresh). */
void	absence_init(const char *dir);
/* Save the history (at exit) and forget it. */
void	absence_shutdown(void);
/* Note the owner's presence at wall time NOW (ms); saves now and then. */
void	absence_tick(int64_t now);
/* Seconds the owner, if away now, is likely to stay away (the median),
 * rounded to the minute. */
int64_t	absence_expected_s(void);

#endif
