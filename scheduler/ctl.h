/*
 * ctl.h: the client socket.  Local users talk to the scheduler over a
 * unix socket; who they are comes from SO_PEERCRED, never from a message.
 */
#ifndef CQ_CTL_H
#define CQ_CTL_H

#include <stddef.h>

struct cfg;

/* The configuration's check: admin_group names a group (0), or -1/ERR. */
int	ctl_admin_group_check(const struct cfg *, char *err, size_t len);
/* Listen on the configured socket path; -1 on failure. */
int	ctl_init(void);
void	ctl_shutdown(void);

#endif
