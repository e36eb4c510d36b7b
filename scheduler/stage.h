/*
 * stage.h: a client connection's uploads into the spool before its
 * submit (stage.c).
 */
#ifndef CQ_STAGE_H
#define CQ_STAGE_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct peer;
struct stage;

/* A `put` and its data frames (*STAGE made on first use). */
void	stage_put(struct stage **stage, struct peer *p, uint32_t reqid,
	    struct json_object *msg);
void	stage_data(struct stage *stage, struct peer *p, uint32_t reqid,
	    const void *raw, size_t len);
/* 1 if a file of STAGE is still arriving (NULL is fine). */
int	stage_busy(const struct stage *stage);
/* Move the staged files into the spool of CLUSTER (in the submit's turn). */
int	stage_adopt(struct stage *stage, uint32_t cluster);
/* The submit was rolled back: the files go back to the staging area. */
void	stage_unadopt(struct stage *stage, uint32_t cluster);
/* The connection closed (or submitted): free; remove what was not adopted. */
void	stage_free(struct stage *stage);

#endif
