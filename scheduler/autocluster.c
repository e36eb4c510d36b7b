/*
 * autocluster.c: jobs grouped by what matching sees of them
 * (autocluster.h).  Two tables: the sources (a requirements and rank
 * text, parsed once, with the attributes they name) and the autoclusters
 * (a source, the requests, the CRIU flag and the values of the
 * significant attributes, as one key string).  A job holds a reference
 * to its autocluster and keeps it while the generation stands; a stale
 * autocluster leaves the table at once and is freed with its last job.
 * The added clauses are HTCondor's: Arch and OpSys of the submit host
 * unless the user's requirements name them, then Disk, Memory and Cpus
 * against the requests.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "autocluster.h"
#include "job.h"
#include "log.h"
#include "xmalloc.h"

#define AC_TABLE_MIN	256
#define AC_MAX_NAMES	256	/* significant names from machines */

/* A requirements and rank text, parsed once. */
struct autocluster_src {
	char			*key;		/* req \x1f rank */
	uint32_t		 hash;
	struct autocluster_src	*next;
	int			 refs;		/* autoclusters */
	struct expr		*req, *rank;
	int			 nuser;
	int			 arch, opsys;	/* req names Arch, OpSys */
	char		       **names;		/* attributes named */
	size_t			 nnames;
};

struct ac_table {
	void		**v;	/* chains */
	size_t		  size, n;
};

static struct ac_table	 ac_srcs, ac_clusters;
static uint64_t		 ac_gen = 1, ac_next_id = 1;
static char		*ac_sig[AC_MAX_NAMES];	/* from machines */
static size_t		 ac_nsig;
static struct expr	*ac_added[AUTOCLUSTER_MAX_ADDED]; /* arch, opsys,
							   disk, mem, cpus */
static autocluster_runtime_fn	 ac_runtime;

static uint32_t
ac_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* Both entries start with key, hash, next: chains are walked as that. */
struct ac_entry {
	char		*key;
	uint32_t	 hash;
	struct ac_entry	*next;
};

