/*
 * schema.h: the SQL migrations of the scheduler's database, embedded at
 * build time from schema/NNN-name.sql by schema/embed.sh (scheduler/schema.c
 * is generated).  Versions are strictly increasing; store.c applies those
 * above the database's PRAGMA user_version.
 */
#ifndef CQ_SCHEMA_H
#define CQ_SCHEMA_H

#include <stddef.h>

struct schema_migration {
	int		 version;	/* NNN of the file name */
	const char	*name;		/* the rest of the name, no ".sql" */
	const char	*sql;		/* the file's text */
};

extern const struct schema_migration	schema_migrations[];
extern const size_t			schema_nmigrations;

#endif
