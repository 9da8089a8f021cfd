/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_TYPES_H
#define KEEL_TYPES_H

/*
 * Only the compiler's freestanding headers are used, so every file that
 * includes this builds both into the hypervisor and on the host for tests.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint64_t paddr_t;
typedef int64_t s_time_t;            /* nanoseconds since boot */

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define PFN_DOWN(x)     ((x) >> PAGE_SHIFT)
#define PFN_UP(x)       (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define INVALID_MFN     (~0UL)

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

#define __packed        __attribute__((packed))
#define __aligned(n)    __attribute__((aligned(n)))
#define __section(s)    __attribute__((section(s)))
#define __used          __attribute__((used))
#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#endif
