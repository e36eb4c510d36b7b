/*
 * ssh-known.h: checking an SSH server's host key against the
 * known_hosts files (ssh-known.c), for ssh.c.
 */
#ifndef CQ_SSH_KNOWN_H
#define CQ_SSH_KNOWN_H

#include <libssh2.h>

struct ssh_known;

/*
 * The entries of HOME/.ssh/known_hosts and /etc/ssh/ssh_known_hosts for
 * session S; KNAME (HOST or [HOST]:PORT) and URL are kept, not copied.
 * NULL with a message printed.
 */
struct ssh_known *ssh_known_new(LIBSSH2_SESSION *s, const char *url,
		    const char *kname, const char *home);
/* Before the handshake: ask first for the key types known for KNAME. */
int		 ssh_known_prefs(struct ssh_known *);
/* After it: 0 if the server's key is known for KNAME, else -1 (printed). */
int		 ssh_known_check(struct ssh_known *);
void		 ssh_known_free(struct ssh_known *);

#endif
