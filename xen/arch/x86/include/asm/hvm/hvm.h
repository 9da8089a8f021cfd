/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

/*
 * The vendor-neutral vCPU layer.  Everything outside hvm/svm/ and hvm/vmx/
 * talks to hardware virtualisation only through these functions and the
 * ops table behind them; nothing else knows which vendor it runs on.
 */
#include <keel/types.h>
#include <asm/hvm/io.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vcpu_start.h>
#include <public/hvm/params.h>

struct vcpu;
struct domain;
struct cpu_user_regs;

/* Vendor state embedded in struct vcpu / struct domain. */
struct hvm_vcpu {
    void *vendor;                   /* struct svm_vcpu / struct vmx_vcpu */
    uint64_t guest_cr[5];           /* CR0, -, CR2, CR3, CR4 as the guest sees them */
    uint64_t guest_efer;
    uint64_t guest_pat;             /* MSR 0x277; the vendor loads it into the VMCB/VMCS */
    struct vlapic vlapic;           /* local APIC (hvm/vlapic.c) */
    /*
     * A start state another vCPU set (STARTUP IPI, VCPUOP_initialise),
     * loaded by the vCPU's own run loop on its pCPU before it next enters
     * (hvm_vcpu_load_pending_start()).  Both under the domain's lock.
     */
    struct hvm_vcpu_start start;
    bool start_pending;
    bool nmi_pending;               /* an NMI IPI waits for injection */
};

struct hvm_domain {
    void *vendor;
    uint64_t hypercall_page_gfn;    /* ~0 if none */
    struct hvm_io_handlers io;      /* emulated MMIO and port ranges (asm/hvm/io.h) */
    uint64_t params[HVM_NR_PARAMS]; /* HVMOP_{set,get}_param (hvm_op.c) */
    uint8_t callback_vector;        /* event upcall vector, 0 = none (irq.c) */
};

struct hvm_function_table {
    const char *name;
    int (*cpu_up)(void);                            /* per pCPU enable (EFER.SVME / VMXON) */
    int (*domain_initialise)(struct domain *d);
    void (*domain_destroy)(struct domain *d);
    int (*vcpu_initialise)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /*
     * Load a start state (asm/hvm/vcpu_start.h) into @v, which runs
     * nowhere: at domain build, or from the vCPU's own run loop before it
     * enters (hvm_vcpu_load_pending_start()).  x87/SSE and debug state
     * are reset too.
     */
    void (*vcpu_set_start)(struct vcpu *v, const struct hvm_vcpu_start *s);
    /* Enter the guest; returns after an exit was handled and the vCPU should not continue now. */
    void (*vcpu_run)(struct vcpu *v);
    /*
     * Optional.  The scheduler calls it on the pCPU @v last ran on, with
     * interrupts off, when that pCPU switches to something else: state @v
     * left in this pCPU's registers (x87/SSE, debug registers; the VMCS on
     * VT-x, which needs VMCLEAR) must be saved now, because @v may next
     * run on another pCPU.
     */
    void (*vcpu_leave_cpu)(struct vcpu *v);
    void (*write_hypercall_page)(void *page);       /* vmmcall / vmcall stubs */
    void (*dump_state)(struct vcpu *v);             /* registers for the end-of-domain report */
    /*
     * Instruction emulation (hvm/emulate.c).  get_segment: segment
     * register @seg, numbered as the instruction encoding does (0 ES,
     * 1 CS, 2 SS, 3 DS, 4 FS, 5 GS), with VMCB-style packed attributes.
     * retire_insn: the @len-byte instruction at RIP was emulated; step
     * RIP past it (wrapping at 4 GiB outside 64-bit code) and end any
     * STI / MOV SS interrupt shadow.
     */
    void (*get_segment)(struct vcpu *v, unsigned int seg, struct segment_register *reg);
    void (*retire_insn)(struct vcpu *v, unsigned int len);
    /*
     * The p2m of @d changed under running vCPUs: drop their cached
     * guest-physical translations before they next run, and make running
     * ones exit so that happens now (hvm/irq.c hvm_flush_guest_tlbs()).
     */
    void (*flush_guest_tlbs)(struct domain *d);
};

extern const struct hvm_function_table *hvm_funcs;
/* A guest may execute INVPCID (else CPUID hides it: it would raise #UD). */
extern bool hvm_guest_invpcid;

/*
 * The local APIC ID of a vCPU, as Xen numbers them for HVM guests: the
 * guest's CPUID (leaf 1 EBX[31:24]), its MADT, its virtual LAPIC's ID
 * register and the physical destinations of its IPIs all use it.
 */
#define hvm_vcpu_apic_id(v)     ((v)->vcpu_id * 2)

/*
 * The general registers of start state @st into v->regs (the rest zeroed),
 * for the vendor's vcpu_set_start(), which loads the control state itself.
 */
void hvm_start_regs(struct vcpu *v, const struct hvm_vcpu_start *st);

/* Detect SVM or VMX and enable it on the boot CPU; -ENODEV if neither. */
int hvm_init(void);
/* Enable on each secondary pCPU (called from smpboot). */
int hvm_cpu_up(void);

/*
 * Called by vendor exit handlers (common code, hvm/hvm.c and friends):
 * the guest executed vmmcall/vmcall with the hypercall number in rax.
 * The vendor code has already advanced rip past the instruction.
 */
void hvm_hypercall(struct vcpu *v);
/*
 * Guest interrupts (hvm/irq.c), for the vendor's VM-entry path: the
 * vector to inject now, or -1; and, once it was injected, that it was.
 * The vendor injects it when the guest is interruptible (RFLAGS.IF set,
 * no STI/MOV SS shadow, no other event being injected), else asks for
 * an exit at the next interrupt window and tries again then.
 */
int hvm_next_interrupt(struct vcpu *v);
void hvm_interrupt_taken(struct vcpu *v, int vector);
/* HLT with interrupts enabled: sleep until hvm_next_interrupt() or an NMI has something. */
void hvm_hlt(struct vcpu *v);
/*
 * NMIs (an NMI IPI from another vCPU): hvm_inject_nmi() marks one pending
 * and kicks @v; the vendor's VM-entry path injects it when the guest is
 * not blocking NMIs and calls hvm_nmi_taken().  Several before one is
 * injected are one, as on hardware.
 */
void hvm_inject_nmi(struct vcpu *v);
bool hvm_nmi_pending(struct vcpu *v);
void hvm_nmi_taken(struct vcpu *v);
/*
 * The vendor run loop calls this before it enters @v: a start state
 * another vCPU set for it is loaded now (hvm_funcs->vcpu_set_start).
 */
void hvm_vcpu_load_pending_start(struct vcpu *v);
/* Common work before every VM entry (time refresh, poll clean-up). */
void hvm_do_resume(struct vcpu *v);
/* hvm_funcs->flush_guest_tlbs(d). */
void hvm_flush_guest_tlbs(struct domain *d);
/* Set HVM parameter @index of @d from the hypervisor (domain builder); 0 or -EINVAL. */
int hvm_param_set(struct domain *d, unsigned int index, uint64_t value);

/* CPUID and MSR policy (hvm/cpuid.c): fill in what the guest sees. */
void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
               uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d);
/* The CR4/EFER bits and address width a VCPUOP_initialise context may use (cpuid.c). */
void hvm_start_limits(struct vcpu *v, struct hvm_start_limits *lim);
/* 0 handled, -EPERM → inject #GP. */
int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
