/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_VCPU_START_H
#define ASM_HVM_VCPU_START_H

/*
 * The register state a vCPU starts (or restarts) from, vendor-neutral:
 * the PVH entry state of a boot vCPU, the real-mode state an INIT and a
 * STARTUP IPI leave, or what a guest asked for with VCPUOP_initialise.
 * The vendor code loads it with hvm_funcs->vcpu_set_start().  The
 * builders in hvm/vcpu_start.c are pure (no struct vcpu), so the host unit
 * tests run them as they are.
 */
#include <keel/types.h>

struct vcpu_hvm_context;

/* Segment state for set-up and reports. */
struct segment_register {
    uint16_t sel;
    /* VMCB-style packed: type[3:0] S[4] DPL[6:5] P[7] AVL[8] L[9] D/B[10] G[11]; 0 = unusable */
    uint16_t attr;
    uint32_t limit;                 /* in bytes (G already applied) */
    uint64_t base;
};

struct hvm_vcpu_start {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4;
    uint64_t efer;                  /* as the guest reads it: LMA set in long mode */
    struct segment_register cs, ss, ds, es, fs, gs, tr, ldtr;
    struct segment_register gdtr, idtr;     /* base and limit only */
};

/*
 * What a VCPUOP_initialise context may contain on this machine: the CR4
 * and EFER bits the guest's CPUID offers and the physical address width
 * (CR3 must lie below it).
 */
struct hvm_start_limits {
    uint64_t cr4_valid;
    uint64_t efer_valid;            /* without LMA, which follows LME and CR0.PG */
    unsigned int paddr_bits;
};

/*
 * PVH entry (docs/boot-domains.md): 32-bit protected mode, paging off,
 * flat code and data segments, a busy 32-bit TSS, %ebx = start info.
 */
void hvm_start_state_pvh(struct hvm_vcpu_start *s, uint32_t entry, uint32_t start_info);

/*
 * INIT followed by a STARTUP IPI with @vector (SDM vol. 3A 9.1.1 and
 * 10.4.4): real mode at CS = vector << 8 (base vector << 12), IP 0,
 * 64 KiB data segments at 0, CR0 0x60000010, EFER 0, RFLAGS 0x2, and EDX
 * the processor signature (CPUID leaf 1 EAX) @signature.
 */
void hvm_start_state_sipi(struct hvm_vcpu_start *s, uint8_t vector, uint32_t signature);

/*
 * VCPUOP_initialise: the state of @ctx after the checks Xen makes (and
 * those VM entry would make, so a bad context is -EINVAL, never a failed
 * VMRUN/VMLAUNCH).  0, or -EINVAL with *@why saying what is wrong.
 */
int hvm_start_state_from_context(struct hvm_vcpu_start *s, const struct vcpu_hvm_context *ctx,
                                 const struct hvm_start_limits *lim, const char **why);

#endif
