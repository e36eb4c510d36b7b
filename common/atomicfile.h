/*
 * atomicfile.h: a small file replaced whole or not at all.
 */
#ifndef ATOMICFILE_H
#define ATOMICFILE_H

#include <sys/types.h>

#include <stddef.h>

/*
 * Write LEN bytes of BUF to PATH: into PATH.tmp (made anew, mode MODE
 * whatever the umask, never through a symlink), fsynced, renamed over
 * PATH; with SYNCDIR the directory is fsynced too, so that the rename
 * lasts (a caller writing several files may sync it once, at the end).
 * 0, or -1 with errno set, PATH as it was and no PATH.tmp left.
 */
int	atomicfile_write(const char *path, const void *buf, size_t len,
	    mode_t mode, int syncdir);
/* fsync the directory that holds PATH: 0 or -1 with errno set. */
int	atomicfile_sync_dir(const char *path);

#endif
