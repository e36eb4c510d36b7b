/*
 * ssh.h: the command line's SSH transport (libssh2) for `cq -H ssh://...`:
 * one verified, authenticated session per process, and channels on it
 * that run a command on the far side.  Blocking; errors are printed.
 */
#ifndef CQ_SSH_H
#define CQ_SSH_H

#include <stddef.h>

struct ssh_chan;

/* Check the form of an ssh://[USER@]HOST[:PORT] URL; -1 with *ERRSTR. */
int		 ssh_url_check(const char *url, const char **errstr);
/*
 * Run CMD (a shell command line) on the host of URL, opening and
 * verifying the session first if this is the first channel.  NULL with
 * a one-line message printed (unless QUIET) on failure.
 */
struct ssh_chan	*ssh_exec(const char *url, const char *cmd, int quiet);
/* Write all LEN bytes; 0, or -1 (ssh_chan_error() says why). */
int		 ssh_write(struct ssh_chan *, const void *buf, size_t len);
/* Read exactly LEN bytes; 0, or -1 at EOF or on error (ssh_chan_error). */
int		 ssh_read(struct ssh_chan *, void *buf, size_t len);
/*
 * Why the last ssh_read/ssh_write failed, one line: at EOF, what the
 * remote command said on stderr and how it exited (127: no cq there).
 */
const char	*ssh_chan_error(struct ssh_chan *);
/*
 * Copy the channel's stdout and stderr to ours until it ends; its exit
 * status (0-255), or -1 with a message printed.
 */
int		 ssh_relay(struct ssh_chan *);
void		 ssh_chan_close(struct ssh_chan *);
/* Quote S for a POSIX shell into BUF (LEN bytes); -1 if it does not fit. */
int		 ssh_quote(char *buf, size_t len, const char *s);

#endif
