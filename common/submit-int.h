/*
 * submit-int.h: what the files of the submit-language parser share, and
 * nothing else includes.  The parser is five files around one struct
 * submit_parse: submit.c reads lines and statements and drives the
 * parse, submit-macro.c defines and expands macros, submit-kw.c gives the
 * keywords their meaning and builds one job from the macros (with
 * submit-args.c for the arguments and environment syntaxes), and
 * submit-queue.c reads the queue statement's forms and queues the jobs.
 * Invariants: every error goes through submit_error() and leaves the
 * message "FILE:LINE: what is wrong" in p->err; after an error the parse
 * is abandoned and every job built so far is freed by the driver.
 */
#ifndef CQ_SUBMIT_INT_H
#define CQ_SUBMIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jobdesc.h"
#include "submit.h"

#define SUBMIT_MAX_DEPTH	32		/* nested macro references */
#define SUBMIT_MAX_REFS		10000		/* references in an expansion */
#define SUBMIT_MAX_LINE		(JOBDESC_MAX_STR + 1024)
#define SUBMIT_MAX_FILE		(16 * 1024 * 1024)
/* Assignments with distinct names: the +Attrs among them fit the wire. */
#define SUBMIT_MAX_MACROS	JOBDESC_MAX_CUSTOM
#define SUBMIT_MAX_VARS		32		/* queue a,b,... from */

/*
 * Jobs in one submit.  A fuzzing build keeps each input cheap, and keeps
 * `from FILE` and `matching` below the working directory.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define SUBMIT_MAX_PROCS	1000
#else
#define SUBMIT_MAX_PROCS	JOBDESC_MAX_PROCS
#endif

struct submit_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
};

struct submit_list {
	char	       **v;		/* NULL-terminated */
	size_t		 n;
};

struct submit_macro {
	char		*name;		/* lower case; "+attr" for +Attr/My.Attr */
	char		*attr;		/* the attribute as last written, or NULL */
	char		*value;		/* raw, expanded at queue time */
	int		 line;
};

struct submit_digest;

struct submit_parse {
	const char	*file;
	char		*cwd;		/* absolute, cleaned */
	char	       **envp;
	struct submit_macro *macros;
	size_t		 nmacros;
	struct jobdesc	*jobs;
	size_t		 njobs;
	size_t		 jobscap;
	int		 queued;

	/* The text being read, for queue lists spanning lines. */
	const char	*buf;
	const char	*stmt;		/* the start of the statement read */
	const char	*cur;
	const char	*end;
	int		 lineno;

	/* While expanding: the proc and the queue's current item. */
	uint32_t	 proc;
	size_t		 refs;		/* references in this expansion */
	char	       **vars;		/* loop variables, lower case */
	char	       **vals;		/* their values for this item */
	size_t		 nvars;
	size_t		 item_index;
	size_t		 step;

	char		*err;
	size_t		 errlen;

	const struct submit_opts *opts;	/* never NULL */
	char		*path;		/* the submit file, absolute, or NULL */
	int		 skip_checks;	/* skip_filechecks = true */
	const char	*shadow;	/* predefined name being expanded */
	char		*checked[4];	/* the paths last found to exist */
	/*
	 * Late materialization (submit-factory.c): with DIGEST set the
	 * queue statement is recorded, not expanded (only its first job is
	 * built, to check it); NOT_FACTORY says the file cannot be one.
	 */
	struct submit_digest *digest;
	int		 not_factory;
	int		 no_queue;	/* a factory's statements: none */
};

/* A keyword of the language and its setter (submit-kw.c's table). */
struct submit_keyword {
	const char	*name;
	int		(*set)(struct submit_parse *, struct jobdesc *,
			    const struct submit_keyword *, const char *, int);
	size_t		 off;		/* member, for the generic setters */
	int		 unit;		/* sizes: 1 KiB, 2 MiB; lists: absolute */
	const char	*alt;		/* condor_submit's other names, or NULL:
					 * "a b c", used if NAME is unset */
};

/* submit.c */
int	 submit_error(struct submit_parse *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
const char *submit_q(char *, size_t, const char *);
int	 submit_buf_add(struct submit_buf *, const char *, size_t, size_t);
void	 submit_buf_reset(struct submit_buf *);
int	 submit_list_add(struct submit_list *, const char *, size_t, size_t);
void	 submit_list_free(struct submit_list *);
char	*submit_trim(char *);
int	 submit_number(const char *, size_t, long long, long long,
	    long long *);
int	 submit_is_name(const char *, size_t);
int	 submit_bool(const char *);
int	 submit_words(struct submit_parse *, int, const char *, const char *,
	    struct submit_list *);
int	 submit_check_text(struct submit_parse *, const char *, size_t);

int	 submit_statement(struct submit_parse *, char *, int);
int	 submit_getline(struct submit_parse *, struct submit_buf *, int *);
void	 submit_parse_free(struct submit_parse *);

/* submit-macro.c */
struct submit_macro *submit_macro_find(struct submit_parse *, const char *,
	    size_t);
int	 submit_macro_define(struct submit_parse *, const char *,
	    const char *, int);
int	 submit_macro_expand(struct submit_parse *, const char *,
	    struct submit_buf *, int, int);
int	 submit_macro_value(struct submit_parse *, const char *, int,
	    struct submit_buf *, char **);
int	 submit_macro_reserved(const char *);
int	 submit_macro_lookup(struct submit_parse *, const char *, size_t,
	    struct submit_buf *, int, int);

/* submit-func.c: $INT, $REAL, $CHOICE, $SUBSTR, $RANDOM_* */
int	 submit_func(struct submit_parse *, const char *, struct submit_buf *,
	    int, int, size_t *, int *);

/* submit-args.c: setters of arguments, getenv and environment */
int	 submit_args_arguments(struct submit_parse *, struct jobdesc *,
	    const struct submit_keyword *, const char *, int);
int	 submit_args_getenv(struct submit_parse *, struct jobdesc *,
	    const struct submit_keyword *, const char *, int);
int	 submit_args_environment(struct submit_parse *, struct jobdesc *,
	    const struct submit_keyword *, const char *, int);

/* submit-kw.c */
struct submit_kw_set;
/* submit-unsup.c: HTCondor commands cq refuses; -1 with the error set. */
int	 submit_kw_unsupported(struct submit_parse *);
/* 1 if NAME (lower case) is a command cq acts on (submit-kw.c). */
int	 submit_kw_known(const char *name);
/* What cq lacks for HTCondor's command NAME (lower case), or NULL if it
 * acts on it or NAME is no command of HTCondor's (submit-unsup.c). */
const char *submit_kw_unsupported_what(const char *name);
struct submit_kw_set *submit_kw_resolve(struct submit_parse *, char **,
	    size_t);
void	 submit_kw_set_free(struct submit_kw_set *);
int	 submit_kw_build(struct submit_parse *, const struct submit_kw_set *,
	    uint32_t, int, struct jobdesc *);

/* submit-queue.c */
int	 submit_queue(struct submit_parse *, const char *, int);
void	 submit_queue_fields(const char *, size_t, char **);

/* submit-factory.c: the queue statement of a late materialization */
int	 submit_digest_queue(struct submit_parse *, int, long long,
	    struct submit_list *, struct submit_list *, size_t *,
	    struct submit_kw_set *);

#endif