static struct ac_entry *
ac_find(struct ac_table *t, const char *key, uint32_t h)
{
	struct ac_entry	*e;

	if (t->size == 0)
		return NULL;
	for (e = t->v[h & (t->size - 1)]; e != NULL; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void
ac_insert(struct ac_table *t, struct ac_entry *e)
{
	struct ac_entry	**nv, *x, *next;
	size_t		  i, nsize;

	if (t->n + 1 > t->size) {
		nsize = t->size == 0 ? AC_TABLE_MIN : t->size * 2;
		nv = xcalloc(nsize, sizeof *nv);
		for (i = 0; i < t->size; i++) {
			for (x = t->v[i]; x != NULL; x = next) {
				next = x->next;
				x->next = nv[x->hash & (nsize - 1)];
				nv[x->hash & (nsize - 1)] = x;
			}
		}
		free(t->v);
		t->v = (void **)nv;
		t->size = nsize;
	}
	e->next = t->v[e->hash & (t->size - 1)];
	t->v[e->hash & (t->size - 1)] = e;
	t->n++;
}

static void
ac_remove(struct ac_table *t, struct ac_entry *e)
{
	struct ac_entry	**pp;

	for (pp = (struct ac_entry **)&t->v[e->hash & (t->size - 1)];
	    *pp != NULL; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			t->n--;
			return;
		}
	}
}

void
autocluster_init(const char *arch, const char *opsys)
{
	char	 src[160], err[128];
	int	 i;

	snprintf(src, sizeof src, "TARGET.Arch == \"%s\"", arch);
	ac_added[0] = expr_parse(src, err, sizeof err);
	snprintf(src, sizeof src, "TARGET.OpSys == \"%s\"", opsys);
	ac_added[1] = expr_parse(src, err, sizeof err);
	ac_added[2] = expr_parse("TARGET.Disk >= RequestDisk", err,
	    sizeof err);
	ac_added[3] = expr_parse("TARGET.Memory >= RequestMemory", err,
	    sizeof err);
	ac_added[4] = expr_parse("TARGET.Cpus >= RequestCpus", err,
	    sizeof err);
	for (i = 0; i < AUTOCLUSTER_MAX_ADDED; i++)
		if (ac_added[i] == NULL)
			fatalx("autocluster: added clause %d: %s", i, err);
}

void
autocluster_set_runtime(autocluster_runtime_fn fn)
{
	ac_runtime = fn;
	ac_gen++;		/* every job is grouped again */
}

static void
ac_src_free(struct autocluster_src *src)
{
	size_t	i;

	expr_free(src->req);
	expr_free(src->rank);
	for (i = 0; i < src->nnames; i++)
		free(src->names[i]);
	free(src->names);
	free(src->key);
	free(src);
}

static void
ac_free(struct autocluster *ac)
{
	size_t	i;

	if (ac->listed)
		ac_remove(&ac_clusters, (struct ac_entry *)ac);
	if (--ac->src->refs == 0) {
		ac_remove(&ac_srcs, (struct ac_entry *)ac->src);
		ac_src_free(ac->src);
	}
	for (i = 0; i < ac->nvals; i++) {
		free(ac->vals[i].name);
		expr_value_clear(&ac->vals[i].v);
	}
	free(ac->vals);
	free(ac->cands);
	free(ac->key);
	free(ac);
}

static void
ac_put(struct autocluster *ac)
{
	if (ac != NULL && --ac->refs == 0)
		ac_free(ac);
}

void
autocluster_shutdown(void)
{
	size_t	i;
	int	k;

	/* Jobs are freed first; what is left here is nobody's. */
	for (i = 0; i < ac_nsig; i++)
		free(ac_sig[i]);
	ac_nsig = 0;
	for (k = 0; k < AUTOCLUSTER_MAX_ADDED; k++) {
		expr_free(ac_added[k]);
		ac_added[k] = NULL;
	}
	free(ac_clusters.v);
	free(ac_srcs.v);
	memset(&ac_clusters, 0, sizeof ac_clusters);
	memset(&ac_srcs, 0, sizeof ac_srcs);
}

/* Add NAME to a list once (any case). */
static void
ac_name_add(char ***names, size_t *n, const char *name)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*names)[i], name) == 0)
			return;
	*names = xreallocarray(*names, *n + 1, sizeof **names);
	(*names)[(*n)++] = xstrdup(name);
}

static void
ac_src_name(void *arg, int scope, const char *name)
{
	struct autocluster_src	*src = arg;

	if (strcasecmp(name, "Arch") == 0)
		src->arch = 1;
	if (strcasecmp(name, "OpSys") == 0)
		src->opsys = 1;
	ac_name_add(&src->names, &src->nnames, name);
}

static struct expr *
ac_parse(const char *what, const char *text)
{
	struct expr	*e;
	char		 err[128];

	if (text == NULL || text[strspn(text, " \t")] == '\0')
		return NULL;
	if ((e = expr_parse(text, err, sizeof err)) != NULL)
		return e;
	/* Checked at submit: an old or foreign record.  It matches nothing. */
	log_warnx("autocluster: %s does not parse (%s): taken as false",
	    what, err);
	return expr_parse("false", err, sizeof err);
}

static struct autocluster_src *
ac_src_get(const struct job *j)
{
	struct autocluster_src	*src;
	char			*key;
	uint32_t		 h;

	xasprintf(&key, "%s\x1f%s", j->requirements != NULL ?
	    j->requirements : "", j->rank != NULL ? j->rank : "");
	h = ac_hash(key);
	if ((src = (struct autocluster_src *)ac_find(&ac_srcs, key,
	    h)) != NULL) {
		free(key);
		return src;
	}
	src = xcalloc(1, sizeof *src);
	src->key = key;
	src->hash = h;
	src->req = ac_parse("requirements", j->requirements);
	src->rank = ac_parse("rank", j->rank);
	if (src->req != NULL) {
		src->nuser = expr_clause_count(src->req);
		expr_attrs(src->req, ac_src_name, src);
	}
	if (src->rank != NULL)
		expr_attrs(src->rank, ac_src_name, src);
	ac_insert(&ac_srcs, (struct ac_entry *)src);
	return src;
}

