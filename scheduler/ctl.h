/*
 * ctl.h: the client socket.  Local users talk to the scheduler over a
 * unix socket; who they are comes from SO_PEERCRED, never from a message.
 */
#ifndef CQ_CTL_H
#define CQ_CTL_H

/* Listen on the configured socket path; -1 on failure. */
int	ctl_init(void);
void	ctl_shutdown(void);

#endif
