/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_FPU_DR_H
#define ASM_HVM_FPU_DR_H

/*
 * Guest state neither the VMCB nor the VMCS switches and that the guest
 * reaches without exits: x87/SSE registers and debug registers DR0-DR3.
 * Keel itself never touches them (it is built without SSE and sets no
 * breakpoints), so the vendor code switches them lazily, only when
 * another vCPU runs on the CPU (hvm/fpu_dr.c).
 */
#include <keel/types.h>

struct hvm_fpu_dr {
    uint8_t fpu[512] __aligned(16);     /* FXSAVE image */
    bool fpu_saved;                     /* false: load the reset state */
    unsigned long dr[4];
};

/* Back to the power-on state: loaded at the next switch to the vCPU. */
void hvm_fpu_dr_reset(struct hvm_fpu_dr *s);
/* Save what the CPU holds for the vCPU that owns @s. */
void hvm_fpu_dr_save(struct hvm_fpu_dr *s);
/* Load @s (or the reset state) into the CPU. */
void hvm_fpu_dr_load(const struct hvm_fpu_dr *s);

unsigned long read_dr6(void);
void write_dr6(unsigned long v);

#endif
