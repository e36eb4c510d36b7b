/*
 * link.h: the agent's connection to the scheduler.
 */
#ifndef CQ_LINK_H
#define CQ_LINK_H

#include <stdint.h>

struct agentmsg;
struct json_object;
struct xferq;

/* Start connecting (and keep reconnecting with backoff). */
int	link_init(void);
void	link_shutdown(void);
/* 1 once hello and ad went through. */
int	link_up(void);
/* Send OBJ (not taken) if the link is up; -1 if it is not. */
int	link_send(uint16_t type, struct json_object *obj);
/* Send AM, encoded by agentmsg.c, if the link is up; -1 if not. */
int	link_send_am(const struct agentmsg *am);
/* Say goodbye before leaving (graceful shutdown). */
void	link_bye(const char *reason);
/* The queue of files to the scheduler (NULL while the link is down). */
struct xferq *link_xferq(void);
/* Bytes still waiting to be written to the scheduler. */
size_t	link_pending(void);
/* Send a heartbeat now (what the owner does, before a refused start). */
void	link_heartbeat_now(void);
/* Milliseconds the owner has been idle, as the heartbeats tell it. */
int64_t	link_owner_idle_ms(void);
/* Tell the scheduler our ad again (slots or jobs changed). */
void	link_send_ad(void);

#endif
