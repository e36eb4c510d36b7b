/* clock.h: time for every program: wall clock and monotonic, in ms (µs). */
#ifndef CQ_CLOCK_H
#define CQ_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch (CLOCK_REALTIME). */
int64_t	clock_now_ms(void);
/* Milliseconds on CLOCK_MONOTONIC, for intervals. */
int64_t	clock_mono_ms(void);
/* Microseconds on CLOCK_MONOTONIC, for short intervals. */
int64_t	clock_mono_us(void);

#endif
