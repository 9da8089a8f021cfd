/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <keel/types.h>

#define MILLISECS(ms)   ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us)   ((s_time_t)(us) * 1000LL)
#define SECONDS(s)      ((s_time_t)(s) * 1000000000LL)
#define STIME_MAX       ((s_time_t)((uint64_t)~0ULL >> 1))

/* System time: nanoseconds since time_init(), from the TSC (arch time.c). */
s_time_t get_s_time(void);
#define NOW()           get_s_time()
/* System time when the TSC read @tsc (for guest pvclock: time and TSC from one read). */
s_time_t stime_at_tsc(uint64_t tsc);
/* The calibrated TSC rate (0 before calibration). */
uint64_t tsc_freq_hz(void);

/*
 * A one-shot software timer.  Each timer belongs to one CPU and its
 * function runs there, from TIMER_SOFTIRQ with interrupts enabled, at or
 * soon after the expiry time.  The function may set the timer again.
 */
struct timer {
    s_time_t expires;
    void (*function)(void *data);
    void *data;
    unsigned int cpu;
    uint8_t status;                 /* TIMER_STATUS_* (timer.c) */
    struct timer *prev, *next;      /* in the CPU's queue, by expiry */
};

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
/* (Re)arm @t to fire at system time @expires (ns); a past time fires at once. */
void set_timer(struct timer *t, s_time_t expires);
/* Disarm @t; a function already running is not waited for. */
void stop_timer(struct timer *t);
/*
 * Disarm @t for good and wait until its function is not running on any
 * other CPU, so the caller may free it.  Later set_timer() calls are ignored.
 */
void kill_timer(struct timer *t);
bool timer_is_active(const struct timer *t);

void timer_init(void);

/*
 * Arch hook (time.c): program the calling CPU's timer hardware to
 * interrupt at system time @deadline, or stop it if @deadline is 0.
 */
void reprogram_timer(s_time_t deadline);

#endif
