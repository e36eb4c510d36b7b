/*
 * agentmsg-int.h: the member readers and writers agentmsg.c shares with
 * agentmsg-ad.c (the ad) and agentmsg-start.c (the start order).
 * Private to those files.
 */
#ifndef CQ_AGENTMSG_INT_H
#define CQ_AGENTMSG_INT_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Fail with "MEMBER: WHAT" in *ERRSTR; -1. */
int	agentmsg_fail(const char *member, const char *what,
	    const char **errstr);
/* 1 if S is a job id as the scheduler writes it: "CLUSTER.PROC". */
int	agentmsg_job_ok(const char *s);
/* V, a string, into DST (SIZE bytes); NONEMPTY: "" is refused. */
int	agentmsg_strval(struct json_object *v, const char *what, char *dst,
	    size_t size, int nonempty, const char **errstr);
/* Member KEY of O, a string, into DST ("" if absent and not REQUIRED). */
int	agentmsg_str(struct json_object *o, const char *key, char *dst,
	    size_t size, int required, int nonempty, const char **errstr);
/* Member KEY of O, an integer in [MIN, MAX]; DEF if absent. */
int	agentmsg_int(struct json_object *o, const char *key, int64_t min,
	    int64_t max, int64_t def, int required, int64_t *out,
	    const char **errstr);
/* Member KEY of O, a boolean; 0 if absent. */
int	agentmsg_bool(struct json_object *o, const char *key, int *out,
	    const char **errstr);
/* "job" (a job id) and "run" (1 to 2^32-1), both required. */
int	agentmsg_jobrun(struct json_object *o, char *job, uint32_t *run,
	    const char **errstr);

void	agentmsg_add_str(struct json_object *o, const char *key,
	    const char *s);
void	agentmsg_add_int(struct json_object *o, const char *key, int64_t n);
void	agentmsg_add_true(struct json_object *o, const char *key);

#endif
