/*
 * xfer.h: one file in transit, either way, for the client, the scheduler
 * and the agent.  A sender (struct xfer_out) hashes its file in bounded
 * steps, then hands it out a chunk at a time; a receiver (struct xfer_in)
 * writes each chunk as it arrives to NAME.cq-part inside a root directory
 * it never leaves (no "..", no symlinks followed), and only when the size
 * and the SHA-256 match does it fsync, rename to NAME and fsync the
 * directory.  So no file ever appears under its final name half written,
 * and no file is ever whole in memory.  docs/transfer.md has the design.
 */
#ifndef CQ_XFER_H
#define CQ_XFER_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define XFER_CHUNK	(256u * 1024)	/* bytes in one data frame */
#define XFER_HIGH	(768u * 1024)	/* stop sending above this queue */
#define XFER_PART	".cq-part"	/* suffix of a file being received */
#define XFER_FLUSH	(8u * 1024 * 1024)	/* start writeback this often */
#define XFER_MAX_PATH	4096
#define XFER_MAX_SIZE	(1ULL << 40)	/* 1 TiB: any one file */
#define XFER_XATTR	"user.cq.sha256"	/* set on each file received */

/* 1 if REL is a safe relative path: no "/" at either end, no empty, "."
 * or ".." component, no ".cq-part" name, printable, not too long. */
int	xfer_path_ok(const char *rel);
/* The mode a received file gets: MODE without setuid, setgid and sticky
 * bits and without the bits UMASK takes away. */
mode_t	xfer_mode(mode_t mode, mode_t umask);
/* 1 if HEX is 64 lower-case hex digits. */
int	xfer_sha_ok(const char *hex);

struct xfer_out {
	int		 fd;
	uint64_t	 size;
	uint64_t	 off;		/* hashed, then sent */
	mode_t		 mode;
	int		 hashed;
	char		 sha[65];
	void		*md;		/* struct sha256 while hashing */
};

/*
 * Open PATH (a regular file, symlinks not followed at the end); 0, or -1
 * with ERR.  TRUST_SUM takes the checksum a receiver stored with the file
 * (XFER_XATTR), if any, instead of hashing: only for files nobody but us
 * writes (the spool), as an in-place change keeps the attribute.
 */
int	xfer_out_open(struct xfer_out *, const char *path, int trust_sum,
	    char *err, size_t errlen);
/* The same for FD (taken, closed on failure too) opened by the caller:
 * what is sent is what FD is, whatever its path has become.  NAME is
 * for messages. */
int	xfer_out_open_fd(struct xfer_out *, int fd, const char *name,
	    int trust_sum, char *err, size_t errlen);
/* Hash up to BUDGET bytes; 1 when the whole file is hashed (sha set),
 * 0 if more remains, -1 with ERR on a read error. */
int	xfer_out_hash(struct xfer_out *, size_t budget, char *err,
	    size_t errlen);
/* The next chunk (at most LEN bytes) into BUF: its length, 0 at the end.
 * A file that shrank is padded with zeros (the receiver's checksum then
 * refuses it). */
size_t	xfer_out_read(struct xfer_out *, void *buf, size_t len);
void	xfer_out_close(struct xfer_out *);

struct xfer_in {
	int		 dirfd;		/* the file's directory */
	int		 fd;
	char		*name;		/* last component */
	char		*part;		/* NAME.cq-part */
	uint64_t	 size;
	uint64_t	 got;
	uint64_t	 flushed;	/* writeback started up to here */
	mode_t		 mode;
	char		 want[65];
	void		*md;
	uid_t		 uid;		/* (uid_t)-1: as we are */
	gid_t		 gid;
	int		 scratch;	/* no fsync: see xfer_in_scratch() */
};

/*
 * Start receiving REL under ROOT (created if missing, mode 0755 for
 * directories): SIZE bytes, file mode MODE, SHA-256 SHA.  When UID is not
 * -1 and we are root, everything is created as UID/GID (setfsuid).  The
 * file never gets more than MODE & 0777 (xfer_mode()); directories are
 * made 0755 less the process's umask.  0, or
 * -1 with ERR (nothing is left behind).  A zero-byte file is complete at
 * once: call xfer_in_data() with no bytes.
 */
int	xfer_in_open(struct xfer_in *, const char *root, const char *rel,
	    uint64_t size, mode_t mode, const char *sha, uid_t uid, gid_t gid,
	    char *err, size_t errlen);
/*
 * Receive into FD (taken: an empty file the caller created, e.g. with
 * startd/sbfs.c), NAME for messages.  The caller owns the name: when
 * xfer_in_data() returns 1 the size and checksum matched and the mode
 * is set, and the caller renames the file into place; on -1 (or after
 * xfer_in_abort()) the caller removes it.  0, or -1 with ERR.
 */
int	xfer_in_open_fd(struct xfer_in *, int fd, const char *name,
	    uint64_t size, mode_t mode, const char *sha, char *err,
	    size_t errlen);
/* Take LEN bytes: 1 when the file is complete and in place, 0 when more
 * is due, -1 with ERR (the part file is gone; the xfer_in is closed). */
int	xfer_in_data(struct xfer_in *, const void *buf, size_t len, char *err,
	    size_t errlen);
/*
 * The file goes to scratch space that a crash wipes anyway (an agent's
 * sandbox): still written under NAME.cq-part and renamed only when its
 * checksum matched, but without the fsyncs.  Call right after the open.
 */
void	xfer_in_scratch(struct xfer_in *);
/* Give up: remove the part file, close (safe on a closed one). */
void	xfer_in_abort(struct xfer_in *);
/* 1 while a file is open. */
int	xfer_in_active(const struct xfer_in *);

/* Make directory REL under ROOT (and its parents), as UID/GID; 0 or -1. */
int	xfer_mkdir(const char *root, const char *rel, uid_t uid, gid_t gid,
	    char *err, size_t errlen);
/* Remove the tree at PATH (not following symlinks); 0 or -1. */
int	xfer_rmtree(const char *path);
/* The same for NAME relative to the directory DFD (AT_FDCWD: PATH);
 * links are removed, never followed.  0, or -1 with errno. */
int	xfer_rmtree_at(int dfd, const char *name);
/* Remove every "*.cq-part" file under PATH; how many. */
int	xfer_sweep_parts(const char *path);

#endif
