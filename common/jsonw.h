/*
 * jsonw.h: JSON text written straight into a growing buffer, byte for
 * byte what jsonx_dump() (json-c's plain output, '/' unescaped) makes of
 * the same values: its string escapes, its integers, "null", "true",
 * "false".  For the hot paths that would otherwise build json-c objects
 * only to print them: a job's description (jobdesc-wire.c), the start
 * order (agentmsg-start.c) and the rows of cq q and cq status (rows.c).  Anything else (a double, a custom value) is
 * printed by json-c itself (jsonw_json).
 */
#ifndef CQ_JSONW_H
#define CQ_JSONW_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

struct jsonw {
	char	*p;
	size_t	 len, cap;
};

/* LEN bytes at S, as they are. */
void	jsonw_add(struct jsonw *, const char *s, size_t len);
/* The NUL-terminated S, as it is. */
void	jsonw_lit(struct jsonw *, const char *s);
/* The LEN bytes at S escaped as json-c does, without the quotes. */
void	jsonw_esc(struct jsonw *, const char *s, size_t len);
/* A JSON string of the LEN bytes at S, escaped as json-c does. */
void	jsonw_strn(struct jsonw *, const char *s, size_t len);
/* A JSON string of S, or null for NULL. */
void	jsonw_str(struct jsonw *, const char *s);
/* ,"KEY": (no comma right after an opening '{'). */
void	jsonw_key(struct jsonw *, const char *key);
void	jsonw_int(struct jsonw *, int64_t);
/* An array of the N strings of V. */
void	jsonw_strv(struct jsonw *, char **v, size_t n);
/* What jsonx_dump() makes of O (a reference is not taken). */
void	jsonw_json(struct jsonw *, struct json_object *o);
/* NUL-terminate the text and give it away: its length in *LEN. */
char	*jsonw_done(struct jsonw *, size_t *len);
/* Free what was written (an abandoned text). */
void	jsonw_free(struct jsonw *);

#endif
