/*
 * test_table.c: unit tests of terminal table layout (submit/table.c):
 * alignment, column widths, NULL cells, and shrinking to a terminal width
 * with cut cells ending in '~'.  Output is captured with open_memstream.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "table.h"

static char	*out;
static size_t	 outlen;

static void
teardown(void)
{
	free(out);
	out = NULL;
	unsetenv("COLUMNS");
}

TestSuite(table, .fini = teardown);

/* Print T within WIDTH into OUT. */
static const char *
print(const struct table *t, size_t width)
{
	FILE	*f;

	free(out);
	out = NULL;
	f = open_memstream(&out, &outlen);
	cr_assert_not_null(f);
	table_print(t, f, width);
	cr_assert_eq(fclose(f), 0);
	return out;
}

/* The longest line of S, without its newline. */
static size_t
longest_line(const char *s)
{
	size_t	n, max = 0;

	while (*s != '\0') {
		n = strcspn(s, "\n");
		if (n > max)
			max = n;
		s += n;
		if (*s == '\n')
			s++;
	}
	return max;
}

Test(table, alignment_and_widths)
{
	static const char *const	hdr[] = { "ID", "OWNER", "CMD" };
	struct table			*t = table_new(3, hdr);

	table_right(t, 0);
	table_add(t, (const char *const []){ "1.0", "alice", "/bin/sleep" });
	table_add(t, (const char *const []){ "10.2", "bob", "/bin/true" });
	cr_assert_eq(table_rows(t), 2);
	cr_assert_str_eq(print(t, 0),
	    "  ID OWNER CMD\n"
	    " 1.0 alice /bin/sleep\n"
	    "10.2 bob   /bin/true\n");
	/* A wide enough terminal changes nothing. */
	cr_assert_str_eq(print(t, 80),
	    "  ID OWNER CMD\n"
	    " 1.0 alice /bin/sleep\n"
	    "10.2 bob   /bin/true\n");
	cr_assert_str_eq(print(t, 21),
	    "  ID OWNER CMD\n"
	    " 1.0 alice /bin/sleep\n"
	    "10.2 bob   /bin/true\n");
	table_free(t);
}

Test(table, header_wider_than_cells)
{
	static const char *const	hdr[] = { "CLUSTER", "ST" };
	struct table			*t = table_new(2, hdr);

	table_right(t, 0);
	table_add(t, (const char *const []){ "7", "R" });
	cr_assert_str_eq(print(t, 0),
	    "CLUSTER ST\n"
	    "      7 R\n");
	table_free(t);
}

Test(table, right_aligned_last_column_is_padded)
{
	static const char *const	hdr[] = { "NAME", "SIZE" };
	struct table			*t = table_new(2, hdr);

	table_right(t, 1);
	table_right(t, 2);		/* out of range: ignored */
	table_add(t, (const char *const []){ "a", "1" });
	table_add(t, (const char *const []){ "bb", "12345" });
	cr_assert_str_eq(print(t, 0),
	    "NAME  SIZE\n"
	    "a        1\n"
	    "bb   12345\n");
	table_free(t);
}

Test(table, null_cells_print_empty)
{
	static const char *const	hdr[] = { "A", "B", "C" };
	struct table			*t = table_new(3, hdr);

	table_add(t, (const char *const []){ NULL, "bbbb", NULL });
	table_add(t, (const char *const []){ "aaa", NULL, "c" });
	cr_assert_str_eq(print(t, 0),
	    "A   B    C\n"
	    "    bbbb \n"
	    "aaa      c\n");
	table_free(t);
}

Test(table, cells_are_copied)
{
	struct table			*t;
	char				 hbuf[] = "H", cbuf[] = "cell";
	const char			*hp[] = { hbuf };

	t = table_new(1, hp);
	table_add(t, (const char *const []){ cbuf });
	hbuf[0] = 'Z';
	memcpy(cbuf, "gone", 4);
	cr_assert_str_eq(print(t, 0), "H\ncell\n");
	table_free(t);
}

Test(table, empty_table_prints_headers)
{
	static const char *const	hdr[] = { "ID", "OWNER" };
	struct table			*t = table_new(2, hdr);

	cr_assert_eq(table_rows(t), 0);
	cr_assert_str_eq(print(t, 3), "ID OWNER\n");
	table_free(t);
	table_free(NULL);
}

Test(table, many_rows)
{
	static const char *const	hdr[] = { "N" };
	struct table			*t = table_new(1, hdr);
	char				 cell[16];
	int				 i;

	table_right(t, 0);
	for (i = 0; i < 100; i++) {
		snprintf(cell, sizeof cell, "%d", i);
		table_add(t, (const char *const []){ cell });
	}
	cr_assert_eq(table_rows(t), 100);
	print(t, 0);
	cr_assert_eq(strncmp(out, " N\n 0\n 1\n", 9), 0, "%s", out);
	cr_assert_not_null(strstr(out, "\n99\n"));
	cr_assert_eq(outlen, 3 * 101);
	table_free(t);
}

