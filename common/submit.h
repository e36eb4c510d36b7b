/*
 * submit.h: the HTCondor submit language (man/cq-submit.5), read into
 * job descriptions (jobdesc.h) by `cq submit`.  The parser is
 * common/submit*.c around the private submit-int.h.
 */
#ifndef CQ_SUBMIT_H
#define CQ_SUBMIT_H

#include <stddef.h>
#include <stdint.h>

#include "jobdesc.h"

/* The name a description read from standard input goes by. */
#define SUBMIT_STDIN	"<stdin>"

/* What `cq submit` adds to a plain parse (zero: nothing). */
struct submit_opts {
	uint32_t	 cluster;	/* $(Cluster); 0: the scheduler's */
	int		 check_files;	/* executable, initialdir, input and
					 * transfer_input_files must exist */
	char	*const	*defs;		/* "name=value" first, or NULL */
	char	*const	*append;	/* before each queue, or NULL */
	const char	*queue;		/* a queue statement's arguments after
					 * the file (which then has none), or
					 * NULL */
};

/*
 * Parse a submit description.  CWD is the directory relative paths are
 * taken from (initialdir defaults to it); ENVP the submitter's environment
 * for getenv.  `queue ... from FILE` reads FILE relative to PATH's
 * directory, `queue ... matching` globs relative to initialdir.  On
 * success *JOBS holds *NJOBS descriptions (caller frees).  On error ERR
 * holds "file:line: what is wrong" and nothing is returned.
 */
int	submit_parse_file(const char *path, const char *cwd, char **envp,
	    struct jobdesc **jobs, size_t *njobs, char *err, size_t errlen);
/* Same, from a buffer; NAME is used in error messages and, relative to
 * CWD, locates `from FILE`. */
int	submit_parse_buf(const char *name, const char *buf, size_t len,
	    const char *cwd, char **envp, struct jobdesc **jobs,
	    size_t *njobs, char *err, size_t errlen);

/*
 * Read PATH whole into *BUF (*LEN bytes, caller frees), at most 16 MiB;
 * REGULAR refuses anything but a regular file.  On error ERR says why.
 */
int	submit_read_file(const char *path, int regular, char **buf,
	    size_t *len, char *err, size_t errlen);

/* Either of the above with OPTS (NULL as none); BUF NULL reads PATH. */
int	submit_parse_opts(const char *path, const char *buf, size_t len,
	    const char *cwd, char **envp, const struct submit_opts *opts,
	    struct jobdesc **jobs, size_t *njobs, char *err, size_t errlen);

/*
 * Late materialization (HTCondor's job factory): a cluster kept as the
 * statements before its one queue statement plus that statement's items,
 * its jobs built a few at a time by the scheduler (submit-factory.c).
 */
struct submit_digest {
	char		*text;		/* the statements before `queue` */
	size_t		 textlen;
	int		 line;		/* the queue statement's */
	char	       **vars;		/* lower case; NULL-terminated */
	size_t		 nvars;		/* 0: a plain `queue N` */
	char	       **items;		/* NULL-terminated */
	size_t		 nitems;
	size_t		*index;		/* sliced: each item's $(ItemIndex) */
	uint32_t	 count;		/* jobs per item */
	uint64_t	 total;		/* nitems * count */
	long long	 max_materialize;	/* 0: not set */
	long long	 max_idle;		/* 0: not set */
	struct jobdesc	 first;		/* proc 0, built to check the file */
	int		 has_first;
	int		 xfer_line;	/* the statement that turns file
					   transfer on (else the queue's) */
};

/*
 * Read PATH as a late materialization: 0 with *OUT (free with
 * submit_digest_free); 1 if it cannot be one (more than one queue
 * statement, or statements after it) and sets neither max_materialize
 * nor max_idle, so it is submitted whole; -1 with ERR.
 */
int	submit_digest_file(const char *path, const char *cwd, char **envp,
	    struct submit_digest **out, char *err, size_t errlen);
void	submit_digest_free(struct submit_digest *);

/* The scheduler's side: a digest's statements, read once. */
struct submit_factory;

/* NAME names the text in errors; VARS (NVARS) the queue's variables. */
int	submit_factory_new(const char *name, const char *text, size_t len,
	    const char *cwd, char **envp, char **vars, size_t nvars, int line,
	    struct submit_factory **out, char *err, size_t errlen);
/* Build proc PROC of item ITEM (index ITEM_INDEX, step STEP) into JD. */
int	submit_factory_job(struct submit_factory *, uint32_t proc,
	    const char *item, size_t item_index, size_t step,
	    struct jobdesc *jd, char *err, size_t errlen);
void	submit_factory_free(struct submit_factory *);

#endif
