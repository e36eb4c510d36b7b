/*
 * cfg.h: `key = value` configuration files with `#` comments, overridden
 * by CQ_<KEY> environment variables (and, for the agent, cq.<key>= on the
 * kernel command line).  Each program declares its keys in a table; an
 * unknown key or a bad value in a file is an error naming file and line.
 */
#ifndef CQ_CFG_H
#define CQ_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cfg_type {
	CFG_STRING,		/* any text */
	CFG_INT,		/* a whole number within [min, max] */
	CFG_DURATION,		/* 90, 90s, 1.5m, 2h, 250ms: kept in ms */
	CFG_BOOL,		/* on/off, yes/no, true/false, 1/0 */
	CFG_HOSTPORT,		/* host:port, [v6]:port */
	CFG_REAL,		/* a decimal number within [min, max] */
	CFG_SECRET,		/* any text that -n never prints */
};

struct cfg_key {
	const char	*name;
	enum cfg_type	 type;
	const char	*def;		/* default text, NULL for none */
	int64_t		 min, max;	/* CFG_INT bounds */
	const char	*help;
};

struct cfg;

/* A configuration with the defaults of KEYS (a NULL-named end). */
struct cfg	*cfg_new(const struct cfg_key *keys);
void		 cfg_free(struct cfg *);
/* Read PATH; on error ERR gets "path:line: what" and nothing changes. */
int		 cfg_load_file(struct cfg *, const char *path, char *err,
		    size_t errlen);
/* The same for the open stream F, named PATH in errors. */
int		 cfg_load_fp(struct cfg *, FILE *f, const char *path,
		    char *err, size_t errlen);
/* Apply CQ_<KEY> variables of ENVP that name a known key. */
int		 cfg_load_env(struct cfg *, char **envp, char *err,
		    size_t errlen);
/*
 * Apply cq.<key>=value words of a kernel command line (all or none); on
 * error ERR has a line per bad word ("kernel command line: cq.slots=x:
 * ..."), every one of them.
 */
int		 cfg_load_cmdline(struct cfg *, const char *cmdline, char *err,
		    size_t errlen);
/* The same, applying every good word: the number of bad ones. */
int		 cfg_load_cmdline_each(struct cfg *, const char *cmdline,
		    char *err, size_t errlen);
/* Add a line to the messages in ERR (a first one if ERR is empty). */
void		 cfg_err_add(char *err, size_t errlen, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * A program that declares this key reads the kernel command line from
 * the file it names (CQ_KERNEL_CMDLINE overrides it, as it is needed
 * before the other variables apply; empty: none) instead of cfg_daemon's
 * CMDLINE argument.
 */
#define CFG_CMDLINE_KEY	"kernel_cmdline"
/* Set one key from text, checking it; ORIGIN names where it came from. */
int		 cfg_set(struct cfg *, const char *key, const char *value,
		    const char *origin, char *err, size_t errlen);

/* Borrowed values.  Asking for an undeclared key is a programming error. */
const char	*cfg_str(const struct cfg *, const char *key);
int64_t		 cfg_int(const struct cfg *, const char *key);
int64_t		 cfg_ms(const struct cfg *, const char *key);
int		 cfg_bool(const struct cfg *, const char *key);
double		 cfg_real(const struct cfg *, const char *key);
/* Where KEY's value came from: "FILE:LINE", "environment CQ_X"... */
const char	*cfg_origin(const struct cfg *, const char *key);
/* Print every key normalized as `key = value`. */
void		 cfg_print(const struct cfg *, FILE *);

/*
 * The start of a daemon's main(): -c FILE, -f (foreground), -n (print the
 * configuration and exit), -v (more verbose).  Loads the file, then the
 * cq.<key>= words of the kernel command line in CMDLINE (a path such as
 * /proc/cmdline; NULL: none; see CFG_CMDLINE_KEY), then CQ_<KEY>
 * variables, then runs CHECK (may be NULL; it may add several lines with
 * cfg_err_add) for what needs more than one key's syntax.  A bad file is
 * printed and the process exits 2; past it, every bad word of the
 * command line, a bad variable and what CHECK finds are all printed, one
 * a line, before the exit 2.
 */
struct cfg	*cfg_daemon(const char *prog, const struct cfg_key *keys,
		    int argc, char **argv, const char *cmdline,
		    int (*check)(const struct cfg *, char *, size_t),
		    int *foreground, int *verbose);

/* Parse a duration ("90", "1.5m", "250ms"); 0 or -1 with ERRSTR. */
int		 cfg_parse_duration(const char *s, int64_t *ms,
		    const char **errstr);
/* Split "host:port"; HOST gets the host.  0 or -1 with ERRSTR. */
int		 cfg_parse_hostport(const char *s, char *host, size_t hostlen,
		    int *port, const char **errstr);

#endif
