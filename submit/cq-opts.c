/*
 * cq-opts.c: what the command line says about its own words, from the
 * subcommand table of cq.c (each entry lists every option it takes):
 * `cq CMD --help`, the "unknown option X" and "unknown command X" errors
 * with the nearest known word ("did you mean ...?", by edit distance,
 * leading dashes aside) and a pointer to --help instead of the whole
 * usage, and `cq __complete commands|options CMD` for the bash completion
 * (completions/cq.bash), so the completion offers exactly what the
 * commands take.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cq.h"
#include "xmalloc.h"

#define CQ_OPTS_MAX	64	/* bytes of a word compared */

/* Edit distance of A and B (adjacent swaps count one), at most 64 bytes. */
static size_t
cq_opts_distance(const char *a, const char *b)
{
	size_t	d[CQ_OPTS_MAX + 1][CQ_OPTS_MAX + 1];
	size_t	la = strlen(a), lb = strlen(b), i, j, c, m;

	if (la > CQ_OPTS_MAX)
		la = CQ_OPTS_MAX;
	if (lb > CQ_OPTS_MAX)
		lb = CQ_OPTS_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = a[i - 1] == b[j - 1] ? 0 : 1;
			m = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < m)
				m = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < m)
				m = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	}
	return d[la][lb];
}

/*
 * The word of the blank-separated WORDS nearest to W (dashes aside, so
 * -josn finds --json), if near enough to be a slip; NULL if none.
 */
static const char *
cq_opts_nearest(const char *w, const char *words, char *buf, size_t len)
{
	const char	*p, *e, *bw = w;
	char		 word[CQ_OPTS_MAX + 1];
	size_t		 n, d, best = (size_t)-1, lim;

	while (*bw == '-')
		bw++;
	lim = strlen(bw) <= 3 ? 1 : strlen(bw) <= 6 ? 2 : 3;
	for (p = words; *p != '\0'; p = e) {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		n = (size_t)(e - p);
		if (n == 0 || n > CQ_OPTS_MAX)
			continue;
		memcpy(word, p, n);
		word[n] = '\0';
		if (strcmp(word, "--") == 0)
			continue;
		/* Compare without dashes; as many dashes wins ties. */
		d = cq_opts_distance(bw, word + strspn(word, "-")) * 2 +
		    (strspn(w, "-") == strspn(word, "-") ? 0 : 1);
		if (d < best) {
			best = d;
			strlcpy(buf, word, len);
		}
	}
	return best != (size_t)-1 && best / 2 <= lim && *bw != '\0' ? buf :
	    NULL;
}

int
cq_unknown_option(const char *cmd, const char *opt)
{
	const struct cq_cmd	*c = cq_cmd_find(cmd);
	const char		*near = NULL;
	char			 buf[CQ_OPTS_MAX + 1], words[1024];

	if (c != NULL && c->opts != NULL) {
		snprintf(words, sizeof words, "%s --help", c->opts);
		near = cq_opts_nearest(opt, words, buf, sizeof buf);
	}
	if (near != NULL)
		fprintf(stderr, "cq %s: unknown option %s (did you mean "
		    "%s?); see cq %s --help\n", cmd, opt, near, cmd);
	else
		fprintf(stderr, "cq %s: unknown option %s; see cq %s --help\n",
		    cmd, opt, cmd);
	return CQ_EXIT_USAGE;
}

int
cq_words_has(const char *words, const char *opt)
{
	size_t		 n = strlen(opt);
	const char	*p;

	for (p = words; n > 0 && (p = strstr(p, opt)) != NULL; p += n)
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

int
cq_bad_arg(const char *cmd, const char *arg)
{
	const struct cq_cmd	*c = cq_cmd_find(cmd);

	if (arg == NULL || arg[0] != '-' || arg[1] == '\0' ||
	    (arg[1] >= '0' && arg[1] <= '9'))
		return cq_usage(cmd);
	if (c != NULL && cq_words_has(c->opts, arg)) {
		fprintf(stderr, "cq %s: %s needs a value or is out of place; "
		    "see cq %s --help\n", cmd, arg, cmd);
		return CQ_EXIT_USAGE;
	}
	return cq_unknown_option(cmd, arg);
}

int
cq_unknown_command(const char *name)
{
	const struct cq_cmd	*c;
	char			*words, buf[CQ_OPTS_MAX + 1];
	const char		*near;
	size_t			 len = 1;

	for (c = cq_cmd_table(); c->name != NULL; c++)
		len += strlen(c->name) + 1;
	words = xcalloc(1, len);
	for (c = cq_cmd_table(); c->name != NULL; c++) {
		if (cq_cmd_hidden(c->name))
			continue;
		strlcat(words, c->name, len);
		strlcat(words, " ", len);
	}
	near = name[0] == '-' ? NULL :
	    cq_opts_nearest(name, words, buf, sizeof buf);
	free(words);
	if (name[0] == '-')
		fprintf(stderr, "cq: unknown option %s; see cq --help\n",
		    name);
	else if (near != NULL)
		fprintf(stderr, "cq: unknown command %s (did you mean %s?); "
		    "see cq --help\n", name, near);
	else
		fprintf(stderr, "cq: unknown command %s; see cq --help\n",
		    name);
	return CQ_EXIT_USAGE;
}

int
cq_unknown_sub(const char *cmd, const char *name, const char *subs)
{
	char		 buf[CQ_OPTS_MAX + 1];
	const char	*near;

	if (name[0] == '-')
		return cq_unknown_option(cmd, name);
	if ((near = cq_opts_nearest(name, subs, buf, sizeof buf)) != NULL)
		fprintf(stderr, "cq %s: unknown command %s (did you mean %s?); "
		    "see cq %s --help\n", cmd, name, near, cmd);
	else
		fprintf(stderr, "cq %s: unknown command %s; see cq %s --help\n",
		    cmd, name, cmd);
	return CQ_EXIT_USAGE;
}

int
cq_cmd_help(const char *cmd)
{
	const struct cq_cmd	*c = cq_cmd_find(cmd);

	if (c == NULL)
		return cq_unknown_command(cmd);
	printf("cq %s: %s\nusage: cq %s\n", c->name, c->summary, c->usage);
	printf("options: %s\n", c->opts[0] != '\0' ? c->opts : "(none)");
	printf("see man cq for each of them\n");
	return CQ_EXIT_OK;
}

int
cq_complete_words(int argc, char **argv)
{
	const struct cq_cmd	*c;

	if (argc == 2 && strcmp(argv[1], "commands") == 0) {
		for (c = cq_cmd_table(); c->name != NULL; c++)
			if (!cq_cmd_hidden(c->name))
				printf("%s\n", c->name);
		printf("help\n");
		return CQ_EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "options") == 0) {
		if ((c = cq_cmd_find(argv[2])) == NULL)
			return CQ_EXIT_USAGE;
		printf("%s%s--help\n", c->opts, c->opts[0] != '\0' ? " " : "");
		return CQ_EXIT_OK;
	}
	return -1;
}
