/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_SVM_SVM_H
#define ASM_HVM_SVM_SVM_H

/*
 * AMD SVM internals shared by the files of hvm/svm/.  Nothing outside
 * that directory includes this: common code sees only hvm_funcs.
 */

/* struct cpu_user_regs offsets for entry.S (pinned in svm.c). */
#define UREGS_r15       0
#define UREGS_r14       8
#define UREGS_r13       16
#define UREGS_r12       24
#define UREGS_rbp       32
#define UREGS_rbx       40
#define UREGS_r11       48
#define UREGS_r10       56
#define UREGS_r9        64
#define UREGS_r8        72
#define UREGS_rax       80
#define UREGS_rcx       88
#define UREGS_rdx       96
#define UREGS_rsi       104
#define UREGS_rdi       112

#ifndef __ASSEMBLY__
#include <keel/types.h>
#include <asm/hvm/fpu_dr.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm/vmcb.h>

struct vcpu;
struct domain;
struct cpu_user_regs;

#define MSR_VM_CR           0xc0010114
#define VM_CR_SVMDIS        (1u << 4)
#define MSR_VM_HSAVE_PA     0xc0010117

/* CPUID 0x8000000a EDX: optional SVM features. */
#define SVM_FEATURE_NPT             (1u << 0)
#define SVM_FEATURE_LBRV            (1u << 1)
#define SVM_FEATURE_NRIPS           (1u << 3)
#define SVM_FEATURE_VMCBCLEAN       (1u << 5)
#define SVM_FEATURE_FLUSHBYASID     (1u << 6)
#define SVM_FEATURE_DECODEASSISTS   (1u << 7)
#define SVM_FEATURE_PAUSEFILTER     (1u << 10)

extern uint32_t svm_feature_flags;
extern uint32_t svm_nr_asids;
#define cpu_has_svm_nrips       (svm_feature_flags & SVM_FEATURE_NRIPS)
#define cpu_has_svm_flushbyasid (svm_feature_flags & SVM_FEATURE_FLUSHBYASID)

struct svm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    /* ASID handed out on processor asid_cpu in generation asid_generation. */
    uint32_t asid;
    unsigned int asid_cpu;
    uint64_t asid_generation;
    /* The last exit, kept for reports and the self-test. */
    uint64_t last_exitcode;
    unsigned long nr_exits;
    /* x87/SSE and DR0-3 of the guest while another vCPU runs. */
    struct hvm_fpu_dr fpu_dr;
};

static inline struct svm_vcpu *svm_vcpu(struct vcpu *v)
{
    return (struct svm_vcpu *)v->hvm.vendor;
}

/* svm.c */
extern const struct hvm_function_table svm_function_table;
int svm_detect(void);       /* 0 if SVM with NPT is usable, else -ENODEV (reason logged) */
int svm_alloc_host_areas(unsigned int cpu);
void svm_print_features(void);

/* vmcb.c: allocation, defaults, the shared permission maps. */
int svm_vmcb_global_init(void);
struct vmcb *svm_vmcb_alloc(paddr_t *pa);
void svm_vmcb_free(struct vmcb *vmcb);
void svm_vmcb_init(struct vcpu *v);
/* Debug: print control and save area. */
void svm_vmcb_dump(const struct vmcb *vmcb);

/* asid.c */
void svm_asid_init_cpu(void);
/* Pick the vCPU's ASID for this pCPU (and the TLB flush it needs) before VMRUN. */
void svm_asid_handle_vmrun(struct vcpu *v);
/* The vCPU's guest TLB entries must go: it gets a fresh ASID at its next VMRUN. */
void svm_asid_flush_vcpu(struct vcpu *v);

/* entry.S: the world switch. */
void svm_asm_do_vmrun(struct cpu_user_regs *regs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);

/* exits.c */
/* Handle the exit in v's VMCB; false when the vCPU must not be resumed now. */
bool svm_handle_exit(struct vcpu *v);
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_err, uint32_t err);
void svm_dump_state(struct vcpu *v);

/* intr.c: before VMRUN, inject the pending guest interrupt or ask for its window. */
void svm_intr_assist(struct vcpu *v);
/* hvm_funcs->flush_guest_tlbs. */
void svm_flush_guest_tlbs(struct domain *d);
/* Instruction emulation hooks (hvm_funcs get_segment / retire_insn). */
void svm_get_segment(struct vcpu *v, unsigned int seg, struct segment_register *reg);
void svm_retire_insn(struct vcpu *v, unsigned int len);
/* Name of an exit code for reports ("npf", "cpuid"...), never NULL. */
const char *svm_exit_name(uint64_t code);

/* selftest.c */
extern bool opt_hvm_selftest;
void svm_selftest(void);

/*
 * Per-exit hook for the self-test: called after each exit is handled
 * (NULL normally).  Not an extension point for anything else.
 */
extern void (*svm_exit_observer)(struct vcpu *v, uint64_t exitcode);
#endif

#endif
