/*
 * upload.h: `cq submit`'s upload of a submit's input files into the
 * scheduler's staging area, before the submit message (upload.c).
 */
#ifndef CQ_UPLOAD_H
#define CQ_UPLOAD_H

#include <stddef.h>

struct client;
struct jobdesc;

/* 1 if job D sends files through the spool. */
int	upload_wanted(const struct jobdesc *d);
/* Upload the files of N jobs over C; 0 with *NFILES, or -1 (printed). */
int	upload_jobs(struct client *c, const struct jobdesc *jobs, size_t n,
	    size_t *nfiles);

#endif
