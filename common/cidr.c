/*
 * cidr.c: network blocks (see cidr.h), parsed with inet_pton and matched
 * bit by bit.  An IPv4 block also matches the IPv4-mapped IPv6 form of
 * its addresses (::ffff:10.0.0.7), which is how a scheduler listening on
 * an IPv6 socket sees IPv4 agents.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

static int
cidr_addr(const char *s, int *family, unsigned char *addr)
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int
cidr_parse(const char *s, struct cidr *c, const char **errstr)
{
	char		 buf[CIDR_TEXT_MAX];
	char		*slash;
	const char	*e;
	long long	 bits;
	int		 max, i;

	memset(c, 0, sizeof *c);
	if (strlen(s) >= sizeof buf) {
		*errstr = "network block too long";
		return -1;
	}
	strlcpy(buf, s, sizeof buf);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (cidr_addr(buf, &c->family, c->addr) == -1) {
		*errstr = "expected a numeric IPv4 or IPv6 address";
		return -1;
	}
	max = c->family == AF_INET ? 32 : 128;
	if (slash == NULL)
		bits = max;
	else {
		if (slash[1] == '\0' || strspn(slash + 1, "0123456789") !=
		    strlen(slash + 1) || strlen(slash + 1) > 3) {
			*errstr = "expected a prefix length after '/'";
			return -1;
		}
		bits = strtonum(slash + 1, 0, max, &e);
		if (e != NULL) {
			*errstr = c->family == AF_INET ?
			    "prefix length out of range (0-32)" :
			    "prefix length out of range (0-128)";
			return -1;
		}
	}
	c->bits = (int)bits;
	for (i = c->bits; i < max; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8))) {
			*errstr = "address has bits set past the prefix "
			    "length";
			return -1;
		}
	return 0;
}

int
cidr_list_parse(const char *s, struct cidr *v, size_t max, size_t *n,
    char *badbuf, size_t badlen, const char **errstr)
{
	const char	*p = s, *end;
	char		 one[CIDR_TEXT_MAX + 8];
	size_t		 len;

	*n = 0;
	if (badbuf != NULL && badlen > 0)
		badbuf[0] = '\0';
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		if (badbuf != NULL)
			strlcpy(badbuf, one, badlen);
		if (len == 0) {
			*errstr = "empty network block";
			return -1;
		}
		if (len >= CIDR_TEXT_MAX) {
			*errstr = "network block too long";
			return -1;
		}
		if (*n == max) {
			*errstr = "too many network blocks";
			return -1;
		}
		if (cidr_parse(one, &v[*n], errstr) == -1)
			return -1;
		(*n)++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	if (badbuf != NULL && badlen > 0)
		badbuf[0] = '\0';
	return 0;
}

int
cidr_match(const struct cidr *c, const char *s)
{
	static const unsigned char	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0xff, 0xff };
	unsigned char			 a[16];
	const unsigned char		*p = a;
	int				 family, i;

	if (cidr_addr(s, &family, a) == -1)
		return 0;
	if (family == AF_INET6 && c->family == AF_INET &&
	    memcmp(a, mapped, sizeof mapped) == 0) {
		family = AF_INET;
		p = a + 12;
	}
	if (family != c->family)
		return 0;
	for (i = 0; i < c->bits; i++)
		if ((p[i / 8] ^ c->addr[i / 8]) & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

void
cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN];

	if (inet_ntop(c->family, c->addr, a, sizeof a) == NULL)
		strlcpy(a, "?", sizeof a);
	snprintf(buf, len, "%s/%d", a, c->bits);
}
