/*
 * submit.h: the HTCondor submit language (man/cq-submit.5), read into
 * job descriptions (jobdesc.h) by `cq submit`.  The parser is
 * common/submit*.c around the private submit-int.h.
 */
#ifndef CQ_SUBMIT_H
#define CQ_SUBMIT_H

#include <stddef.h>
#include <stdint.h>

struct jobdesc;

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

#endif
