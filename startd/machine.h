/*
 * machine.h: this desktop's machine ad (common/machinead.h): its
 * platform, the start and rank keys and the site's machine_attributes,
 * read once at start-up; the free disk is measured at each ad.
 */
#ifndef CQ_STARTD_MACHINE_H
#define CQ_STARTD_MACHINE_H

#include <stddef.h>

struct cfg;
struct json_object;

/* Check start, rank and machine_attributes of CFG; 0, or -1 with ERR
 * naming where the key was set and what is wrong. */
int	machine_check(const struct cfg *cfg, char *err, size_t errlen);
/* Build the ad from CFG (checked) and the system; once. */
void	machine_init(const struct cfg *cfg, int64_t cpus, int64_t memory_mb);
void	machine_shutdown(void);
/* The ad's wire form for the ad message (a new object). */
struct json_object *machine_ad_json(void);

#endif
