/*
 * slotstate.h: the states of an execute slot, shared by the agent (which
 * owns the state machine) and the scheduler (which mirrors it and adds
 * CLAIMED when it starts a job).
 */
#ifndef CQ_SLOTSTATE_H
#define CQ_SLOTSTATE_H

enum slot_state {
	SLOT_OWNER,		/* owner present, or owner hours */
	SLOT_UNCLAIMED,		/* idle, offered */
	SLOT_CLAIMED,		/* running a job */
	SLOT_SUSPENDED,		/* owner came back, job frozen */
	SLOT_VACATING,		/* checkpointing or killing */
	SLOT_DRAINING,		/* no new work */
	SLOT_OFFLINE,		/* missed its lease */
};

/* The state's name ("UNCLAIMED"...). */
const char	*slot_state_str(enum slot_state);
/* Parse a name (case-insensitive); 0, or -1 if unknown. */
int		 slot_state_parse(const char *, enum slot_state *);

#endif
