/*
 * client.h: the command line's blocking connection to the scheduler's
 * unix socket (or through SSH to a remote one), on the same frame and
 * message modules as the daemons.
 */
#ifndef CQ_CLIENT_H
#define CQ_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct ssh_chan;

struct client;

/* The SSH transport (ssh.c's functions, in cq-ssh only). */
struct client_ssh {
	struct ssh_chan	*(*exec)(const char *url, const char *cmd,
			    int quiet);
	int		 (*write)(struct ssh_chan *, const void *buf,
			    size_t len);
	int		 (*read)(struct ssh_chan *, void *buf, size_t len);
	const char	*(*error)(struct ssh_chan *);
	void		 (*close)(struct ssh_chan *);
};

/*
 * Talk to the scheduler on the host of URL (ssh://[USER@]HOST[:PORT])
 * through SSH and `cq proxy` there (neither is copied); NULL: this host.
 */
void		 client_set_host(const char *url,
		    const struct client_ssh *ssh);
/* The socket path: CQ_SOCKET, else $CQ_HOME/schedd.sock, else /run/cq. */
const char	*client_socket_path(void);
/* The pool's home: CQ_HOME, else ~/.local/state/cq. */
const char	*client_home(void);
/* Connect and say hello; NULL with a message printed on failure. */
struct client	*client_open(void);
/* The same, printing nothing when the scheduler is not there. */
struct client	*client_open_quiet(void);
/* Connect to the local agent's socket at PATH (cq reclaim). */
struct client	*client_open_agent(const char *path);
void		 client_close(struct client *);
/*
 * Send REQ (not taken) as TYPE and wait for the answer.  Returns the reply
 * (caller frees) with *RTYPE set; an MSG_ERROR reply is printed and NULL
 * returned, as is a broken connection.
 */
struct json_object *client_call(struct client *, uint16_t type,
		    struct json_object *req, uint16_t *rtype);
/*
 * client_call in two halves, for a caller with work to do while the
 * scheduler does its part (cq submit frees its jobs): send (0 or -1,
 * printed), then wait for the answer.
 */
int		 client_call_start(struct client *, uint16_t type,
		    struct json_object *req);
/* The same with the request already encoded: LEN bytes of JSON at S. */
int		 client_call_start_text(struct client *, uint16_t type,
		    const char *s, size_t len);
struct json_object *client_call_finish(struct client *, uint16_t *rtype);
/*
 * client_call_finish for a large reply its caller reads itself: the
 * frame's payload as sent, unchecked (*LEN bytes and a NUL; caller
 * frees).  An MSG_ERROR reply is printed and NULL returned, as is a
 * broken connection.
 */
char		*client_call_finish_text(struct client *, uint16_t *rtype,
		    size_t *len);

/*
 * Send LEN raw bytes at BUF as a frame of TYPE that has no answer of its
 * own (the submit's item frames): 0, or -1 with a message printed (the
 * scheduler's refusal when it said one).
 */
int		 client_send_data(struct client *, uint16_t type,
		    const void *buf, size_t len);

/*
 * Upload the file PATH (NULL: an empty directory) as REL into this
 * connection's staging area, chunk by chunk; the scheduler answers once
 * it is durable.  0, or -1 with a message printed.
 */
int		 client_put(struct client *, const char *rel, const char *path);

/*
 * The unix socket at PATH, connected, for a peer of role FROM; -1 with
 * errno (and a message unless QUIET).
 */
int	client_connect_unix(const char *path, int from, int quiet);

#endif
