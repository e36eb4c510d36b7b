/*
 * submit-args.c: HTCondor's two syntaxes of `arguments` and
 * `environment`, and `getenv`, the keywords that build argv and env.
 *
 * Old syntax (a value not starting with a double quote): arguments split
 * on white space with \" a literal quote and a bare " an error;
 * environment is NAME=value pairs split on ';' with no quoting at all.
 * New syntax (the whole value in double quotes, "" a literal one): white
 * space separates, single quotes group, '' inside them is a literal
 * single quote.  getenv is true/false or, as in HTCondor 10, a list of
 * names and globs, `!` excluding.  Invariants: argv and env stay
 * NULL-terminated, env holds unique "NAME=value" strings within
 * JOBDESC_MAX_ENV, a later setting of a name replaces the earlier one.
 * Called through submit-kw.c's keyword table.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jobdesc.h"
#include "submit-int.h"
#include "text.h"
#include "xmalloc.h"

/* HTCondor's new syntax: strip the double quotes around VAL, "" is ". */
static int
submit_args_unquote(struct submit_parse *p, int line, const char *what,
    const char *val, struct submit_buf *raw)
{
	const char	*s;

	submit_buf_reset(raw);
	for (s = val + 1; *s != '\0'; s++) {
		if (*s == '"' && s[1] == '"')
			s++;
		else if (*s == '"') {
			for (s++; text_isspace(*s); s++)
				;
			if (*s != '\0')
				return submit_error(p, line, "%s: text after "
				    "the closing double quote (write \"\" for "
				    "a literal one)", what);
			if (raw->s == NULL)
				submit_buf_add(raw, "", 0, JOBDESC_MAX_STR);
			return 0;
		}
		if (submit_buf_add(raw, s, 1, JOBDESC_MAX_STR) == -1)
			return submit_error(p, line, "%s: value too long",
			    what);
	}
	return submit_error(p, line, "%s: unterminated double quote", what);
}

/*
 * Split new-syntax RAW into words: white space separates, single quotes
 * group, and '' inside single quotes is a literal quote.
 */
static int
submit_args_split(struct submit_parse *p, int line, const char *what,
    const char *raw, struct submit_list *out, size_t max)
{
	struct submit_buf	 tok = { NULL, 0, 0 };
	const char	*s;
	int		 intok = 0;

	for (s = raw; *s != '\0'; s++) {
		if (*s == '\'') {
			intok = 1;
			for (s++;; s++) {
				if (*s == '\0') {
					submit_error(p, line, "%s: unbalanced "
					    "single quote", what);
					goto fail;
				}
				if (*s == '\'' && s[1] == '\'')
					s++;
				else if (*s == '\'')
					break;
				submit_buf_add(&tok, s, 1, JOBDESC_MAX_STR);
			}
		} else if (text_isspace(*s)) {
			if (!intok)
				continue;
			if (submit_list_add(out, tok.len ? tok.s : "", tok.len,
			    max) == -1)
				goto toomany;
			submit_buf_reset(&tok);
			intok = 0;
		} else {
			intok = 1;
			submit_buf_add(&tok, s, 1, JOBDESC_MAX_STR);
		}
	}
	if (intok && submit_list_add(out, tok.len ? tok.s : "", tok.len,
	    max) == -1)
		goto toomany;
	free(tok.s);
	return 0;

toomany:
	submit_error(p, line, "%s: too many entries (limit %zu)", what, max);
fail:
	free(tok.s);
	return -1;
}

int
submit_args_arguments(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct submit_list	 args = { NULL, 0 };
	struct submit_buf	 raw = { NULL, 0, 0 };
	const char	*s;

	if (val[0] == '"') {
		if (submit_args_unquote(p, line, kw->name, val, &raw) == -1 ||
		    submit_args_split(p, line, kw->name, raw.s, &args,
		    JOBDESC_MAX_ARGS) == -1)
			goto fail;
	} else {
		/* Old syntax: \" is a quote, a bare " an error. */
		for (s = val;; s++) {
			if (*s == '\0' || text_isspace(*s)) {
				if (raw.len > 0 && submit_list_add(&args, raw.s,
				    raw.len, JOBDESC_MAX_ARGS) == -1) {
					submit_error(p, line, "%s: too many "
					    "entries (limit %d)", kw->name,
					    JOBDESC_MAX_ARGS);
					goto fail;
				}
				submit_buf_reset(&raw);
				if (*s == '\0')
					break;
				continue;
			}
			if (*s == '"') {
				submit_error(p, line, "%s: unescaped double "
				    "quote (the old syntax wants \\\", the new "
				    "one quotes the whole value)", kw->name);
				goto fail;
			}
			if (*s == '\\' && s[1] == '"')
				s++;
			submit_buf_add(&raw, s, 1, JOBDESC_MAX_STR);
		}
	}
	free(raw.s);
	if (args.v == NULL)
		args.v = xcalloc(1, sizeof(*args.v));
	submit_list_free(&(struct submit_list){ jd->argv, jd->argc });
	jd->argv = args.v;
	jd->argc = args.n;
	return 0;

fail:
	free(raw.s);
	submit_list_free(&args);
	return -1;
}

