/*
 * mkdirs.h: make a directory and its missing parents, for the daemons'
 * state, socket and sandbox directories and the personal pool's home.
 */
#ifndef CQ_MKDIRS_H
#define CQ_MKDIRS_H

#include <sys/types.h>

/*
 * Make PATH with MODE and any missing parent with 0755; directories that
 * exist are left as they are.  0, or -1 with errno.
 */
int	mkdirs(const char *path, mode_t mode);

#endif
