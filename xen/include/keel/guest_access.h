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
/* Guest-physical access for the domain builder and MSR handlers. */
int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len);

#endif
