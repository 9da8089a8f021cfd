/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_GUEST_ACCESS_H
#define KEEL_GUEST_ACCESS_H

/*
 * The only way into guest memory for hypercalls: addresses are the
 * calling vCPU's virtual addresses, translated through its own page
 * tables and its domain's p2m, page by page.  Anything not backed by the
 * domain's RAM (or, for writes, not writable) gives -EFAULT; the
 * hypervisor never faults on a guest pointer.
 */
#include <keel/types.h>

struct vcpu;
struct domain;

int copy_from_guest_virt(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest_virt(struct vcpu *v, uint64_t gva, const void *src, size_t len);
/*
 * Translate @gva through @v's page tables to a guest-physical address of
 * RAM (writable RAM if @write); 0 or -EFAULT.  For areas registered by
 * virtual address and written later, when other page tables may be live.
 */
int guest_virt_to_phys(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa);
/* Guest-physical access for the domain builder and MSR handlers. */
int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len);
/*
 * Translate @gva through @v's page tables (as a write if @write); 0 and
 * *gpa, or -EFAULT.  The result need not be RAM (unlike guest_virt_to_phys()): the instruction
 * emulator uses it to find MMIO operands.
 */
int guest_linear_to_gpa(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa);

#endif
