/*
 * cfg.c: configuration for the daemons.  A program passes its table of
 * keys; values start at the table's defaults and are replaced, in order,
 * by a file, by CQ_<KEY> environment variables and (for the agent) by
 * cq.<key>= words of the kernel command line.  Every value is checked
 * when it is set, so a bad one is reported where it was written and the
 * configuration keeps its previous value.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "xmalloc.h"

#define CFG_MAX_LINE	4096
#define CFG_MAX_FILE	(1024 * 1024)

struct cfg {
	const struct cfg_key	*keys;
	size_t			 nkeys;
	char			**values;	/* normalized text */
	int64_t			*nums;		/* parsed int/ms/bool */
	double			*reals;		/* parsed CFG_REAL */
	char			**origins;	/* where each value came from */
};

static const struct cfg_key *
cfg_find(const struct cfg *cfg, const char *name, size_t *idx)
{
	size_t	i;

	for (i = 0; i < cfg->nkeys; i++) {
		if (strcasecmp(cfg->keys[i].name, name) == 0) {
			*idx = i;
			return &cfg->keys[i];
		}
	}
	return NULL;
}

int
cfg_parse_duration(const char *s, int64_t *ms, const char **errstr)
{
	char		*end;
	double		 v, mult;

	if (*s == '\0') {
		*errstr = "empty duration";
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	/* Written so that NaN fails too: "nan" is a number to strtod. */
	if (errno != 0 || end == s || !(v >= 0 && v <= 1e9)) {
		*errstr = "not a duration (seconds, or with ms/s/m/h)";
		return -1;
	}
	while (*end == ' ')
		end++;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60000;
	else if (strcmp(end, "h") == 0)
		mult = 3600000;
	else {
		*errstr = "unknown duration unit (use ms, s, m or h)";
		return -1;
	}
	*ms = (int64_t)(v * mult + 0.5);
	return 0;
}

int
cfg_parse_hostport(const char *s, char *host, size_t hostlen, int *port,
    const char **errstr)
{
	const char	*colon, *h;
	size_t		 hl;
	long long	 p;

	if (*s == '[') {
		if ((colon = strstr(s, "]:")) == NULL) {
			*errstr = "expected [address]:port";
			return -1;
		}
		h = s + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL) {
			*errstr = "expected host:port";
			return -1;
		}
		h = s;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen) {
		*errstr = "bad host in host:port";
		return -1;
	}
	p = strtonum(colon + 1, 0, 65535, errstr);
	if (*errstr != NULL) {
		*errstr = "bad port in host:port";
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (int)p;
	return 0;
}

static int
cfg_parse_bool(const char *s, int64_t *v)
{
	static const char *yes[] = { "on", "yes", "true", "1", NULL };
	static const char *no[] = { "off", "no", "false", "0", NULL };
	size_t	i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	return -1;
}

/* Check VALUE for key K; on success *NUM holds its number (if any). */
static int
cfg_check(const struct cfg_key *k, const char *value, int64_t *num,
    double *real, const char **errstr)
{
	char	host[256], *end;
	int	port;

	*num = 0;
	*real = 0;
	switch (k->type) {
	case CFG_REAL:
		errno = 0;
		*real = strtod(value, &end);
		if (errno != 0 || end == value || *end != '\0' ||
		    !(*real >= (double)k->min && *real <= (double)k->max)) {
			*errstr = "not a number in range";
			return -1;
		}
		return 0;
	case CFG_STRING:
	case CFG_SECRET:
		return 0;
	case CFG_INT:
		*num = strtonum(value, k->min, k->max, errstr);
		if (*errstr != NULL)
			return -1;
		return 0;
	case CFG_DURATION:
		return cfg_parse_duration(value, num, errstr);
	case CFG_BOOL:
		if (cfg_parse_bool(value, num) == -1) {
			*errstr = "expected on or off";
			return -1;
		}
		return 0;
	case CFG_HOSTPORT:
		return cfg_parse_hostport(value, host, sizeof host, &port,
		    errstr);
	}
	*errstr = "bad key type";
	return -1;
}

struct cfg *
cfg_new(const struct cfg_key *keys)
{
	struct cfg	*cfg;
	const char	*errstr;
	size_t		 i;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->keys = keys;
	while (keys[cfg->nkeys].name != NULL)
		cfg->nkeys++;
	cfg->values = xcalloc(cfg->nkeys, sizeof *cfg->values);
	cfg->nums = xcalloc(cfg->nkeys, sizeof *cfg->nums);
	cfg->reals = xcalloc(cfg->nkeys, sizeof *cfg->reals);
	cfg->origins = xcalloc(cfg->nkeys, sizeof *cfg->origins);
	for (i = 0; i < cfg->nkeys; i++) {
		if (keys[i].def == NULL)
			continue;
		if (cfg_check(&keys[i], keys[i].def, &cfg->nums[i],
		    &cfg->reals[i], &errstr) == -1)
			fatalx("default of %s: %s", keys[i].name, errstr);
		cfg->values[i] = xstrdup(keys[i].def);
	}
	return cfg;
}

void
cfg_free(struct cfg *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nkeys; i++) {
		free(cfg->values[i]);
		free(cfg->origins[i]);
	}
	free(cfg->values);
	free(cfg->origins);
	free(cfg->nums);
	free(cfg->reals);
	free(cfg);
}