Test(table, truncates_widest_with_tilde)
{
	static const char *const	hdr[] = { "ID", "CMD" };
	struct table			*t = table_new(2, hdr);

	table_add(t, (const char *const []){ "1.0",
	    "/usr/local/bin/very-long-program" });
	table_add(t, (const char *const []){ "2.0", "/bin/ls" });
	cr_assert_str_eq(print(t, 20),
	    "ID  CMD\n"
	    "1.0 /usr/local/bin/~\n"
	    "2.0 /bin/ls\n");
	cr_assert_eq(longest_line(out), 20);
	table_free(t);
}

Test(table, shrinks_widest_first)
{
	static const char *const	hdr[] = { "A", "B", "C" };
	struct table			*t = table_new(3, hdr);

	table_add(t, (const char *const []){ "aaaaaaaaaa",
	    "bbbbbbbbbbbbbbbbbbbb", "cc" });
	/* 10 + 20 + 2 + 2 = 34 > 25: B loses 9 and stays the widest. */
	cr_assert_str_eq(print(t, 25),
	    "A" "          " "B" "           " "C\n"
	    "aaaaaaaaaa bbbbbbbbbb~ cc\n");
	/* At 20 both long columns are cut to the same width. */
	cr_assert_str_eq(print(t, 20),
	    "A" "        " "B" "        " "C\n"
	    "aaaaaaa~ bbbbbbb~ cc\n");
	cr_assert_eq(longest_line(out), 20);
	table_free(t);
}

Test(table, never_below_header_or_four)
{
	static const char *const	hdr[] = { "ID", "COMMAND" };
	struct table			*t = table_new(2, hdr);

	table_right(t, 0);
	table_add(t, (const char *const []){ "123456789", "xxxxxxxxxxxx" });
	/* Cannot fit in 5: ID stops at 4, COMMAND at its header's 7. */
	cr_assert_str_eq(print(t, 5),
	    "  ID COMMAND\n"
	    "123~ xxxxxx~\n");
	table_free(t);
}

Test(table, shrinks_others_when_widest_is_at_minimum)
{
	static const char *const	hdr[] = { "DESCRIPTION_LONG", "X" };
	struct table			*t = table_new(2, hdr);

	table_add(t, (const char *const []){ "short", "abcdefghijkl" });
	/*
	 * 16 + 1 + 12 = 29.  The widest column cannot go below its header,
	 * but X can still lose 7 and the table then fits in 22.
	 */
	cr_assert_str_eq(print(t, 22),
	    "DESCRIPTION_LONG X\n"
	    "short            abcd~\n");
	cr_assert_eq(longest_line(out), 22);
	table_free(t);
}

/* A small deterministic generator for the property test. */
static uint32_t	rnd_state = 12345;

static uint32_t
rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

Test(table, fits_whenever_it_can)
{
	static const char *const	hdrs[] = {
		"ID", "OWNER", "SUBMITTED", "RUN_TIME", "ST", "PRI", "SIZE",
		"CMD"
	};
	char				 cells[8][48];
	const char			*row[8];
	size_t				 ncols, i, r, width, min;
	size_t				 need, natural;
	size_t				 hl, cl[8];
	struct table			*t;
	int				 iter;

	for (iter = 0; iter < 300; iter++) {
		ncols = 1 + rnd(8);
		t = table_new(ncols, hdrs);
		memset(cl, 0, sizeof cl);
		for (i = 0; i < ncols; i++)
			if (rnd(3) == 0)
				table_right(t, i);
		for (r = 0; r < 1 + rnd(5); r++) {
			for (i = 0; i < ncols; i++) {
				size_t	n = rnd(40), k;

				for (k = 0; k < n; k++)
					cells[i][k] = (char)('a' + rnd(26));
				cells[i][n] = '\0';
				row[i] = rnd(10) == 0 ? NULL : cells[i];
				if (row[i] != NULL && n > cl[i])
					cl[i] = n;
			}
			table_add(t, row);
		}
		/* The narrowest the table can get, and its natural width. */
		need = natural = ncols - 1;
		for (i = 0; i < ncols; i++) {
			hl = strlen(hdrs[i]);
			if (cl[i] < hl)
				cl[i] = hl;
			min = hl < 4 ? 4 : hl;
			need += cl[i] < min ? cl[i] : min;
			natural += cl[i];
		}
		for (width = 1; width <= natural + 2; width++) {
			print(t, width);
			/* As wide as allowed, or as narrow as possible. */
			if (need <= width)
				cr_assert_eq(longest_line(out),
				    natural < width ? natural : width,
				    "iter %d: width %zu, could fit in %zu:\n%s",
				    iter, width, need, out);
			else
				cr_assert_eq(longest_line(out), need,
				    "iter %d: width %zu:\n%s", iter, width,
				    out);
			cr_assert_leq(longest_line(out), natural);
		}
		print(t, 0);
		cr_assert_eq(longest_line(out), natural);
		table_free(t);
	}
}

