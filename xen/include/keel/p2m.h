/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_P2M_H
#define KEEL_P2M_H

/*
 * The guest-physical to machine map of a domain.  One interface, two
 * formats behind it: nested page tables (AMD NPT, the ordinary x86-64
 * page-table format) and EPT (Intel); hvm_init() picks the one that
 * matches the vendor, and domain code never knows which.
 */
#include <keel/types.h>

struct domain;
struct p2m_domain;

typedef enum {
    p2m_invalid = 0,        /* nothing mapped */
    p2m_ram_rw,             /* guest RAM */
    p2m_ram_ro,             /* guest RAM, writes fault */
    p2m_mmio_direct,        /* machine MMIO passed through (later) */
    p2m_grant_map_rw,       /* another domain's frame, mapped by grant (common/grant_table.c) */
    p2m_grant_map_ro,       /* the same, read-only: a write ends the domain */
} p2m_type_t;

/* Types whose leaves allow writes. */
static inline bool p2m_is_writable(p2m_type_t t)
{
    return t == p2m_ram_rw || t == p2m_mmio_direct || t == p2m_grant_map_rw;
}

struct p2m_ops {
    struct p2m_domain *(*alloc)(struct domain *d);
    void (*free)(struct p2m_domain *p2m);
    /* Map 2^order frames at gfn (both aligned to the order); order 0 or 9. */
    int (*set_entry)(struct p2m_domain *p2m, uint64_t gfn, unsigned long mfn,
                     unsigned int order, p2m_type_t t);
    /* Machine frame behind gfn, or INVALID_MFN; *t gets the type. */
    unsigned long (*lookup)(struct p2m_domain *p2m, uint64_t gfn, p2m_type_t *t);
    /* Root for the hardware: nCR3 for NPT, the EPTP for EPT. */
    uint64_t (*root)(struct p2m_domain *p2m);
};

extern const struct p2m_ops *p2m_ops;
/* The formats, chosen by hvm_init(): nested page tables (arch/x86/mm/p2m-pt.c). */
extern const struct p2m_ops p2m_pt_ops;

static inline int p2m_set_entry(struct p2m_domain *p, uint64_t gfn, unsigned long mfn,
                                unsigned int order, p2m_type_t t)
{
    return p2m_ops->set_entry(p, gfn, mfn, order, t);
}

static inline unsigned long p2m_lookup(struct p2m_domain *p, uint64_t gfn, p2m_type_t *t)
{
    return p2m_ops->lookup(p, gfn, t);
}

#endif
