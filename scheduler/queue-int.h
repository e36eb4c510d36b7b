/*
 * queue-int.h: what queue.c and queue-undo.c share, and nothing else
 * includes.
 */
#ifndef CQ_QUEUE_INT_H
#define CQ_QUEUE_INT_H

#include <stddef.h>
#include <stdint.h>

struct job;

/* queue.c */
void	queue_idle_add(struct job *);
void	queue_idle_del(struct job *);
void	queue_forget_now(struct job *);

/* queue-undo.c */
void	queue_request_keep(struct job *);
void	queue_request_keep_ad(struct job *);
int	queue_request_forget(struct job *);
void	queue_request_entered(uint32_t, uint32_t, size_t);

#endif
