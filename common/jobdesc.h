/*
 * jobdesc.h: job descriptions, what a submit file turns into and what
 * travels to the scheduler and on to an agent.  submit.h reads the
 * HTCondor submit language into them, jobdesc_from_argv() makes one from
 * a command line, and jobdesc_to_json()/jobdesc_from_json() are the one
 * wire form, also printed by `cq submit --dry-run`.
 */
#ifndef CQ_JOBDESC_H
#define CQ_JOBDESC_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Limits on what one description may carry. */
#define JOBDESC_MAX_ARGS	4096
#define JOBDESC_MAX_ENV		4096
#define JOBDESC_MAX_STR		65536	/* any one string */
#define JOBDESC_MAX_PROCS	1000000	/* jobs in one submit */
#define JOBDESC_MAX_CUSTOM	4096	/* +Attr values */

struct jobdesc {
	uint32_t	 proc;
	char		*executable;
	char	       **argv;		/* arguments, argv[0] not included */
	size_t		 argc;
	char		*input;		/* NULL: /dev/null */
	char		*output;	/* NULL: /dev/null */
	char		*error;		/* NULL: /dev/null */
	char		*log;		/* user event log, may be NULL */
	char		*initialdir;	/* absolute */
	int64_t		 request_cpus;
	int64_t		 request_memory_mb;
	int64_t		 request_disk_kb;
	char		*requirements;	/* may be NULL */
	char	       **env;		/* "NAME=value" strings */
	size_t		 nenv;
	struct json_object *custom;	/* +Attr values, an object; owned */
};

/* Free one description (NULL is fine). */
void	jobdesc_free(struct jobdesc *);
/* Free an array of N descriptions and the array. */
void	jobdesc_free_all(struct jobdesc *, size_t n);

/* One job from a command line: argv[0] is the executable. */
int	jobdesc_from_argv(int argc, char **argv, const char *cwd,
	    struct jobdesc *jd, char *err, size_t errlen);

/* The wire/dry-run form: a new object with the keys DESIGN.md names. */
struct json_object *jobdesc_to_json(const struct jobdesc *);
/* Decode and strictly check the wire form into JD. 0, or -1 with ERRSTR. */
int	jobdesc_from_json(struct json_object *, struct jobdesc *jd,
	    const char **errstr);
/* Is S a valid custom attribute name (a ClassAd identifier)?  1 or 0. */
int	jobdesc_is_attr(const char *s);

#endif
