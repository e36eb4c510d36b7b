/*
 * table.c: column layout for `cq q`, `cq status` and `cq history`.
 * Cells are copied in; at print time each column is as wide as its widest
 * cell.  While the table is wider than the terminal, the optional columns
 * are left out one by one (table_optional()), then the widest column
 * still above its minimum (its header's width or 4; for a column that
 * must stay distinct, the width at which its cut cells still differ)
 * loses a character, cut cells ending in '~'.  With colours on (table_color(), only when
 * table_want_color() says so), the header is bold and a cell may carry
 * an SGR code (table_cell_color()); the codes do not count in widths and
 * each coloured cell ends with a reset, so a cut line stays clean.  A
 * cell's own text reaches the terminal without controls (text_clean):
 * a machine's or a job's strings come from others.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table.h"
#include "text.h"
#include "xmalloc.h"

/* Cells' text, a chunk at a time: a table of 100,000 rows is 900,000
 * cells, and as many mallocs and frees cost more than the rest. */
#define TABLE_CHUNK	65536
struct table_chunk {
	struct table_chunk	*next;
	size_t			 used, size;
	char			 data[];
};

struct table {
	size_t	  ncols;
	char	**headers;
	int	 *right;
	int	 *distinct;	/* never cut into duplicates */
	size_t	 *optional;	/* 1 + its turn to be left out, or 0 */
	size_t	  noptional;
	char	**cells;	/* nrows * ncols, in chunks */
	struct table_chunk *chunks;	/* the cells' text */
	const char **sgr;	/* nrows * ncols, static strings or NULL */
	size_t	  nrows, cap;
	int	  color;
};

struct table *
table_new(size_t ncols, const char *const *headers)
{
	struct table	*t;
	size_t		 i;

	t = xcalloc(1, sizeof *t);
	t->ncols = ncols;
	t->headers = xcalloc(ncols, sizeof *t->headers);
	t->right = xcalloc(ncols, sizeof *t->right);
	t->distinct = xcalloc(ncols, sizeof *t->distinct);
	t->optional = xcalloc(ncols, sizeof *t->optional);
	for (i = 0; i < ncols; i++)
		t->headers[i] = xstrdup(headers[i]);
	return t;
}

void
table_free(struct table *t)
{
	struct table_chunk	*c;
	size_t			 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncols; i++)
		free(t->headers[i]);
	while ((c = t->chunks) != NULL) {
		t->chunks = c->next;
		free(c);
	}
	free(t->headers);
	free(t->right);
	free(t->distinct);
	free(t->optional);
	free(t->cells);
	free(t->sgr);
	free(t);
}

void
table_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = 1;
}

void
table_keep_distinct(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->distinct[col] = 1;
}

void
table_optional(struct table *t, size_t col)
{
	if (col < t->ncols && t->optional[col] == 0)
		t->optional[col] = ++t->noptional;
}

