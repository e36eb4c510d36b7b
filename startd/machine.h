/*
 * machine.h: this desktop's machine ad (common/machinead.h): its
 * platform, the start and rank keys and the site's machine_attributes,
 * read once at start-up; the boot image's version (image_version_file);
 * why its slots stay Owner for good (opted out, too small); the free disk
 * is measured at each ad.  The agent judges each start order by its
 * start expression again.
 */
#ifndef CQ_STARTD_MACHINE_H
#define CQ_STARTD_MACHINE_H

#include <stddef.h>

struct agentmsg_start;
struct cfg;
struct machinead;

/* Check start, rank and machine_attributes of CFG; 0, or -1 with ERR
 * naming where the key was set and what is wrong. */
int	machine_check(const struct cfg *cfg, char *err, size_t errlen);
/* Build the ad from CFG (checked) and the system; once. */
void	machine_init(const struct cfg *cfg, int64_t cpus, int64_t memory_mb);
void	machine_shutdown(void);
/* The image version in PATH's first line into VER (VERLEN bytes): 1,
 * 0 if PATH does not exist, -1 with WHY if it is not a version. */
int	machine_read_version(const char *path, char *ver, size_t verlen,
	    char *why, size_t whylen);
/* Why every slot stays Owner (NULL: they follow the owner). */
void	machine_owner_reason(const char *reason);
/* The ad (its free disk measured now), for the ad message. */
struct machinead *machine_ad(void);
/*
 * 1 if the start expression refuses the job of the start order SO in
 * SLOT now, with WHY naming the clause; 0 if it allows it (or SO carries
 * no job ad to judge).  MY is the slot as the scheduler's mirror shows
 * it, TARGET the order's job ad.
 */
int	machine_refuses(const struct agentmsg_start *so, int slot, char *why,
	    size_t whylen);

#endif
