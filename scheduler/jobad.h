/*
 * jobad.h: a job as an HTCondor job ad (JSON), and constraints over it.
 */
#ifndef CQ_JOBAD_H
#define CQ_JOBAD_H

#include <stddef.h>

struct agentmsg_start;
struct expr;
struct expr_value;
struct job;
struct jobdesc;
struct jobend_policy;
struct json_object;
struct jobad_filter;

/*
 * A new object: J's job-ad attributes (ClusterId, Owner, JobStatus...);
 * without FULL only the public ones (another user asks: no Args, Iwd,
 * Out, Err, UserLog or +Attr values, Cmd is the executable alone).
 */
struct json_object	*jobad_json(const struct job *j, int full);
/*
 * Parse the constraint SRC into *OUT (NULL SRC: no filter, *OUT NULL).
 * 0, or -1 with ERR set to "bad constraint: ...".
 */
int	jobad_filter_new(const char *src, struct jobad_filter **out,
	    char *err, size_t errlen);
/* 1 if J (its full or public ad) satisfies F (NULL: everything), else 0. */
int	jobad_filter_match(struct jobad_filter *f, const struct job *j,
	    int full);
void	jobad_filter_free(struct jobad_filter *f);
/*
 * J's parsed policy from its stored description into *OUT (NULL: none):
 * 0, or -1 with ERR if an expression does not parse.
 */
int	jobad_policy(const struct job *j, struct jobend_policy **out,
	    char *err, size_t errlen);
/* An expr_lookup_fn over J's +Attr values (ARG is the job). */
int	jobad_lookup(void *arg, int scope, const char *name,
	    struct expr_value *out);

struct expr_value;
/* Set J's requirements, rank, request_disk_kb, runtime_s and keeps from
 * its stored description (a job loaded from the store). */
void	jobad_fill(struct job *j);
/* The seconds of +ExpectedRuntime in a description's CUSTOM object (a
 * number, at least 0), or -1. */
int64_t	jobad_runtime(struct json_object *custom);
/*
 * What a vacate leaves of the work of a job of description DESC (the
 * job's JSON): an enum place_keeps (place_keeps()).
 */
int	jobad_keeps(struct json_object *desc);
/* J's attribute NAME as matching sees it (the job ad's names, then its
 * +Attr values); 0, or -1 if it has none.  An autocluster_attr_fn. */
int	jobad_value(const struct job *j, const char *name,
	    struct expr_value *out);
/*
 * J's stored description, decoded, in *D and the text of its wire form
 * (jobdesc_wire_text()) in *TEXT and *LEN, both borrowed until the next
 * call (the text may be J's ad itself): 0, or -1 with ERRSTR.  The jobs
 * of a cluster mostly share one decoding (jobad.c says when).
 */
int	jobad_desc(const struct job *j, const struct jobdesc **d,
	    const char **text, size_t *len, const char **errstr);
/* The attributes of J's job ad that START (a machine's, NULL: none)
 * names, into the start order SO, for the agent's own check. */
void	jobad_start_attrs(const struct job *j, const struct expr *start,
	    struct agentmsg_start *so);

#endif
