/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What Debian's <libfdt.h> expects from its environment, for the
 * freestanding hypervisor build.  The stock libfdt_env.h pulls in the C
 * library's <stdlib.h> and <string.h>; this one gives the same names from
 * Keel's own headers.  Only xen/common/bootdomain.c is built with this
 * directory on its include path (see xen/Makefile); host unit tests use
 * the stock header.
 */
#ifndef LIBFDT_ENV_H
#define LIBFDT_ENV_H

#include <keel/lib.h>

/* Device tree cells are big-endian; x86 is little-endian. */
typedef uint16_t fdt16_t;
typedef uint32_t fdt32_t;
typedef uint64_t fdt64_t;

static inline uint16_t fdt16_to_cpu(fdt16_t x) { return __builtin_bswap16(x); }
static inline fdt16_t cpu_to_fdt16(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t fdt32_to_cpu(fdt32_t x) { return __builtin_bswap32(x); }
static inline fdt32_t cpu_to_fdt32(uint32_t x) { return __builtin_bswap32(x); }
static inline uint64_t fdt64_to_cpu(fdt64_t x) { return __builtin_bswap64(x); }
static inline fdt64_t cpu_to_fdt64(uint64_t x) { return __builtin_bswap64(x); }

#endif
