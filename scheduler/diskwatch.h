/*
 * diskwatch.h: the free space of the state directory's file system,
 * warned about below disk_margin_mb; while the store is held (commit.c)
 * it retries the held changes every second.
 */
#ifndef CQ_DISKWATCH_H
#define CQ_DISKWATCH_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* A held store is not retried with less free than this (a full disk). */
#define DISKWATCH_RESUME_BYTES	(256 * 1024)

/* Watch DIR's file system; warn below MARGIN bytes (0: never). */
int	 diskwatch_init(const char *dir, int64_t margin);
void	 diskwatch_shutdown(void);
/* Bytes free now for the scheduler, -1 if unknown. */
int64_t	 diskwatch_free(void);
/* BYTES for a reader: "0 B", "12 KiB", "3.1 MiB", "2.0 GiB". */
void	 diskwatch_size(char *buf, size_t len, int64_t bytes);
/* The state for `cq status`: free, margin, low, stalled and why. */
struct json_object *diskwatch_json(void);

#endif
