/*
 * cmd-q.h: the two views of `cq q`, drawn from the rows of a query
 * reply: the batch view (cmd-q-batch.c) and the job view (cmd-q-jobs.c).
 * cmd-q.c parses the options, asks the scheduler and picks the view.
 */
#ifndef CQ_CMD_Q_H
#define CQ_CMD_Q_H

#include <stddef.h>
#include <stdio.h>

struct json_object;

/* Draw ROWS (what=batches) into F within WIDTH (0: any), in colour. */
void	cmd_q_batch_draw(FILE *f, size_t width, int color,
	    struct json_object *rows);
/* Print ROWS (what=batches) as JSON with CamelCase names: -batch -json. */
void	cmd_q_batch_json(FILE *f, struct json_object *rows);
/* The "fields" member of the job view's query (caller owns). */
struct json_object *cmd_q_jobs_fields(void);
/* Draw ROWS (what=jobs, arrays of those fields) into F within WIDTH. */
void	cmd_q_jobs_draw(FILE *f, size_t width, int color,
	    struct json_object *rows);
/* Draw ROWS (what=jobs, held ones, as objects): condor_q -hold. */
void	cmd_q_hold_draw(FILE *f, size_t width, int color,
	    struct json_object *rows);
/* condor_q -run: ROWS are job ads of running jobs. */
void	cmd_q_run_draw(FILE *f, size_t width, int color,
	    struct json_object *rows);
/* How the job ads are printed: -json, -long, -af/-format (AP). */
#define CMD_Q_ADS_JSON	1
#define CMD_Q_ADS_LONG	2
#define CMD_Q_ADS_PRINT	3
struct adprint;
void	cmd_q_ads_print(FILE *f, int how, const struct adprint *ap,
	    struct json_object *rows);
/* The totals line of condor_q from counts per state letter, within
 * WIDTH (0: any): broken, never cut. */
void	cmd_q_jobs_totals(FILE *f, size_t width, size_t n, size_t completed,
	    size_t removed, size_t idle, size_t running, size_t held,
	    size_t suspended);

#endif
