/*
 * local.h: the agent's local socket, for the person at the desktop:
 * `cq reclaim` asks for the desktop back without root.
 */
#ifndef CQ_LOCAL_H
#define CQ_LOCAL_H

/* Listen on the configured socket (empty path: none); -1 on failure. */
int	local_init(const char *path);
void	local_shutdown(void);

#endif
