/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <keel/types.h>

/* Bring up the serial console from the parsed command line (console=, com1=). */
void console_init(void);
/* Write raw bytes to every console output (no prefix, no ring). */
void console_write_raw(const char *s, size_t len);
/* A byte received on the serial console, or -1 if none is waiting (polled). */
int console_getc(void);
/* Panic path: break any console lock so the last words get out. */
void console_force_unlock(void);
/*
 * A guest's unfinished line, shown before its newline (a shell prompt):
 * console_partial_begin() prints @s as a new log line without ending it
 * and returns a generation; console_partial_continue() adds to that line
 * (and ends it if @end) only if nothing else was printed since, else it
 * returns false and the caller prints the whole line afresh.
 */
unsigned long console_partial_begin(const char *s, size_t n);
bool console_partial_continue(unsigned long gen, const char *s, size_t n, bool end);

/*
 * Copy up to @len bytes of the log ring starting at byte @offset of what
 * is still held; returns the number copied.  The ring keeps the newest
 * CONRING_SIZE bytes of every line printed, whatever the log level.
 */
#define CONRING_SIZE    (64 * 1024)
size_t console_ring_read(char *buf, size_t offset, size_t len);
size_t console_ring_used(void);

/* Hook set once time is calibrated, so lines carry "[ seconds.micro ]". */
extern s_time_t (*console_clock)(void);

#endif