/* The key's part for one attribute: its value, or \x1e if none. */
static void
ac_key_val(char **key, size_t *len, size_t *cap, const char *name,
    const struct expr_value *v, int present)
{
	char	buf[256];
	size_t	n;

	if (present)
		expr_value_str(v, buf, sizeof buf);
	else
		strlcpy(buf, "\x1e", sizeof buf);
	n = strlen(name) + strlen(buf) + 3;
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*key = xreallocarray(*key, *cap, 1);
	}
	*len += (size_t)snprintf(*key + *len, *cap - *len, "\x1f%s=%s", name,
	    buf);
}

/* Names whose values come from the job's own fields. */
static int
ac_fixed(const char *name)
{
	return strcasecmp(name, "RequestCpus") == 0 ||
	    strcasecmp(name, "RequestMemory") == 0 ||
	    strcasecmp(name, "RequestDisk") == 0;
}

struct autocluster *
autocluster_of(struct job *j, autocluster_attr_fn attr)
{
	struct autocluster_src	*src;
	struct autocluster	*ac;
	struct autocluster_val	*vals = NULL;
	struct expr_value	 v;
	char			*key, **names = NULL;
	size_t			 len, cap, i, nnames = 0, nvals = 0;
	uint32_t		 h;
	int64_t			 runtime = -1;
	int			 present;

	if (ac_runtime != NULL)
		runtime = ac_runtime(j);
	if (j->ac != NULL && j->ac->gen == ac_gen &&
	    j->ac->runtime_s == runtime)
		return j->ac;
	autocluster_forget(j);
	src = ac_src_get(j);
	for (i = 0; i < src->nnames; i++)
		ac_name_add(&names, &nnames, src->names[i]);
	for (i = 0; i < ac_nsig; i++)
		ac_name_add(&names, &nnames, ac_sig[i]);
	cap = strlen(src->key) + 128;
	key = xmalloc(cap);
	len = (size_t)snprintf(key, cap,
	    "%s\x1f%d\x1f%d\x1f%lld\x1f%lld\x1f%lld\x1f%lld",
	    src->key, j->ckpt_criu != 0, j->keeps, (long long)j->request_cpus,
	    (long long)j->request_memory_mb, (long long)j->request_disk_kb,
	    (long long)runtime);
	vals = xcalloc(nnames + 1, sizeof *vals);
	for (i = 0; i < nnames; i++) {
		if (ac_fixed(names[i])) {
			free(names[i]);
			continue;
		}
		memset(&v, 0, sizeof v);
		present = attr(j, names[i], &v) == 0;
		ac_key_val(&key, &len, &cap, names[i], &v, present);
		vals[nvals].name = names[i];
		vals[nvals].present = present;
		vals[nvals].v = v;
		nvals++;
	}
	free(names);
	h = ac_hash(key);
	if ((ac = (struct autocluster *)ac_find(&ac_clusters, key,
	    h)) != NULL) {
		free(key);
		for (i = 0; i < nvals; i++) {
			free(vals[i].name);
			expr_value_clear(&vals[i].v);
		}
		free(vals);
	} else {
		ac = xcalloc(1, sizeof *ac);
		ac->key = key;
		ac->hash = h;
		ac->id = ac_next_id++;
		ac->gen = ac_gen;
		ac->src = src;
		src->refs++;
		ac->criu = j->ckpt_criu != 0;
		ac->keeps = j->keeps;
		for (i = 0; i < src->nnames; i++)
			if (strcasecmp(src->names[i], "Name") == 0 ||
			    strcasecmp(src->names[i], "SlotID") == 0)
				ac->per_slot = 1;
		ac->request_cpus = j->request_cpus;
		ac->request_memory_mb = j->request_memory_mb;
		ac->request_disk_kb = j->request_disk_kb;
		ac->runtime_s = runtime;
		ac->vals = vals;
		ac->nvals = nvals;
		if (!src->arch)
			ac->added[ac->nadded++] = ac_added[0];
		if (!src->opsys)
			ac->added[ac->nadded++] = ac_added[1];
		for (i = 2; i < AUTOCLUSTER_MAX_ADDED; i++)
			ac->added[ac->nadded++] = ac_added[i];
		ac_insert(&ac_clusters, (struct ac_entry *)ac);
		ac->listed = 1;
	}
	/* A source nobody took (a known autocluster had its own). */
	if (src->refs == 0) {
		ac_remove(&ac_srcs, (struct ac_entry *)src);
		ac_src_free(src);
	}
	ac->refs++;
	j->ac = ac;
	return ac;
}

