/*
 * text.h: locale-free helpers for text from outside, shared by the submit
 * parser and the job description: ASCII classes, strict UTF-8, paths.
 */
#ifndef CQ_TEXT_H
#define CQ_TEXT_H

#include <stddef.h>

/* ASCII white space: ' ', \t, \n, \v, \f, \r.  1 or 0. */
int	text_isspace(int c);
/* ASCII 0-9.  1 or 0. */
int	text_isdigit(int c);
/* ASCII a-z, A-Z.  1 or 0. */
int	text_isalpha(int c);
/* ASCII letter or digit.  1 or 0. */
int	text_isalnum(int c);
/* C lowered if an ASCII capital, else C itself. */
int	text_tolower(int c);
/* Are the LEN bytes at STR strict UTF-8 (RFC 3629)?  1 or 0. */
int	text_utf8(const char *str, size_t len);
/* The length of the strict UTF-8 character at STR (LEN bytes left), or 0. */
size_t	text_char_len(const char *str, size_t len);
/*
 * The length of the character at STR (LEN bytes left) if it is strict
 * UTF-8 and no terminal control (C0, DEL, C1: U+0080 to U+009F) nor a
 * bidirectional control (U+202A to U+202E, U+2066 to U+2069), else 0:
 * what may reach a terminal as it is.
 */
size_t	text_shown_len(const char *str, size_t len);
/* SRC into DST (SIZE bytes, cut at a character), each control or invalid
 * byte replaced by '?': text from outside made safe to print. */
void	text_clean(char *dst, size_t size, const char *src);
/* The same, controls kept: only what is not UTF-8 becomes '?' (SRC may
 * be NULL: ""). */
void	text_utf8_clean(char *dst, size_t size, const char *src);
/* text_clean() into a new string. */
char	*text_clean_dup(const char *src);
/* A new string: DIR/REL (or REL if absolute), without "" and "." parts. */
char	*text_path(const char *dir, const char *rel);

#endif