Test(table, term_width)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;

	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	setenv("COLUMNS", "123", 1);
	cr_assert_eq(table_term_width(f), 123);
	/* A bad COLUMNS is ignored; a memory stream is no terminal. */
	setenv("COLUMNS", "wide", 1);
	cr_assert_eq(table_term_width(f), 0);
	setenv("COLUMNS", "0", 1);
	cr_assert_eq(table_term_width(f), 0);
	unsetenv("COLUMNS");
	cr_assert_eq(table_term_width(f), 0);
	fclose(f);
	free(buf);
}

Test(table, colours_do_not_count_in_widths)
{
	static const char *const	hdr[] = { "ID", "ST", "CMD" };
	struct table			*t = table_new(3, hdr);

	table_add(t, (const char *const []){ "1.0", "R", "/bin/sleep" });
	table_cell_color(t, 1, "32");
	table_add(t, (const char *const []){ "10.0", "H", "/bin/true" });
	/* Colours off: the SGR codes are not printed. */
	cr_assert_str_eq(print(t, 0),
	    "ID   ST CMD\n"
	    "1.0  R  /bin/sleep\n"
	    "10.0 H  /bin/true\n");
	table_color(t, 1);
	cr_assert_str_eq(print(t, 0),
	    "\033[1mID  \033[m \033[1mST\033[m \033[1mCMD\033[m\n"
	    "1.0  \033[32mR \033[m /bin/sleep\n"
	    "10.0 H  /bin/true\n");
	table_free(t);
}

Test(table, want_color_honours_no_color)
{
	FILE	*f = tmpfile();

	cr_assert_not_null(f);
	unsetenv("NO_COLOR");
	cr_assert_eq(table_want_color(f), 0, "a file is not a terminal");
	fclose(f);
	setenv("NO_COLOR", "1", 1);
	cr_assert_eq(table_want_color(stdout), 0);
	unsetenv("NO_COLOR");
}

/* Optional columns are left out, in their order, before anything is cut. */
Test(table, optional_columns_go_first)
{
	static const char *const hdr[] = { "A", "B", "C", "D" };
	const char	*row[] = { "aaaaaaaa", "bbbbbbbb", "cccccccc", "dd" };
	struct table	*t = table_new(4, hdr);

	table_optional(t, 2);
	table_optional(t, 1);
	table_add(t, row);
	/* Whole: 8+1+8+1+8+1+2 = 29. */
	cr_assert_str_eq(print(t, 29), "A        B        C        D\n"
	    "aaaaaaaa bbbbbbbb cccccccc dd\n");
	/* 28: C goes; 19 is enough for the rest. */
	cr_assert_str_eq(print(t, 28), "A        B        D\n"
	    "aaaaaaaa bbbbbbbb dd\n");
	/* 18: B goes too, nothing is cut. */
	cr_assert_str_eq(print(t, 18), "A        D\naaaaaaaa dd\n");
	/* 9: then cutting. */
	cr_assert_str_eq(print(t, 9), "A      D\naaaaa~ dd\n");
	table_free(t);
}

/* A distinct column is not cut into cells that read the same. */
Test(table, distinct_column_stays_distinct)
{
	static const char *const hdr[] = { "NAME", "X" };
	const char	*r1[] = { "slot1@desktop-0001.example.org", "x" };
	const char	*r2[] = { "slot1@desktop-0002.example.org", "x" };
	struct table	*t = table_new(2, hdr);

	table_keep_distinct(t, 0);
	table_add(t, r1);
	table_add(t, r2);
	/* However narrow: cut where the names still differ. */
	cr_assert_str_eq(print(t, 10), "NAME                X\n"
	    "slot1@desktop-0001~ x\n"
	    "slot1@desktop-0002~ x\n");
	table_free(t);
}

/* A long line is broken after ", " and never cut. */
Test(table, wrap_breaks_after_commas)
{
	FILE	*f;

	free(out);
	out = NULL;
	f = open_memstream(&out, &outlen);
	cr_assert_not_null(f);
	table_wrap(f, "Total: 3 jobs; 1 idle, 2 running, 0 held", 24);
	table_wrap(f, "short, line", 24);
	table_wrap(f, "no limit, at all, here", 0);
	cr_assert_eq(fclose(f), 0);
	cr_assert_str_eq(out, "Total: 3 jobs; 1 idle,\n"
	    "  2 running, 0 held\n"
	    "short, line\n"
	    "no limit, at all, here\n");
}

/* A cell's controls and invalid bytes are '?': cells come from others. */
Test(table, controls_in_cells_are_not_printed)
{
	static const char *const	hdr[] = { "NAME", "OS" };
	struct table			*t = table_new(2, hdr);

	table_add(t, (const char *const []){ "a\x1b[2Jb", "x\xc2\x9b" "1\xff" });
	cr_assert_str_eq(print(t, 0),
	    "NAME   OS\n"
	    "a?[2Jb x?1?\n");
	table_free(t);
}
