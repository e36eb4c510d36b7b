/*
 * jobad-noexpr.c: TEMPORARY stand-in for jobad.c's filters until the
 * expression language (common/expr.c) is merged: a constraint is refused.
 */
#include "config.h"

#include <stdio.h>

#include "jobad.h"

int
jobad_filter_new(const char *src, struct jobad_filter **out, char *err,
    size_t errlen)
{
	*out = NULL;
	if (src == NULL)
		return 0;
	snprintf(err, errlen, "constraints are not supported yet");
	return -1;
}

int
jobad_filter_match(struct jobad_filter *f, const struct job *j)
{
	return 1;
}

void
jobad_filter_free(struct jobad_filter *f)
{
}
