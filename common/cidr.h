/*
 * cidr.h: network blocks (192.168.10.0/24, fd00::/64) for the scheduler's
 * auto-approval of credential requests.  The parser is strict: a numeric
 * address, a slash and a prefix length (a bare address is one host), no
 * bits set past the prefix.
 */
#ifndef CQ_CIDR_H
#define CQ_CIDR_H

#include <stddef.h>

#define CIDR_TEXT_MAX	64		/* the longest text, with its NUL */
#define CIDR_LIST_MAX	64		/* blocks in one list */

struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network byte order */
	int		 bits;		/* prefix length */
};

/* Parse S; 0 or -1 with ERRSTR. */
int	cidr_parse(const char *s, struct cidr *, const char **errstr);
/*
 * Parse a comma-separated list S (spaces around the commas allowed) into
 * at most MAX blocks; 0 with *N set, or -1 with ERRSTR and the bad
 * element's text copied into BADBUF (if not NULL).
 */
int	cidr_list_parse(const char *s, struct cidr *, size_t max, size_t *n,
	    char *badbuf, size_t badlen, const char **errstr);
/* 1 if the numeric address ADDR (IPv4, IPv6 or IPv4-mapped IPv6) is in
 * the block, else 0 (also for an address that does not parse). */
int	cidr_match(const struct cidr *, const char *addr);
/* The normalized text (at least CIDR_TEXT_MAX bytes). */
void	cidr_format(const struct cidr *, char *buf, size_t len);

#endif
