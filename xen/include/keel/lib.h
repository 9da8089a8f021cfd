/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_LIB_H
#define KEEL_LIB_H

#include <keel/types.h>

/*
 * Log levels, spelled as Xen spells them so messages can be written the
 * same way: printk(XENLOG_WARNING "...").  Lines without a level are INFO.
 */
#define XENLOG_ERR      "<0>"
#define XENLOG_WARNING  "<1>"
#define XENLOG_INFO     "<2>"
#define XENLOG_DEBUG    "<3>"
#define LOGLVL_ERR      0
#define LOGLVL_WARNING  1
#define LOGLVL_INFO     2
#define LOGLVL_DEBUG    3

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
void __noreturn panic(const char *fmt, ...) __printf(1, 2);
void __noreturn bug_fail(const char *what, const char *file, int line);

#define BUG()           bug_fail("BUG", __FILE__, __LINE__)
#define BUG_ON(c)       do { if (unlikely(c)) bug_fail("BUG_ON(" #c ")", __FILE__, __LINE__); } while (0)
#define ASSERT(c)       do { if (unlikely(!(c))) bug_fail("Assertion '" #c "' failed", __FILE__, __LINE__); } while (0)

/* Formatter (common/vsprintf.c). */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Number parsing shared by the command line and device tree code. */
unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base);
unsigned long long parse_size_and_unit(const char *s, const char **end);

#ifdef KEEL_HOST_TEST
#include <string.h>
/* glibc before 2.38 has no strlcpy; tests/unit/stub.c provides one. */
size_t strlcpy(char *d, const char *s, size_t n);
#else
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);
char *strstr(const char *h, const char *n);
/* For libfdt (see arch/x86/libfdt_env.c). */
void *memchr(const void *s, int c, size_t n);
unsigned long strtoul(const char *s, char **end, int base);
#endif

#endif
