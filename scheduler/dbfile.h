/*
 * dbfile.h: what the queue database's files say about themselves, read
 * without SQLite (which, given a short file or a broken WAL, goes on with
 * what it can read and says nothing).  The formats are SQLite's own:
 * the 100-byte database header and the write-ahead log's header and
 * frames with their checksums.
 */
#ifndef CQ_DBFILE_H
#define CQ_DBFILE_H

#include <sys/types.h>
#include <stdint.h>

/* The main database file. */
struct dbfile_db {
	int		 exists;
	off_t		 size;
	int		 header_ok;	/* SQLite's magic, a sane page size */
	uint32_t	 pagesize;
	uint32_t	 npages;	/* the header's database size */
};

/* The write-ahead log. */
struct dbfile_wal {
	int		 exists;
	off_t		 size;
	int		 header_ok;	/* magic, version, checksum */
	uint32_t	 pagesize;
	uint32_t	 salt1, salt2;
	uint32_t	 frames;	/* valid frames up to the last commit */
	uint32_t	 bad_frame;	/* the first that fails (1-based), 0 */
	uint32_t	 lost_commits;	/* valid commits of this log after it */
};

/* Fill DB from PATH; -1 with errno on a read error (not on ENOENT). */
int	dbfile_db(const char *path, struct dbfile_db *db);
/*
 * Fill WAL from PATH, checking every frame (a log of a few thousand
 * pages at most between checkpoints; one big transaction's at worst).
 * -1 with errno on a read error (not on ENOENT).
 */
int	dbfile_wal(const char *path, struct dbfile_wal *wal);
/* The header only: salts, no frames counted (cheap). */
int	dbfile_wal_header(const char *path, struct dbfile_wal *wal);

#endif