void
autocluster_forget(struct job *j)
{
	ac_put(j->ac);
	j->ac = NULL;
}

static void
ac_sig_name(void *arg, int scope, const char *name)
{
	size_t	i;

	if (ac_fixed(name))
		return;
	for (i = 0; i < ac_nsig; i++)
		if (strcasecmp(ac_sig[i], name) == 0)
			return;
	if (ac_nsig == AC_MAX_NAMES) {
		log_warnx("autocluster: more than %d attributes named by "
		    "machines; %s is not significant", AC_MAX_NAMES, name);
		return;
	}
	ac_sig[ac_nsig++] = xstrdup(name);
	*(int *)arg = 1;
}

void
autocluster_significant(const struct expr *e)
{
	struct autocluster	*ac, *next;
	size_t			 i;
	int			 added = 0;

	if (e == NULL)
		return;
	expr_attrs(e, ac_sig_name, &added);
	if (!added)
		return;
	/* Every group is stale: unlist them; jobs regroup when asked. */
	ac_gen++;
	for (i = 0; i < ac_clusters.size; i++) {
		for (ac = ac_clusters.v[i]; ac != NULL; ac = next) {
			next = ac->next;
			ac->listed = 0;
			ac->next = NULL;
		}
		ac_clusters.v[i] = NULL;
	}
	ac_clusters.n = 0;
}

size_t
autocluster_count(void)
{
	return ac_clusters.n;
}

const struct expr *
autocluster_requirements(const struct autocluster *ac)
{
	return ac->src->req;
}

const struct expr *
autocluster_rank(const struct autocluster *ac)
{
	return ac->src->rank;
}

int
autocluster_nuser(const struct autocluster *ac)
{
	return ac->src->nuser;
}

int
autocluster_nclauses(const struct autocluster *ac)
{
	return ac->src->nuser + ac->nadded;
}

void
autocluster_clause_eval(const struct autocluster *ac, int k,
    const struct expr_env *env, struct expr_value *out)
{
	if (k < ac->src->nuser)
		expr_clause_eval(ac->src->req, k, env, out);
	else if (k - ac->src->nuser < ac->nadded)
		expr_eval_env(ac->added[k - ac->src->nuser], env, out);
	else {
		memset(out, 0, sizeof *out);
		out->type = EXPR_ERROR;
	}
}

const char *
autocluster_clause_str(const struct autocluster *ac, int k, char *buf,
    size_t len)
{
	if (k < ac->src->nuser)
		return expr_clause_str(ac->src->req, k, buf, len);
	if (k - ac->src->nuser < ac->nadded)
		strlcpy(buf, expr_source(ac->added[k - ac->src->nuser]), len);
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}

int
autocluster_lookup(const struct autocluster *ac, const char *name,
    struct expr_value *out)
{
	size_t	i;

	memset(out, 0, sizeof *out);
	if (strcasecmp(name, "RequestCpus") == 0) {
		out->type = EXPR_INT;
		out->i = ac->request_cpus;
		return 0;
	}
	if (strcasecmp(name, "RequestMemory") == 0) {
		out->type = EXPR_INT;
		out->i = ac->request_memory_mb;
		return 0;
	}
	if (strcasecmp(name, "RequestDisk") == 0) {
		out->type = EXPR_INT;
		out->i = ac->request_disk_kb;
		return 0;
	}
	for (i = 0; i < ac->nvals; i++) {
		if (strcasecmp(ac->vals[i].name, name) != 0)
			continue;
		if (!ac->vals[i].present)
			return -1;
		*out = ac->vals[i].v;
		if (out->type == EXPR_STRING)
			out->s = xstrdup(out->s);
		return 0;
	}
	return -1;
}