int
cfg_set(struct cfg *cfg, const char *key, const char *value,
    const char *origin, char *err, size_t errlen)
{
	const struct cfg_key	*k;
	const char		*errstr = NULL;
	int64_t			 num;
	double			 real;
	size_t			 idx;

	if ((k = cfg_find(cfg, key, &idx)) == NULL) {
		snprintf(err, errlen, "%s: unknown key '%s'", origin, key);
		return -1;
	}
	if (cfg_check(k, value, &num, &real, &errstr) == -1) {
		snprintf(err, errlen, "%s: %s: %s", origin, k->name, errstr);
		return -1;
	}
	free(cfg->values[idx]);
	cfg->values[idx] = xstrdup(value);
	cfg->nums[idx] = num;
	cfg->reals[idx] = real;
	free(cfg->origins[idx]);
	cfg->origins[idx] = xstrdup(origin);
	return 0;
}

static char *
cfg_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A copy of CFG, to apply a source to so that an error changes nothing. */
static struct cfg *
cfg_dup(const struct cfg *cfg)
{
	struct cfg	*tmp;
	size_t		 i;

	tmp = cfg_new(cfg->keys);
	for (i = 0; i < cfg->nkeys; i++) {
		free(tmp->values[i]);
		tmp->values[i] = cfg->values[i] ? xstrdup(cfg->values[i]) :
		    NULL;
		tmp->nums[i] = cfg->nums[i];
		tmp->reals[i] = cfg->reals[i];
		free(tmp->origins[i]);
		tmp->origins[i] = cfg->origins[i] ?
		    xstrdup(cfg->origins[i]) : NULL;
	}
	return tmp;
}

/* Move the values of TMP (a cfg_dup() of CFG) into CFG; frees TMP. */
static void
cfg_take(struct cfg *cfg, struct cfg *tmp)
{
	size_t	i;

	for (i = 0; i < cfg->nkeys; i++) {
		free(cfg->values[i]);
		cfg->values[i] = tmp->values[i];
		tmp->values[i] = NULL;
		cfg->nums[i] = tmp->nums[i];
		cfg->reals[i] = tmp->reals[i];
		free(cfg->origins[i]);
		cfg->origins[i] = tmp->origins[i];
		tmp->origins[i] = NULL;
	}
	cfg_free(tmp);
}

int
cfg_load_file(struct cfg *cfg, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = cfg_load_fp(cfg, f, path, err, errlen);
	fclose(f);
	return rc;
}

