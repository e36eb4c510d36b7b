/*
 * machinead.h: an agent's machine ad, the `machine` member of its ad
 * message, with HTCondor's attribute names: what the agent says of its
 * platform (Arch, OpSys, OpSysAndVer, TotalCpus, TotalMemory, TotalDisk),
 * its owner's policy (Start, Rank: expressions from the agent's start and
 * rank keys), the site's own attributes (machine_attributes), and cq's:
 * the version of the boot image it runs (CqImageVersion) and why its
 * slots stay Owner for good (CqOwnerReason: opted out, too small).  The
 * agent fills one and encodes it (machinead_to_json); the scheduler
 * decodes it strictly (machinead_decode): a member of the wrong type, an
 * expression that does not parse or a site attribute that shadows one of
 * cq's is refused.  The slot side (Cpus, Memory, State...) and the
 * heartbeat side (KeyboardIdle, LoadAvg) are the scheduler's to add.
 */
#ifndef CQ_MACHINEAD_H
#define CQ_MACHINEAD_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"

#define MACHINEAD_MAX_ATTRS	64	/* site attributes */
#define MACHINEAD_MAX_NAME	64	/* an attribute's name */
#define MACHINEAD_MAX_STR	1024	/* a string value, Arch, OpSys... */
#define MACHINEAD_MAX_EXPR	4096	/* Start and Rank source text */
#define MACHINEAD_MAX_VERSION	64	/* CqImageVersion */
#define MACHINEAD_MAX_REASON	256	/* CqOwnerReason */

struct machinead_attr {
	char			*name;
	struct expr_value	 v;		/* BOOL, INT, REAL or STRING */
};

struct machinead {
	char			*arch;		/* "X86_64", "aarch64"... */
	char			*opsys;		/* "LINUX" */
	char			*opsysandver;	/* "Ubuntu22", may be NULL */
	int64_t			 total_cpus;	/* -1: not told */
	int64_t			 total_memory_mb;
	int64_t			 total_disk_kb;
	struct expr		*start;		/* NULL: true */
	struct expr		*rank;		/* NULL: 0 */
	struct machinead_attr	*attrs;
	size_t			 nattrs;
	char			*image_version;	/* CqImageVersion, or NULL */
	char			*owner_reason;	/* CqOwnerReason, or NULL */
};

struct json_object;

/* HTCondor's Arch for a uname(2) machine ("x86_64" -> "X86_64"). */
const char	*machinead_arch(const char *uname_machine);
/* 1 if NAME (any case) is an attribute cq itself puts in a machine or
 * slot ad (Name, Cpus, KeyboardIdle...), which a site may not redefine. */
int		 machinead_reserved(const char *name);

/*
 * Parse the site attributes of machine_attributes, `Name = value`
 * separated by `;` (a value: "string", number, true or false), into
 * AD's attrs.  0, or -1 with ERR naming the attribute and what is wrong.
 */
int	machinead_attrs_parse(struct machinead *ad, const char *text,
	    char *err, size_t errlen);
/* Set AD's start or rank from SRC (empty: unset); 0, or -1 with ERR =
 * "column N: ...". */
int	machinead_set_expr(struct expr **dst, const char *src, char *err,
	    size_t errlen);

/* 1 if S may be an image version: 1 to 64 bytes of printable ASCII
 * without blanks ("2026.12.06-1", "v3+nfs"). */
int		 machinead_version_ok(const char *s);

/* 1 if S is 1 to MAX bytes of strict UTF-8 without a terminal control
 * (C0, DEL, C1): CqOwnerReason, printed as a line by cq status. */
int		 machinead_text_ok(const char *s, size_t max);
/* text_clean() (common/text.h) makes any text one that this accepts. */

/* The wire form: a new object. */
struct json_object	*machinead_to_json(const struct machinead *ad);
/* Decode OBJ strictly into AD (zeroed first); 0, or -1 with ERRSTR. */
int	machinead_decode(struct json_object *obj, struct machinead *ad,
	    const char **errstr);
/* The value of site attribute NAME (any case), or NULL. */
const struct expr_value *machinead_attr(const struct machinead *ad,
	    const char *name);
/*
 * Judge START (NULL: true) clause by clause, MY's attributes from
 * MY_FN(MY_ARG), TARGET's from TARGET_FN(TARGET_ARG), a bare name MY's
 * first: -1 if every clause is true, else the first that is not, its
 * text into TEXT (TEXTLEN bytes).  The agent's check of a start order.
 */
int	machinead_start_judge(const struct expr *start, expr_lookup_fn my_fn,
	    void *my_arg, expr_lookup_fn target_fn, void *target_arg,
	    char *text, size_t textlen);
/* Free what AD holds (not AD itself); AD is left zeroed. */
void	machinead_clear(struct machinead *ad);

#endif
