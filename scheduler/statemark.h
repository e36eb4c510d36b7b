/*
 * statemark.h: STATE_DIR/store.mark, what the scheduler expects to find
 * of its queue database at its next start (stateck.c says when it is
 * written and what is checked against it).
 */
#ifndef CQ_STATEMARK_H
#define CQ_STATEMARK_H

#include <stddef.h>
#include <stdint.h>

#define STATEMARK_NAME		"store.mark"
#define STATEMARK_ID_LEN	32		/* hex digits */

struct statemark {
	char		 db_id[STATEMARK_ID_LEN + 1];
	int64_t		 reserved;	/* no cluster id above was handed out */
	int64_t		 committed;	/* the database held ids up to it */
	int64_t		 events;	/* and job events up to this id */
	int		 wal;		/* a WAL must be there */
	uint32_t	 wal_salt1, wal_salt2;
	uint32_t	 wal_frames;	/* it held at least these frames */
};

/*
 * Read DIR/store.mark into M: 1 read, 0 there is none, -1 unreadable or
 * malformed (ERR says where and what).
 */
int	statemark_read(const char *dir, struct statemark *m, char *err,
	    size_t errlen);
/*
 * Replace DIR/store.mark with M atomically (a temporary file, fsync,
 * rename); with DURABLE the directory is synced too, so the new mark
 * survives a power loss.  0, or -1 with errno.
 */
int	statemark_write(const char *dir, const struct statemark *m,
	    int durable);

#endif
