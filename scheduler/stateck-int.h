/*
 * stateck-int.h: what stateck.c and stateck-verify.c share: the checks'
 * findings about a state directory.
 */
#ifndef CQ_STATECK_INT_H
#define CQ_STATECK_INT_H

#include <limits.h>
#include <stdint.h>

#include "dbfile.h"
#include "statemark.h"
#include "store.h"

enum stateck_hint {
	HINT_RESTORE,			/* restore or start afresh */
	HINT_WRITABLE,			/* make it writable */
	HINT_NONE
};

struct stateck {
	const char		*dir;
	const char		*db;
	char			 wal[PATH_MAX];
	char			 shm[PATH_MAX];
	int			 check;		/* --check: report, all of it */
	int			 has_mark;
	struct statemark	 mark;
	struct dbfile_db	 dbf;
	struct dbfile_wal	 walf;
	struct store_peek	 peek;
	int			 peeked;
	int			 first;		/* nothing there yet */
	/* Why the WAL is not the one left (stateck_gone()). */
	char			 wal_gone[PATH_MAX + 256];
	int			 nproblems;
	int			 hints[HINT_NONE];
	int64_t			 floor;		/* fresh: ids above it */
	int			 fresh;
	int			 had_wal, had_shm;	/* before a look */

	/* While running. */
	struct store		*store;
	int64_t			 mark_next;	/* mono ms */
	int			 mark_dirty;
};

/* 1 if PATH exists (even as a dangling link). */
int	 stateck_exists(const char *path);
/* The highest cluster STATE_DIR/spool names, or 0. */
int64_t	 stateck_spool_max(const char *dir);
/* Around a look inside: SQLite makes a missing WAL even to read. */
void	 stateck_peek_begin(struct stateck *);
void	 stateck_peek_end(struct stateck *);
/* Check CK->dir's database CK->db; the number of problems. */
int	 stateck_verify(struct stateck *, int integrity);
/* What to do about the problems found. */
void	 stateck_advice(struct stateck *);

#endif
