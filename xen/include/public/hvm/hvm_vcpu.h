/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VCPUOP_initialise for HVM/PVH guests: the register state a vCPU starts
 * with when VCPUOP_up brings it up.  The mode field says which member of
 * the union is meant:
 *
 *   VCPU_HVM_MODE_32B  32-bit protected mode (or, with EFER.LME and
 *                      paging on, compatibility mode), with the cached
 *                      part of CS, DS, SS, ES and TR given explicitly;
 *   VCPU_HVM_MODE_64B  64-bit mode: CR0.PG, CR4.PAE and EFER.LME must be
 *                      set; the segments are flat and the hypervisor
 *                      chooses their cached state (64-bit code, flat data,
 *                      a busy 64-bit TSS).
 *
 * Segment attributes (the *_ar fields) are packed as in the VMCB: bits
 * 0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL, 9 L, 10 D/B, 11 G; bits 12-15 zero.
 * An attribute of 0 is a null (unusable) segment, allowed for DS and ES.
 */
#ifndef KEEL_PUBLIC_HVM_HVM_VCPU_H
#define KEEL_PUBLIC_HVM_HVM_VCPU_H

#include "../xen.h"

struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;              /* zero */
    uint64_t efer;              /* NXE; LME (with LMA) only for compatibility mode */
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];           /* zero */
};

struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};

#define VCPU_HVM_MODE_32B   0
#define VCPU_HVM_MODE_64B   1

struct vcpu_hvm_context {
    uint32_t mode;              /* VCPU_HVM_MODE_* */
    uint32_t pad;               /* zero */
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;

XEN_PUBLIC_ASSERT(sizeof(struct vcpu_hvm_x86_32) == 120, vcpu_hvm_x86_32_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, eip) == 32, vhx32_eip);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, cr0) == 40, vhx32_cr0);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, efer) == 56, vhx32_efer);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, cs_base) == 64, vhx32_cs_base);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, cs_limit) == 84, vhx32_cs_limit);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, cs_ar) == 104, vhx32_cs_ar);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_32, pad2) == 114, vhx32_pad2);
XEN_PUBLIC_ASSERT(sizeof(struct vcpu_hvm_x86_64) == 112, vcpu_hvm_x86_64_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_64, rip) == 64, vhx64_rip);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_64, cr0) == 80, vhx64_cr0);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_x86_64, efer) == 104, vhx64_efer);
XEN_PUBLIC_ASSERT(sizeof(struct vcpu_hvm_context) == 128, vcpu_hvm_context_size);
XEN_PUBLIC_ASSERT(offsetof(struct vcpu_hvm_context, cpu_regs) == 8, vhc_cpu_regs);

#endif
