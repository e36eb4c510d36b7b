/*
 * jobad.h: a job as an HTCondor job ad (JSON), and constraints over it.
 */
#ifndef CQ_JOBAD_H
#define CQ_JOBAD_H

#include <stddef.h>

struct job;
struct json_object;
struct jobad_filter;

/* A new object: J's job-ad attributes (ClusterId, Owner, JobStatus...). */
struct json_object	*jobad_json(const struct job *j);
/*
 * Parse the constraint SRC into *OUT (NULL SRC: no filter, *OUT NULL).
 * 0, or -1 with ERR set to "bad constraint: ...".
 */
int	jobad_filter_new(const char *src, struct jobad_filter **out,
	    char *err, size_t errlen);
/* 1 if J satisfies F (a NULL F matches everything), else 0. */
int	jobad_filter_match(struct jobad_filter *f, const struct job *j);
void	jobad_filter_free(struct jobad_filter *f);

#endif