/* N bytes for a cell's text, freed with T. */
static char *
table_alloc(struct table *t, size_t n)
{
	struct table_chunk	*c = t->chunks;
	size_t			 size;

	if (c == NULL || c->size - c->used < n) {
		size = n > TABLE_CHUNK ? n : TABLE_CHUNK;
		c = xmalloc(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = t->chunks;
		t->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

void
table_add(struct table *t, const char *const *cells)
{
	const char	*src;
	char		*dst;
	size_t		 i, size;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols,
		    sizeof *t->cells);
		t->sgr = xreallocarray(t->sgr, t->cap * t->ncols,
		    sizeof *t->sgr);
	}
	memset(&t->sgr[t->nrows * t->ncols], 0, t->ncols * sizeof *t->sgr);
	for (i = 0; i < t->ncols; i++) {
		src = cells[i] ? cells[i] : "";
		/* Never longer cleaned: a bad byte or C1 pair is one '?'. */
		size = strlen(src) + 1;
		dst = table_alloc(t, size);
		text_clean(dst, size, src);
		t->cells[t->nrows * t->ncols + i] = dst;
	}
	t->nrows++;
}

void
table_color(struct table *t, int on)
{
	t->color = on;
}

void
table_cell_color(struct table *t, size_t col, const char *sgr)
{
	if (t->nrows > 0 && col < t->ncols)
		t->sgr[(t->nrows - 1) * t->ncols + col] = sgr;
}

int
table_want_color(FILE *f)
{
	const char	*nc = getenv("NO_COLOR");

	if (nc != NULL && *nc != '\0')
		return 0;
	return isatty(fileno(f));
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

size_t
table_term_width(FILE *f)
{
	struct winsize	ws;
	const char	*cols;
	const char	*errstr;
	long long	 n;

	if ((cols = getenv("COLUMNS")) != NULL) {
		n = strtonum(cols, 1, 100000, &errstr);
		if (errstr == NULL)
			return (size_t)n;
	}
	if (!isatty(fileno(f)))
		return 0;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == -1 || ws.ws_col == 0)
		return 80;
	return ws.ws_col;
}

/* N spaces (printf's %*s without its cost, a cell at a time). */
static void
table_pad(FILE *f, size_t n)
{
	static const char	spaces[] = "                                ";
	size_t			k;

	for (; n > 0; n -= k) {
		k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		fwrite(spaces, 1, k, f);
	}
}

static void
table_cell(FILE *f, const char *s, size_t w, int right, int last,
    const char *sgr)
{
	size_t	len = strlen(s);

	if (sgr != NULL)
		fprintf(f, "\033[%sm", sgr);
	if (len > w) {
		if (w > 0) {
			fwrite(s, 1, w - 1, f);
			fputc('~', f);
		}
	} else if (right) {
		table_pad(f, w - len);
		fwrite(s, 1, len, f);
	} else if (last)
		fwrite(s, 1, len, f);
	else {
		fwrite(s, 1, len, f);
		table_pad(f, w - len);
	}
	if (sgr != NULL)
		fputs("\033[m", f);
}

static int
table_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The narrowest width (from MIN up to FULL) at which the cells of column
 * COL, cut as table_cell() cuts them, are still all different.
 */
static size_t
table_distinct_width(const struct table *t, size_t col, size_t min,
    size_t full)
{
	char	**cut;
	size_t	  w, r, len, dup;

	if (t->nrows < 2 || min >= full)
		return min;
	cut = xcalloc(t->nrows, sizeof *cut);
	for (w = min; w < full; w++) {
		for (r = 0; r < t->nrows; r++) {
			len = strlen(t->cells[r * t->ncols + col]);
			cut[r] = xstrdup(t->cells[r * t->ncols + col]);
			if (len > w && w > 0) {
				cut[r][w - 1] = '~';
				cut[r][w] = '\0';
			}
		}
		qsort(cut, t->nrows, sizeof *cut, table_strcmp);
		for (dup = 0, r = 1; r < t->nrows; r++)
			if (strcmp(cut[r - 1], cut[r]) == 0)
				dup = 1;
		for (r = 0; r < t->nrows; r++)
			free(cut[r]);
		if (!dup)
			break;
	}
	free(cut);
	return w;
}

void
table_print(const struct table *t, FILE *f, size_t width)
{
	size_t	*w, *mins, i, r, total, widest, min, last, o;
	int	*shown;

	w = xcalloc(t->ncols, sizeof *w);
	mins = xcalloc(t->ncols, sizeof *mins);
	shown = xcalloc(t->ncols, sizeof *shown);
	for (i = 0; i < t->ncols; i++) {
		w[i] = strlen(t->headers[i]);
		shown[i] = 1;
	}
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if (strlen(t->cells[r * t->ncols + i]) > w[i])
				w[i] = strlen(t->cells[r * t->ncols + i]);
	/* Optional columns go first, in their order, while it is too wide. */
	for (o = 1; width > 0 && o <= t->noptional; o++) {
		total = 0;
		for (i = 0; i < t->ncols; i++)
			if (shown[i])
				total += w[i] + 1;
		if (total - 1 <= width)
			break;
		for (i = 0; i < t->ncols; i++)
			if (t->optional[i] == o)
				shown[i] = 0;
	}
	/* (The names' narrowest distinct width, a sort of every row per
	 * width tried, only if the table has to shrink.) */
	total = 0;
	for (i = 0; i < t->ncols; i++)
		if (shown[i])
			total += w[i] + 1;
	for (i = 0; i < t->ncols; i++) {
		min = strlen(t->headers[i]);
		if (min < 4)
			min = 4;
		if (t->distinct[i] && width > 0 && total > 0 &&
		    total - 1 > width)
			min = table_distinct_width(t, i, min, w[i]);
		mins[i] = min;
	}
	for (;;) {
		/*
		 * The widest column that can still shrink: one already at its
		 * minimum must not stop the others.
		 */
		total = 0;
		widest = t->ncols;
		for (i = 0; i < t->ncols; i++) {
			if (!shown[i])
				continue;
			total += w[i] + 1;
			if (w[i] > mins[i] && (widest == t->ncols ||
			    w[i] > w[widest]))
				widest = i;
		}
		if (total > 0)
			total--;
		if (width == 0 || total <= width || widest == t->ncols)
			break;
		w[widest]--;
	}
	for (last = t->ncols; last > 0 && !shown[last - 1]; last--)
		;
	for (i = 0; i < t->ncols; i++) {
		if (!shown[i])
			continue;
		table_cell(f, t->headers[i], w[i], t->right[i],
		    i == last - 1, t->color ? "1" : NULL);
		fputc(i == last - 1 ? '\n' : ' ', f);
	}
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			if (!shown[i])
				continue;
			table_cell(f, t->cells[r * t->ncols + i], w[i],
			    t->right[i], i == last - 1, t->color ?
			    t->sgr[r * t->ncols + i] : NULL);
			fputc(i == last - 1 ? '\n' : ' ', f);
		}
	}
	free(w);
	free(mins);
	free(shown);
}

void
table_wrap(FILE *f, const char *text, size_t width)
{
	const char	*p = text, *brk, *c;
	size_t		 room, indent = 0;

	while (width > indent + 8 && strlen(p) + indent > width) {
		room = width - indent;
		/* The last ", " whose comma still fits. */
		brk = NULL;
		for (c = p; (c = strstr(c, ", ")) != NULL &&
		    (size_t)(c - p) + 1 <= room; c++)
			brk = c;
		if (brk == NULL)
			break;
		fprintf(f, "%*s%.*s\n", (int)indent, "", (int)(brk - p + 1),
		    p);
		p = brk + 2;
		indent = 2;
	}
	fprintf(f, "%*s%s\n", (int)indent, "", p);
}
