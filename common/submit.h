/*
 * submit.h: the HTCondor submit language (man/cq-submit.5), read into
 * job descriptions (jobdesc.h) by `cq submit`.  The parser is
 * common/submit*.c around the private submit-int.h.
 */
#ifndef CQ_SUBMIT_H
#define CQ_SUBMIT_H

#include <stddef.h>

struct jobdesc;

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

#endif