/* Set ENTRY ("NAME=value", LEN bytes) in JD's environment, replacing. */
static int
submit_args_env_set(struct submit_parse *p, int line, const char *what,
    struct jobdesc *jd, const char *entry, size_t len)
{
	const char	*eq;
	size_t		 i, namelen;
	char		 q[80];

	if ((eq = memchr(entry, '=', len)) == NULL) {
		char	*tmp = xstrndup(entry, len);

		submit_error(p, line, "%s: '%s' has no '='", what,
		    submit_q(q, sizeof(q), tmp));
		free(tmp);
		return -1;
	}
	if (eq == entry)
		return submit_error(p, line, "%s: empty variable name", what);
	if (len > JOBDESC_MAX_STR)
		return submit_error(p, line, "%s: variable too long (limit %d "
		    "bytes)", what, JOBDESC_MAX_STR);
	namelen = eq - entry;
	for (i = 0; i < jd->nenv; i++) {
		if (strncmp(jd->env[i], entry, namelen + 1) == 0) {
			free(jd->env[i]);
			jd->env[i] = xstrndup(entry, len);
			return 0;
		}
	}
	if (jd->nenv >= JOBDESC_MAX_ENV)
		return submit_error(p, line, "%s: too many variables (limit "
		    "%d)", what, JOBDESC_MAX_ENV);
	jd->env = xreallocarray(jd->env, jd->nenv + 2, sizeof(*jd->env));
	jd->env[jd->nenv++] = xstrndup(entry, len);
	jd->env[jd->nenv] = NULL;
	return 0;
}

/* Does NAME (LEN bytes) match one of PATS and none of its !patterns? */
static int
submit_args_getenv_match(const struct submit_list *pats, const char *name)
{
	size_t	 i;
	int	 in = 0;

	for (i = 0; i < pats->n; i++) {
		if (pats->v[i][0] == '!') {
			if (fnmatch(pats->v[i] + 1, name, 0) == 0)
				return 0;
		} else if (fnmatch(pats->v[i], name, 0) == 0)
			in = 1;
	}
	return in;
}

/* getenv = true|false, or (HTCondor 10) a list of names and globs. */
int
submit_args_getenv(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct submit_list	 pats = { NULL, 0 };
	char	**e, *name, q[80];
	const char *eq;
	int	 all = 0, rc = -1;

	if ((all = submit_bool(val)) == 0)
		return 0;
	if (all == -1) {
		all = 0;
		if (submit_words(p, line, kw->name, val, &pats) == -1)
			return -1;
	}
	for (e = p->envp; e != NULL && *e != NULL; e++) {
		if (**e == '=' || (eq = strchr(*e, '=')) == NULL)
			continue;	/* not a variable, nothing to copy */
		if (!all) {
			name = xstrndup(*e, eq - *e);
			if (!submit_args_getenv_match(&pats, name)) {
				free(name);
				continue;
			}
			free(name);
		}
		if (!text_utf8(*e, strlen(*e))) {
			submit_error(p, line, "%s: '%s' is not valid UTF-8",
			    kw->name, submit_q(q, sizeof(q), *e));
			goto out;
		}
		if (submit_args_env_set(p, line, kw->name, jd, *e,
		    strlen(*e)) == -1)
			goto out;
	}
	rc = 0;
out:
	submit_list_free(&pats);
	return rc;
}

int
submit_args_environment(struct submit_parse *p, struct jobdesc *jd,
    const struct submit_keyword *kw, const char *val, int line)
{
	struct submit_list	 ents = { NULL, 0 };
	struct submit_buf	 raw = { NULL, 0, 0 };
	const char	*s, *e = val;
	size_t		 i;

	if (val[0] == '"') {
		if (submit_args_unquote(p, line, kw->name, val, &raw) == -1 ||
		    submit_args_split(p, line, kw->name, raw.s, &ents,
		    JOBDESC_MAX_ENV) == -1)
			goto fail;
		for (i = 0; i < ents.n; i++) {
			if (submit_args_env_set(p, line, kw->name, jd, ents.v[i],
			    strlen(ents.v[i])) == -1)
				goto fail;
		}
	} else {
		/* Old syntax: NAME=value;NAME=value, no quoting at all. */
		for (s = val; *s != '\0'; s = *e == ';' ? e + 1 : e) {
			while (*s == ' ' || *s == '\t')
				s++;
			if ((e = strchr(s, ';')) == NULL)
				e = s + strlen(s);
			if (e == s)
				continue;
			if (submit_args_env_set(p, line, kw->name, jd, s,
			    e - s) == -1)
				goto fail;
		}
	}
	free(raw.s);
	submit_list_free(&ents);
	return 0;

fail:
	free(raw.s);
	submit_list_free(&ents);
	return -1;
}
