/*
 * sbfs.h: every disk operation the agent does inside a job's sandbox,
 * each relative to a directory descriptor (the sandbox's, or one below
 * it) and following no symbolic link anywhere on the path: not in the
 * middle, not at the end.  A job, or its owner outside the job, may turn
 * any directory of its sandbox into a symlink at any moment; what these
 * functions open is still inside the sandbox, or they fail.
 *
 * Paths resolve with openat2(2) and RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * | RESOLVE_NO_MAGICLINKS where the kernel has it (Linux 5.6), else one
 * component at a time with openat(O_NOFOLLOW | O_DIRECTORY) from DIRFD.
 * A path is relative and plain: no leading or trailing "/", no empty,
 * "." or ".." component (EINVAL otherwise); "." alone names DIRFD itself
 * where a function says so.
 *
 * These are exactly the requests the privileged part of the agent serves
 * for the unprivileged one: each call is complete in itself (checks its
 * own arguments, takes only what it is given, keeps no state between
 * calls but the one-time answer to "has this kernel openat2", and
 * changes the process's umask and file-system ids only for the length
 * of a call).  No libevent, no json-c, no logging: errors are errno
 * values, described by sbfs_strerror().
 *
 * Test-only: CQ_SBFS_NO_OPENAT2=1 in the environment (read once, at the
 * first call) forces the component walk, so that the tests cover it on
 * kernels that have openat2.  Nothing else reads it.
 */
#ifndef CQ_SBFS_H
#define CQ_SBFS_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define SBFS_MAX_PATH	4096
#define SBFS_MAX_LIST	100000	/* entries sbfs_list() returns at most */

/* sbfs_create() HOW */
#define SBFS_EXCL	1	/* the file must not exist */
#define SBFS_TRUNC	2	/* an existing regular file is emptied */

/* Besides the open(2) ones, the errno values these functions set: */
/*   EINVAL	not a plain relative path */
/*   ELOOP	a symbolic link on the path */
/*   EXDEV	the path leads outside DIRFD (openat2 only) */
/*   EISDIR	a directory where a file was wanted */
/*   ENXIO	neither a regular file nor a directory */
/*   EMLINK	a hard link to a file that is not the owner's */
/*   E2BIG	a directory with more than SBFS_MAX_LIST entries */

enum sbfs_type {
	SBFS_REG,
	SBFS_DIR,
	SBFS_LNK,
	SBFS_OTHER
};

struct sbfs_ent {
	char		*name;		/* sbfs_list(): one component */
	enum sbfs_type	 type;
	off_t		 size;
	int64_t		 mtime_ns;
};

/* 1 if REL is a path these functions take (DOT: "." alone too). */
int		 sbfs_path_ok(const char *rel, int dot);
/* What an errno from these functions means, for a log or a report. */
const char	*sbfs_strerror(int err);
/* 1 if paths resolve with openat2, 0 with the component walk. */
int		 sbfs_openat2(void);

/*
 * Open the regular file REL for reading (O_CLOEXEC; never a FIFO or a
 * device, so the open never blocks).  When OWNER is not (uid_t)-1, a
 * file with more than one link must be OWNER's (EMLINK otherwise): a
 * hard link to someone else's file is not the job's to send.  The fd, or
 * -1 with errno.
 */
int		 sbfs_open_read(int dirfd, const char *rel, uid_t owner);
/*
 * Create REL for writing, HOW SBFS_EXCL or SBFS_TRUNC; a new file gets
 * MODE & 0777 exactly (no umask).  As UID/GID when they are not
 * (uid_t)-1 and we are root (setfsuid: permissions are theirs, and so is
 * the file).  The fd (O_CLOEXEC), or -1 with errno.
 */
int		 sbfs_create(int dirfd, const char *rel, int how, mode_t mode,
		    uid_t uid, gid_t gid);
/* Open directory REL ("." allowed) for reading; the fd, or -1. */
int		 sbfs_open_dir(int dirfd, const char *rel);
/*
 * mkdir -p REL: each missing directory made with MODE & 0777 exactly, as
 * UID/GID (as sbfs_create()); existing ones keep their mode.  0 or -1.
 */
int		 sbfs_mkdirs(int dirfd, const char *rel, mode_t mode, uid_t uid,
		    gid_t gid);
/* What REL is (a symlink at the end is SBFS_LNK, not followed); ENT's
 * name is left NULL.  0 or -1. */
int		 sbfs_stat(int dirfd, const char *rel, struct sbfs_ent *ent);
/*
 * The entries of directory REL ("." allowed), "." and ".." left out,
 * sorted by name, each with what sbfs_stat() tells: *ENTS (free with
 * sbfs_list_free()) and *N.  0, or -1 (E2BIG past SBFS_MAX_LIST).
 */
int		 sbfs_list(int dirfd, const char *rel, struct sbfs_ent **ents,
		    size_t *n);
void		 sbfs_list_free(struct sbfs_ent *ents, size_t n);
/* Remove REL and, if a directory, everything below it, following no
 * link (a symlink is removed, not what it points to).  0 (also when
 * there was nothing), or -1. */
int		 sbfs_remove(int dirfd, const char *rel);
/* Rename FROM to TO, both beneath DIRFD, as UID/GID (as sbfs_create()).
 * 0 or -1. */
int		 sbfs_rename(int dirfd, const char *from, const char *to,
		    uid_t uid, gid_t gid);

#endif
