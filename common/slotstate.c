/* slotstate.c: names of slot states, for the wire and for tables. */
#include "config.h"

#include <strings.h>

#include "slotstate.h"

static const char *slot_state_names[] = {
	[SLOT_OWNER] = "OWNER",
	[SLOT_UNCLAIMED] = "UNCLAIMED",
	[SLOT_CLAIMED] = "CLAIMED",
	[SLOT_SUSPENDED] = "SUSPENDED",
	[SLOT_VACATING] = "VACATING",
	[SLOT_DRAINING] = "DRAINING",
	[SLOT_OFFLINE] = "OFFLINE",
};

const char *
slot_state_str(enum slot_state s)
{
	if ((unsigned)s >= sizeof slot_state_names / sizeof slot_state_names[0])
		return "UNKNOWN";
	return slot_state_names[s];
}

int
slot_state_parse(const char *s, enum slot_state *out)
{
	unsigned	i;

	for (i = 0; i < sizeof slot_state_names / sizeof slot_state_names[0];
	    i++) {
		if (strcasecmp(s, slot_state_names[i]) == 0) {
			*out = (enum slot_state)i;
			return 0;
		}
	}
	return -1;
}
