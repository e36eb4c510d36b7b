/*
 * text.c: byte-level helpers for text that comes from outside: ASCII
 * character classes, strict UTF-8 validation and lexical path joining.
 * The classes ignore the locale on purpose: a caller's setlocale() must
 * not turn a byte of a UTF-8 sequence into white space.  Paths are only
 * joined and cleaned as strings; nothing here touches the file system.
 * Called by the submit parser (submit.c) and the job description
 * (jobdesc.c), which both hold text bound for the JSON wire.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"

/* ASCII white space, whatever the locale says. */
int
text_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* ASCII digits only. */
int
text_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letters only. */
int
text_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ASCII letters and digits only. */
int
text_isalnum(int c)
{
	return text_isalpha(c) || text_isdigit(c);
}

/* ASCII capitals lowered; every other byte, UTF-8 too, kept. */
int
text_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Strict UTF-8: no overlong forms, surrogates or code points past
 * U+10FFFF; the wire is JSON, which the other side validates.
 */
int
text_utf8(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	uint32_t		 c;

	while (i < len) {
		if ((c = s[i]) < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, c &= 0x07;
		else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* DIR/REL (or REL if absolute), without empty and "." components. */
char *
text_path(const char *dir, const char *rel)
{
	char		*joined, *out;
	const char	*s, *e;
	size_t		 o = 0, n;

	if (rel[0] == '/')
		joined = xstrdup(rel);
	else
		xasprintf(&joined, "%s/%s", dir, rel);
	out = xmalloc(strlen(joined) + 2);
	for (s = joined; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		n = e - s;
		if (n == 1 && s[0] == '.')
			continue;
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(joined);
	return out;
}

size_t
text_char_len(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		n = 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > len || !text_utf8(str, n))
		return 0;
	return n;
}

size_t
text_shown_len(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	if (len == 0 || *s < 0x20 || *s == 0x7f)
		return 0;
	if ((n = text_char_len(str, len)) == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	/* Bidirectional embeddings, overrides and isolates (U+202A to
	 * U+202E, U+2066 to U+2069) reorder what follows them on screen. */
	if (n == 3 && s[0] == 0xe2 && ((s[1] == 0x80 && s[2] >= 0xaa &&
	    s[2] <= 0xae) || (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)))
		return 0;
	return n;
}

/*
 * SRC into DST (SIZE bytes, cut at a character), each character CHAR_LEN
 * refuses as one '?': a control (C1, a bidirectional one) is one '?', a
 * byte that is not UTF-8 goes alone and the rest is judged again.
 */
static void
text_copy(char *dst, size_t size, const char *src,
    size_t (*char_len)(const char *, size_t))
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n, len;

	if (size == 0)
		return;
	len = src != NULL ? strlen(src) : 0;
	while (i < len) {
		if ((n = char_len(src + i, len - i)) == 0) {
			if ((n = text_char_len(src + i, len - i)) == 0)
				n = 1;
			if (o + 1 >= size)
				break;
			dst[o++] = '?';
		} else {
			if (o + n >= size)
				break;
			memcpy(dst + o, s + i, n);
			o += n;
		}
		i += n;
	}
	dst[o] = '\0';
}

void
text_clean(char *dst, size_t size, const char *src)
{
	text_copy(dst, size, src, text_shown_len);
}

void
text_utf8_clean(char *dst, size_t size, const char *src)
{
	text_copy(dst, size, src, text_char_len);
}

char *
text_clean_dup(const char *src)
{
	size_t	 size = strlen(src) + 1;
	char	*dst = xmalloc(size);

	/* Never longer: each bad byte or C1 pair becomes one '?'. */
	text_clean(dst, size, src);
	return dst;
}
