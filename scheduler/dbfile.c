/*
 * dbfile.c: the queue database's files as SQLite lays them out, read
 * without SQLite, for stateck.c.
 *
 * The database header: "SQLite format 3\0", the page size at offset 16
 * (two bytes, 1 meaning 65,536), the database size in pages at 28.  A
 * file shorter than that size lost its end.
 *
 * The WAL: a 32-byte header (magic 0x377f0682 or 0x377f0683, whose low
 * bit says the checksums read big-endian words, format version, page
 * size, checkpoint sequence, two salts, a checksum of the first 24
 * bytes), then frames of a 24-byte header (page number, the database
 * size after a commit or 0, the two salts, a checksum) and one page.
 * Each frame's checksum runs on from the one before it over the frame
 * header's first 8 bytes and the page.  SQLite replays frames up to the
 * last commit frame before the first one that does not check out, and
 * silently drops the rest.  Since each frame carries the checksum it
 * ends with, a frame after a damaged one can still be checked against
 * its predecessor's: a valid commit frame of the same log after a bad
 * one is a transaction that was committed and that SQLite will drop.
 * (A crash leaves at most the frames of a transaction that never
 * committed behind the last commit: they carry no commit mark.)
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbfile.h"
#include "xmalloc.h"

#define DBFILE_HDR	100
#define WAL_HDR		32
#define WAL_FRAME_HDR	24
#define WAL_MAGIC	0x377f0682u
#define WAL_VERSION	3007000u

static uint32_t
dbfile_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint32_t
dbfile_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Read LEN bytes at OFF: the count read (short at the end), or -1. */
static ssize_t
dbfile_pread(int fd, void *buf, size_t len, off_t off)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		    off + (off_t)done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* A page size field: a power of two from 512 to 65,536 (1: 65,536). */
static uint32_t
dbfile_pagesize(uint32_t v)
{
	if (v == 1)
		return 65536;
	if (v < 512 || v > 65536 || (v & (v - 1)) != 0)
		return 0;
	return v;
}

int
dbfile_db(const char *path, struct dbfile_db *db)
{
	unsigned char	 h[DBFILE_HDR];
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	memset(db, 0, sizeof *db);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	db->exists = 1;
	if (fstat(fd, &sb) == -1 ||
	    (n = dbfile_pread(fd, h, sizeof h, 0)) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	db->size = sb.st_size;
	if (n < DBFILE_HDR || memcmp(h, "SQLite format 3", 16) != 0)
		return 0;
	db->pagesize = dbfile_pagesize((uint32_t)h[16] << 8 | h[17]);
	db->npages = dbfile_be32(h + 28);
	db->header_ok = db->pagesize != 0;
	return 0;
}

/* SQLite's WAL checksum over N bytes (a multiple of 8) from S. */
static void
dbfile_cksum(int big, const unsigned char *p, size_t n, uint32_t s[2])
{
	uint32_t	 x0, x1;
	size_t		 i;

	for (i = 0; i + 8 <= n; i += 8) {
		x0 = big ? dbfile_be32(p + i) : dbfile_le32(p + i);
		x1 = big ? dbfile_be32(p + i + 4) : dbfile_le32(p + i + 4);
		s[0] += x0 + s[1];
		s[1] += x1 + s[0];
	}
}

/* Open PATH and check its header; FD stays open when the header is. */
static int
dbfile_wal_open(const char *path, struct dbfile_wal *wal, int *fd,
    uint32_t cksum[2], int *big)
{
	unsigned char	 h[WAL_HDR];
	struct stat	 sb;
	uint32_t	 magic, s[2] = { 0, 0 };
	ssize_t		 n;

	memset(wal, 0, sizeof *wal);
	*fd = -1;
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	wal->exists = 1;
	if (fstat(*fd, &sb) == -1 ||
	    (n = dbfile_pread(*fd, h, sizeof h, 0)) == -1) {
		close(*fd);
		*fd = -1;
		return -1;
	}
	wal->size = sb.st_size;
	magic = dbfile_be32(h);
	if (n < WAL_HDR || (magic & ~1u) != WAL_MAGIC ||
	    dbfile_be32(h + 4) != WAL_VERSION ||
	    (wal->pagesize = dbfile_pagesize(dbfile_be32(h + 8))) == 0)
		goto bad;
	*big = magic & 1;
	dbfile_cksum(*big, h, 24, s);
	if (s[0] != dbfile_be32(h + 24) || s[1] != dbfile_be32(h + 28))
		goto bad;
	wal->salt1 = dbfile_be32(h + 16);
	wal->salt2 = dbfile_be32(h + 20);
	cksum[0] = s[0];
	cksum[1] = s[1];
	wal->header_ok = 1;
	return 0;

bad:
	wal->pagesize = 0;
	close(*fd);
	*fd = -1;
	return 0;
}

int
dbfile_wal_header(const char *path, struct dbfile_wal *wal)
{
	uint32_t	 s[2];
	int		 fd, big;

	if (dbfile_wal_open(path, wal, &fd, s, &big) == -1)
		return -1;
	if (fd != -1)
		close(fd);
	return 0;
}

int
dbfile_wal(const char *path, struct dbfile_wal *wal)
{
	unsigned char	*f;
	uint32_t	 s[2], prev[2], i;
	size_t		 flen;
	ssize_t		 n;
	off_t		 off;
	int		 fd, big, ok;

	if (dbfile_wal_open(path, wal, &fd, prev, &big) == -1)
		return -1;
	if (fd == -1)
		return 0;
	flen = WAL_FRAME_HDR + wal->pagesize;
	f = xmalloc(flen);
	for (i = 1, off = WAL_HDR;; i++, off += (off_t)flen) {
		if ((n = dbfile_pread(fd, f, flen, off)) == -1) {
			free(f);
			close(fd);
			return -1;
		}
		if ((size_t)n < flen) {
			/* A torn last frame is as good as a bad one. */
			if (n > 0 && wal->bad_frame == 0)
				wal->bad_frame = i;
			break;
		}
		s[0] = prev[0];
		s[1] = prev[1];
		dbfile_cksum(big, f, 8, s);
		dbfile_cksum(big, f + WAL_FRAME_HDR, wal->pagesize, s);
		ok = dbfile_be32(f + 8) == wal->salt1 &&
		    dbfile_be32(f + 12) == wal->salt2 &&
		    s[0] == dbfile_be32(f + 16) && s[1] == dbfile_be32(f + 20);
		if (!ok) {
			if (wal->bad_frame == 0)
				wal->bad_frame = i;
		} else if (dbfile_be32(f + 4) != 0) {
			if (wal->bad_frame == 0)
				wal->frames = i;
			else
				wal->lost_commits++;
		}
		prev[0] = dbfile_be32(f + 16);
		prev[1] = dbfile_be32(f + 20);
	}
	free(f);
	close(fd);
	return 0;
}