/*
 * Read one line of F into LINE (SIZE bytes with the NUL, no newline);
 * *N gets the bytes read.  1 for a line, 0 at the end, -1 with *WHY for
 * a line too long or with a NUL byte (fgets() would cut it silently).
 */
static int
cfg_getline(FILE *f, char *line, size_t size, size_t *n, const char **why)
{
	size_t	len = 0;
	int	c;

	*n = 0;
	while ((c = getc(f)) != EOF) {
		(*n)++;
		if (c == '\n')
			break;
		if (c == '\0') {
			*why = "NUL byte in line";
			return -1;
		}
		if (len + 1 >= size) {
			*why = "line too long";
			return -1;
		}
		line[len++] = (char)c;
	}
	line[len] = '\0';
	return *n > 0;
}

int
cfg_load_fp(struct cfg *cfg, FILE *f, const char *path, char *err,
    size_t errlen)
{
	struct cfg	*tmp;
	char		 line[CFG_MAX_LINE + 1], origin[1100], *p, *eq, *key;
	const char	*why;
	size_t		 lineno = 0, total = 0, n;
	int		 rc;

	tmp = cfg_dup(cfg);
	while ((rc = cfg_getline(f, line, sizeof line, &n, &why)) != 0) {
		lineno++;
		total += n;
		snprintf(origin, sizeof origin, "%s:%zu", path, lineno);
		if (rc == -1) {
			snprintf(err, errlen, "%s: %s", origin, why);
			goto fail;
		}
		if (total > CFG_MAX_FILE) {
			snprintf(err, errlen, "%s: file too large", origin);
			goto fail;
		}
		p = cfg_trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s: expected key = value",
			    origin);
			goto fail;
		}
		*eq = '\0';
		key = cfg_trim(p);
		if (*key == '\0') {
			snprintf(err, errlen, "%s: missing key", origin);
			goto fail;
		}
		if (cfg_set(tmp, key, cfg_trim(eq + 1), origin, err,
		    errlen) == -1)
			goto fail;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	cfg_take(cfg, tmp);
	return 0;
fail:
	cfg_free(tmp);
	return -1;
}

