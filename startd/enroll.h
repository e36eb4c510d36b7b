/*
 * enroll.h: the agent's proof of who it is (docs/credentials.md): its
 * agent credential from STATE_DIR/credential once it has one, else the
 * pool token from its configuration, else a credential request key it
 * makes once and keeps in STATE_DIR/request.
 */
#ifndef CQ_ENROLL_H
#define CQ_ENROLL_H

#include <stddef.h>

struct json_object;

/* Load what STATE_DIR holds (creating it, mode 0700); -1 with ERR. */
int	enroll_init(const char *state_dir, const char *token, char *err,
	    size_t errlen);
void	enroll_shutdown(void);
/* Add the proof to the hello O: credential, token or request. */
void	enroll_hello(struct json_object *o);
/* The scheduler issued credential TEXT: check it and keep it; 0 or -1. */
int	enroll_issued(const char *text);
/* 1 if the agent holds a credential. */
int	enroll_has_credential(void);

#endif
