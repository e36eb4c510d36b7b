/*
 * store-redo.c: the writes store.c keeps to replay (the top of store.c
 * says when).  A kept write is its statement, a slot of store.c's
 * prepared ones or the SQL of one prepared for a single call
 * (store-factory.c), and a copy of the values bound to the parameters
 * its SQL uses, taken as they are bound: integers and reals as they are,
 * text and blobs into one buffer (they are bound SQLITE_STATIC from the
 * caller's memory).  A replay binds the same values to the same
 * statement.  The values of a write being bound wait after those of the
 * kept ones until it is kept or dropped.  A kept write costs 32 bytes,
 * 16 per value and its text (a job's update: 25 values, its machine and
 * hold reason, not its description); the buffers are reused from turn
 * to turn, and freed when the writes are cleared if a long hold grew
 * them past REDO_KEEP_BYTES.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "xmalloc.h"
#include "store-int.h"

/*
 * Buffers larger than this are freed when the writes are cleared (a
 * long hold), smaller ones kept for the next turn.
 */
#define REDO_KEEP_BYTES	(256 * 1024)

struct redo_val {
	union {
		int64_t	 i;
		double	 d;
		size_t	 off;		/* text, blob: in text */
	} u;
	int		 len;		/* text, blob: bytes */
	unsigned short	 idx;		/* the parameter */
	unsigned char	 type;		/* SQLITE_INTEGER ... SQLITE_NULL */
};

struct redo_write {
	int		 which;		/* store.c's slot; -1: sql */
	char		*sql;		/* a statement of its own */
	size_t		 first, n;	/* in val */
};

struct redo {
	struct redo_write	*w;
	size_t			 nw, wcap;
	struct redo_val		*val;
	size_t			 nval, val_kept, valcap;
	char			*text;
	size_t			 ntext, text_kept, textcap;
	uint64_t		 seen;	/* parameters of the write bound */
};

struct redo *
redo_new(void)
{
	return xcalloc(1, sizeof(struct redo));
}

void
redo_free(struct redo *r)
{
	if (r == NULL)
		return;
	redo_clear(r);
	free(r->w);
	free(r->val);
	free(r->text);
	free(r);
}

/*
 * The parameters ST's SQL uses, as a mask (parameter N: bit N - 1): a
 * ?NNN or named parameter has a name, a number ?NNN skips has none.  A
 * bare ? has none either, so a statement with one copies them all.
 * None for a statement that writes nothing.
 */
uint64_t
redo_params(sqlite3_stmt *st)
{
	const char	*p;
	uint64_t	 mask = 0;
	int		 i, n, bare = 0;

	if (sqlite3_stmt_readonly(st))
		return 0;
	for (p = sqlite3_sql(st); (p = strchr(p, '?')) != NULL; p++)
		if (p[1] < '0' || p[1] > '9')
			bare = 1;
	n = sqlite3_bind_parameter_count(st);
	for (i = 1; i <= n && i <= 64; i++)
		if (bare || sqlite3_bind_parameter_name(st, i) != NULL)
			mask |= (uint64_t)1 << (i - 1);
	return mask;
}

static struct redo_val *
redo_val_new(struct redo *r, int idx, int type)
{
	struct redo_val	*v;

	if (r->nval == r->valcap) {
		r->valcap = r->valcap ? r->valcap * 2 : 256;
		r->val = xreallocarray(r->val, r->valcap, sizeof *r->val);
	}
	v = &r->val[r->nval++];
	v->idx = (unsigned short)idx;
	v->type = (unsigned char)type;
	v->len = 0;
	r->seen |= (uint64_t)1 << (idx - 1);
	return v;
}

void
redo_int64(struct redo *r, int idx, int64_t i)
{
	redo_val_new(r, idx, SQLITE_INTEGER)->u.i = i;
}

void
redo_double(struct redo *r, int idx, double d)
{
	redo_val_new(r, idx, SQLITE_FLOAT)->u.d = d;
}

void
redo_null(struct redo *r, int idx)
{
	redo_val_new(r, idx, SQLITE_NULL);
}

