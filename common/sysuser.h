/*
 * sysuser.h: make sure a system user exists (useradd --system), for the
 * users cq runs things as: the agent's slot users (cq-slotN) and its own
 * unprivileged user.
 */
#ifndef CQ_SYSUSER_H
#define CQ_SYSUSER_H

#include <stddef.h>

/* The useradd command line sysuser_ensure() runs for NAME, into BUF. */
void	sysuser_command(const char *name, char *buf, size_t len);
/*
 * Make the system user NAME (no home, no login shell, its own group)
 * unless it exists: 1 if it was made, 0 if it was there, -1 with ERR
 * saying why not (not root, no useradd, useradd failed).  Blocks until
 * useradd is done: for the command line, never a daemon's loop.
 */
int	sysuser_ensure(const char *name, char *err, size_t errlen);

#endif