int
cfg_load_env(struct cfg *cfg, char **envp, char *err, size_t errlen)
{
	const struct cfg_key	*k;
	char			 name[128], origin[160];
	const char		*eq;
	size_t			 i, n, idx;

	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, "CQ_", 3) != 0 ||
		    (eq = strchr(*envp, '=')) == NULL)
			continue;
		n = (size_t)(eq - *envp) - 3;
		if (n == 0 || n >= sizeof name)
			continue;
		for (i = 0; i < n; i++)
			name[i] = (char)tolower((unsigned char)(*envp)[3 + i]);
		name[n] = '\0';
		/* Variables of the other programs are not ours to judge. */
		if ((k = cfg_find(cfg, name, &idx)) == NULL)
			continue;
		snprintf(origin, sizeof origin, "environment CQ_%.*s",
		    (int)n, *envp + 3);
		if (cfg_set(cfg, k->name, eq + 1, origin, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/* What a number key takes: "a whole number from 0 to 1024". */
static void
cfg_expects(const struct cfg_key *k, char *buf, size_t len)
{
	snprintf(buf, len, "%s from %lld to %lld", k->type == CFG_INT ?
	    "a whole number" : "a number", (long long)k->min,
	    (long long)k->max);
}

void
cfg_err_add(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	size_t	n = strnlen(err, errlen);

	if (errlen == 0 || n + 1 >= errlen)
		return;
	if (n > 0)
		err[n++] = '\n';
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

/* Edit distance of A and B, both shorter than 64 bytes; else 99. */
static int
cfg_distance(const char *a, const char *b)
{
	int	d[64][64];
	size_t	i, j, la = strlen(a), lb = strlen(b);
	int	c, v;

	if (la >= 64 || lb >= 64)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* The key nearest to the unknown NAME (at most 2 edits), or NULL. */
static const struct cfg_key *
cfg_near(const struct cfg *cfg, const char *name)
{
	const struct cfg_key	*best = NULL;
	size_t			 i;
	int			 d, bestd = 3;

	for (i = 0; i < cfg->nkeys; i++)
		if ((d = cfg_distance(name, cfg->keys[i].name)) < bestd) {
			bestd = d;
			best = &cfg->keys[i];
		}
	return best;
}

/*
 * How a word of the command line that is not a known key is named: its
 * key-like start (letters, digits, '_'; at most 64), "..." if more
 * follows.  The rest may be a token typed with the wrong separator
 * ("cq.token:cqt1..."): never on the console.
 */
static void
cfg_word_name(const char *word, char *buf, size_t len)
{
	size_t	n;

	for (n = 0; n < 64 && (isalnum((unsigned char)word[n]) ||
	    word[n] == '_'); n++)
		;
	snprintf(buf, len, "%.*s%s", (int)n, word, word[n] != '\0' ?
	    "..." : "");
}

/* Does the text hold a credential (cqt1., cqa1., cqr1.: cred.h)? */
static int
cfg_has_cred(const char *v)
{
	for (; (v = strstr(v, "cq")) != NULL; v++)
		if ((v[2] == 't' || v[2] == 'a' || v[2] == 'r') &&
		    v[3] == '1' && v[4] == '.')
			return 1;
	return 0;
}

/*
 * One cq.WORD of a kernel command line (WORD: "key=value", or "key"
 * with no value) set in CFG; the trouble, naming the word, added to ERR.
 * A secret's value is not repeated: the console is not the place.
 */
static int
cfg_cmdline_word(struct cfg *cfg, char *word, char *err, size_t errlen)
{
	const struct cfg_key	*k;
	const char		*errstr = NULL, *shown;
	char			*eq, what[96], name[72];
	int64_t			 num;
	double			 real;
	size_t			 idx;

	if ((eq = strchr(word, '=')) == NULL) {
		cfg_word_name(word, name, sizeof name);
		cfg_err_add(err, errlen, "kernel command line: cq.%s: no "
		    "value (write cq.%.*s=VALUE)", name, (int)strcspn(name,
		    "."), name);
		return -1;
	}
	*eq = '\0';
	if ((k = cfg_find(cfg, word, &idx)) == NULL) {
		cfg_word_name(word, name, sizeof name);
		if ((k = cfg_near(cfg, word)) != NULL)
			snprintf(what, sizeof what, "; did you mean cq.%s?",
			    k->name);
		else
			what[0] = '\0';
		cfg_err_add(err, errlen, "kernel command line: cq.%s: "
		    "unknown setting%s", name, what);
		return -1;
	}
	/* A secret, or a token pasted under the wrong key: not shown. */
	shown = k->type == CFG_SECRET || cfg_has_cred(eq + 1) ?
	    "(not shown)" : eq + 1;
	if (strcasecmp(k->name, CFG_CMDLINE_KEY) == 0) {
		cfg_err_add(err, errlen, "kernel command line: cq.%s=%.64s: "
		    "where to read the kernel command line is not set from "
		    "it (use the file or CQ_KERNEL_CMDLINE)", k->name, shown);
		return -1;
	}
	if (cfg_check(k, eq + 1, &num, &real, &errstr) == -1) {
		/* strtonum's words need the range beside them. */
		if (k->type == CFG_INT || k->type == CFG_REAL)
			cfg_expects(k, what, sizeof what);
		else
			what[0] = '\0';
		if (*shown == '\0')
			errstr = "empty";
		else if (what[0] != '\0' && (strcmp(errstr, "invalid") == 0 ||
		    k->type == CFG_REAL))
			errstr = "expected";
		cfg_err_add(err, errlen, "kernel command line: cq.%s=%.64s%s: "
		    "%s%s%s", k->name, shown, strlen(shown) > 64 ? "..." : "",
		    errstr, strcmp(errstr, "expected") == 0 ? " " :
		    what[0] != '\0' ? ": expected " : "", what);
		return -1;
	}
	free(cfg->values[idx]);
	cfg->values[idx] = xstrdup(eq + 1);
	cfg->nums[idx] = num;
	cfg->reals[idx] = real;
	free(cfg->origins[idx]);
	cfg->origins[idx] = xstrdup("kernel command line");
	return 0;
}

int
cfg_load_cmdline_each(struct cfg *cfg, const char *cmdline, char *err,
    size_t errlen)
{
	char		*copy, *word, *o;
	const char	*p;
	int		 nbad = 0, quoted;

	if (errlen > 0)
		err[0] = '\0';
	copy = xmalloc(strlen(cmdline) + 1);
	p = cmdline;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		/*
		 * One word, as the kernel splits them: blanks inside double
		 * quotes do not end it (cq.owner_hours="Mon-Fri 08:00-18:00"),
		 * and the quotes themselves are dropped.
		 */
		word = o = copy;
		quoted = 0;
		for (; *p != '\0'; p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
				break;
			*o++ = *p;
		}
		*o = '\0';
		if (strncmp(word, "cq.", 3) != 0)
			continue;
		if (cfg_cmdline_word(cfg, word + 3, err, errlen) == -1)
			nbad++;
	}
	free(copy);
	return nbad;
}

int
cfg_load_cmdline(struct cfg *cfg, const char *cmdline, char *err,
    size_t errlen)
{
	struct cfg	*tmp;

	/* Apply to a copy so that an error changes nothing. */
	tmp = cfg_dup(cfg);
	if (cfg_load_cmdline_each(tmp, cmdline, err, errlen) > 0) {
		cfg_free(tmp);
		return -1;
	}
	cfg_take(cfg, tmp);
	return 0;
}

static size_t
cfg_index(const struct cfg *cfg, const char *key)
{
	size_t	idx;

	if (cfg_find(cfg, key, &idx) == NULL)
		fatalx("cfg: undeclared key %s", key);
	return idx;
}

const char *
cfg_str(const struct cfg *cfg, const char *key)
{
	return cfg->values[cfg_index(cfg, key)];
}

int64_t
cfg_int(const struct cfg *cfg, const char *key)
{
	return cfg->nums[cfg_index(cfg, key)];
}

int64_t
cfg_ms(const struct cfg *cfg, const char *key)
{
	return cfg->nums[cfg_index(cfg, key)];
}

int
cfg_bool(const struct cfg *cfg, const char *key)
{
	return cfg->nums[cfg_index(cfg, key)] != 0;
}

const char *
cfg_origin(const struct cfg *cfg, const char *key)
{
	const char	*o = cfg->origins[cfg_index(cfg, key)];

	return o != NULL ? o : "default";
}

double
cfg_real(const struct cfg *cfg, const char *key)
{
	return cfg->reals[cfg_index(cfg, key)];
}

void
cfg_print(const struct cfg *cfg, FILE *f)
{
	size_t	i;

	for (i = 0; i < cfg->nkeys; i++) {
		/* A secret's value is its holder's alone: not on a screen. */
		if (cfg->keys[i].type == CFG_SECRET && cfg->values[i] != NULL &&
		    *cfg->values[i] != '\0')
			fprintf(f, "%s = (secret, not shown)\n",
			    cfg->keys[i].name);
		else
			fprintf(f, "%s = %s\n", cfg->keys[i].name,
			    cfg->values[i] ? cfg->values[i] : "");
	}
}

/*
 * Apply the kernel command line in PATH, every good word of it; the
 * number of bad ones, each a line added to ERR.  A missing file is none
 * where PATH is the program's default (ORIGIN NULL: no /proc here); one
 * named by a setting (ORIGIN says where) must exist, or its cq. words,
 * cq.agent=off among them, would be dropped unseen.
 */
static int
cfg_load_cmdline_file(struct cfg *cfg, const char *path, const char *origin,
    char *err, size_t errlen)
{
	char	buf[8192];	/* the longest kernel command line is 4096 */
	size_t	n;
	FILE	*f;

	if (errlen > 0)
		err[0] = '\0';
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && origin == NULL)
			return 0;
		if (origin != NULL)
			snprintf(err, errlen, "%s: %s: %s", origin, path,
			    strerror(errno));
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return 1;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	/* More than a kernel takes: cut, a word could still parse. */
	if (n == sizeof buf - 1 && fgetc(f) != EOF) {
		fclose(f);
		snprintf(err, errlen, "%s: longer than %zu bytes: not a "
		    "kernel command line", path, sizeof buf - 1);
		return 1;
	}
	fclose(f);
	buf[n] = '\0';
	return cfg_load_cmdline_each(cfg, buf, err, errlen);
}

/* Print each line of ERR as PROG: LINE. */
static void
cfg_print_errors(const char *prog, const char *err)
{
	const char	*nl;

	while (*err != '\0') {
		nl = strchr(err, '\n');
		fprintf(stderr, "%s: %.*s\n", prog, nl != NULL ?
		    (int)(nl - err) : (int)strlen(err), err);
		if (nl == NULL)
			break;
		err = nl + 1;
	}
}

struct cfg *
cfg_daemon(const char *prog, const struct cfg_key *keys, int argc,
    char **argv, const char *cmdline,
    int (*check_fn)(const struct cfg *, char *, size_t),
    int *foreground, int *verbose)
{
	extern char	**environ;
	struct cfg	*cfg;
	const char	*conf = NULL, *cmdwhere = NULL;
	char		 err[4096], where[1100], **envp;
	size_t		 idx;
	int		 ch, check = 0, bad = 0;

	*foreground = *verbose = 0;
	while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'f':
			*foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			(*verbose)++;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	cfg = cfg_new(keys);
	if (conf != NULL && cfg_load_file(cfg, conf, err, sizeof err) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err);
		exit(2);
	}
	/*
	 * The kernel command line: every bad word is reported, and what
	 * the rest, the environment and CHECK find too, before the exit.
	 */
	if (cmdline != NULL && cfg_find(cfg, CFG_CMDLINE_KEY, &idx) != NULL) {
		cmdline = cfg->values[idx];
		if (cfg->origins[idx] != NULL) {
			snprintf(where, sizeof where, "%s: %s",
			    cfg->origins[idx], CFG_CMDLINE_KEY);
			cmdwhere = where;
		}
		for (envp = environ; envp != NULL && *envp != NULL; envp++)
			if (strncmp(*envp, "CQ_KERNEL_CMDLINE=", 18) == 0) {
				cmdline = *envp + 18;
				cmdwhere = "CQ_KERNEL_CMDLINE";
			}
	}
	if (cmdline != NULL && *cmdline != '\0' &&
	    cfg_load_cmdline_file(cfg, cmdline, cmdwhere, err,
	    sizeof err) > 0) {
		cfg_print_errors(prog, err);
		bad = 1;
	}
	if (cfg_load_env(cfg, environ, err, sizeof err) == -1) {
		cfg_print_errors(prog, err);
		bad = 1;
	}
	err[0] = '\0';
	if (check_fn != NULL && check_fn(cfg, err, sizeof err) == -1) {
		cfg_print_errors(prog, err);
		bad = 1;
	}
	if (bad)
		exit(2);
	if (check) {
		cfg_print(cfg, stdout);
		exit(0);
	}
	return cfg;
usage:
	fprintf(stderr, "usage: %s [-fnv] [-c file]\n", prog);
	exit(2);
}