/* TYPE SQLITE_TEXT or SQLITE_BLOB: LEN bytes at P, copied. */
void
redo_bytes(struct redo *r, int idx, int type, const void *p, int len)
{
	struct redo_val	*v;
	size_t		 want;

	v = redo_val_new(r, idx, type);
	v->len = len;
	v->u.off = r->ntext;
	if (len <= 0)
		return;
	want = r->ntext + (size_t)len;
	if (want > r->textcap) {
		if (r->textcap == 0)
			r->textcap = 4096;
		while (r->textcap < want)
			r->textcap *= 2;
		r->text = xreallocarray(r->text, r->textcap, 1);
	}
	memcpy(r->text + r->ntext, p, (size_t)len);
	r->ntext = want;
}

/* Forget the values of the write being bound. */
void
redo_drop(struct redo *r)
{
	r->nval = r->val_kept;
	r->ntext = r->text_kept;
	r->seen = 0;
}

/*
 * Keep ST's write (WHICH: its slot, or -1 to keep its SQL) with the
 * values bound since the last keep or drop.  -1 (nothing kept) if one
 * of the parameters of MASK was not bound through store_bind_*(): its
 * value is unknown.
 */
int
redo_keep(struct redo *r, int which, sqlite3_stmt *st, uint64_t mask)
{
	struct redo_write	*w;

	if ((r->seen & mask) != mask ||
	    sqlite3_bind_parameter_count(st) > 64) {
		redo_drop(r);
		return -1;
	}
	if (r->nw == r->wcap) {
		r->wcap = r->wcap ? r->wcap * 2 : 64;
		r->w = xreallocarray(r->w, r->wcap, sizeof *r->w);
	}
	w = &r->w[r->nw++];
	w->which = which;
	w->sql = which < 0 ? xstrdup(sqlite3_sql(st)) : NULL;
	w->first = r->val_kept;
	w->n = r->nval - r->val_kept;
	r->val_kept = r->nval;
	r->text_kept = r->ntext;
	r->seen = 0;
	return 0;
}

size_t
redo_count(struct redo *r)
{
	return r->nw;
}

/* Write I's slot in store.c, or -1 with its SQL in *SQL. */
int
redo_which(struct redo *r, size_t i, const char **sql)
{
	*sql = r->w[i].sql;
	return r->w[i].which;
}

/* Bind write I's values to ST (reset, bindings cleared). */
int
redo_bind(struct redo *r, size_t i, sqlite3_stmt *st)
{
	const struct redo_write	*w = &r->w[i];
	const struct redo_val	*v;
	const char		*p;
	size_t			 k;
	int			 rc = SQLITE_OK;

	for (k = 0; k < w->n && rc == SQLITE_OK; k++) {
		v = &r->val[w->first + k];
		/* Empty text or blob: a pointer, lest it bind NULL. */
		p = v->len > 0 ? r->text + v->u.off : "";
		switch (v->type) {
		case SQLITE_INTEGER:
			rc = sqlite3_bind_int64(st, v->idx, v->u.i);
			break;
		case SQLITE_FLOAT:
			rc = sqlite3_bind_double(st, v->idx, v->u.d);
			break;
		case SQLITE_TEXT:
			rc = sqlite3_bind_text(st, v->idx, p, v->len,
			    SQLITE_STATIC);
			break;
		case SQLITE_BLOB:
			rc = sqlite3_bind_blob(st, v->idx, p, v->len,
			    SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, v->idx);
			break;
		}
	}
	return rc;
}

/* Forget every write; a long hold's buffers go. */
void
redo_clear(struct redo *r)
{
	size_t	 i;

	for (i = 0; i < r->nw; i++)
		free(r->w[i].sql);
	r->nw = r->nval = r->val_kept = r->ntext = r->text_kept = 0;
	r->seen = 0;
	if (r->wcap * sizeof *r->w > REDO_KEEP_BYTES) {
		free(r->w);
		r->w = NULL;
		r->wcap = 0;
	}
	if (r->valcap * sizeof *r->val > REDO_KEEP_BYTES) {
		free(r->val);
		r->val = NULL;
		r->valcap = 0;
	}
	if (r->textcap > REDO_KEEP_BYTES) {
		free(r->text);
		r->text = NULL;
		r->textcap = 0;
	}
}
