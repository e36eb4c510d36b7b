/*
 * table.h: aligned terminal tables sized to the terminal: optional
 * columns are left out, then the widest column is cut (with '~') until
 * the table fits; lines never wrap.
 */
#ifndef CQ_TABLE_H
#define CQ_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table;

/* A table with NCOLS columns named by HEADERS. */
struct table	*table_new(size_t ncols, const char *const *headers);
void		 table_free(struct table *);
/* Right-align column COL (numbers). */
void		 table_right(struct table *, size_t col);
/* Never cut column COL so far that two of its cells read the same. */
void		 table_keep_distinct(struct table *, size_t col);
/* Column COL may be left out when the table does not fit; the first so
 * marked is left out first. */
void		 table_optional(struct table *, size_t col);
/* Append a row of NCOLS cells (copied; NULL prints as empty). */
void		 table_add(struct table *, const char *const *cells);
/* Colour the output (bold header, cell colours) when ON. */
void		 table_color(struct table *, int on);
/* Colour cell COL of the last row added with SGR ("32": green). */
void		 table_cell_color(struct table *, size_t col, const char *sgr);
/* 1 if F is a terminal and NO_COLOR is unset or empty. */
int		 table_want_color(FILE *f);
size_t		 table_rows(const struct table *);
/* Print to F within WIDTH columns (0: no limit). */
void		 table_print(const struct table *, FILE *f, size_t width);
/*
 * Print TEXT and a newline to F within WIDTH (0: no limit), broken after
 * ", " where it is too long, the next lines indented: a totals line is
 * never cut.
 */
void		 table_wrap(FILE *f, const char *text, size_t width);
/* The terminal's width for F, or 0 if F is not a terminal. */
size_t		 table_term_width(FILE *f);

#endif
