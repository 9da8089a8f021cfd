/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <keel/types.h>
#include <asm/config.h>

#define _PAGE_PRESENT   (1UL << 0)
#define _PAGE_RW        (1UL << 1)
#define _PAGE_USER      (1UL << 2)
#define _PAGE_PWT       (1UL << 3)
#define _PAGE_PCD       (1UL << 4)
#define _PAGE_ACCESSED  (1UL << 5)
#define _PAGE_DIRTY     (1UL << 6)
#define _PAGE_PSE       (1UL << 7)
#define _PAGE_GLOBAL    (1UL << 8)
#define _PAGE_NX        (1UL << 63)
#define PADDR_MASK      0x000ffffffffff000UL

/* Mapping kinds used by the hypervisor (NX is dropped if the CPU lacks it). */
#define PAGE_HYPERVISOR_RX  (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_HYPERVISOR_RO  (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_HYPERVISOR_RW  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | \
                             _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_HYPERVISOR_UC  (PAGE_HYPERVISOR_RW | _PAGE_PCD | _PAGE_PWT)

static inline void *__va(paddr_t pa)
{
    return (void *)(DIRECTMAP_VIRT_START + pa);
}

static inline paddr_t __pa(const void *v)
{
    unsigned long va = (unsigned long)v;

    if ( va >= KEEL_VIRT_BASE )
        return va - KEEL_VIRT_BASE;
    return va - DIRECTMAP_VIRT_START;
}

#define mfn_to_virt(m)  __va((paddr_t)(m) << PAGE_SHIFT)
#define virt_to_mfn(v)  (__pa(v) >> PAGE_SHIFT)

/* mm.c */
struct boot_info;
void mm_init(struct boot_info *bi);
int map_pages(unsigned long va, paddr_t pa, unsigned long nr, uint64_t flags);
void unmap_pages(unsigned long va, unsigned long nr);
void *ioremap(paddr_t pa, size_t len);
/* Firmware tables: map what is not mapped yet (write-back, NX). */
const void *map_firmware(paddr_t pa, size_t len);
/* Guarded per-CPU stack area: returns the top of the primary stack. */
unsigned long alloc_cpu_stacks(unsigned int cpu, unsigned long ist_tops[3]);
extern uint64_t idle_pg_table_pa;   /* CR3 for every CPU */
extern bool cpu_has_nx;

#endif
