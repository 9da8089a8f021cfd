/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_UNALIGNED_H
#define KEEL_UNALIGNED_H

/*
 * Little-endian loads from byte buffers that need not be aligned
 * (firmware tables, loader info blocks).  memcpy keeps them defined
 * behaviour and compiles to a single load on x86.
 */
#include <keel/lib.h>

static inline uint16_t get_unaligned_le16(const void *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint32_t get_unaligned_le32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint64_t get_unaligned_le64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

#endif
