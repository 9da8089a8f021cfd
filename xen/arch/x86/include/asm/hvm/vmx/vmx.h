/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_VMX_VMX_H
#define ASM_HVM_VMX_VMX_H

/*
 * Intel VMX internals shared by the files of hvm/vmx/ (and the EPT p2m).
 * Nothing else includes this: common code sees only hvm_funcs.
 */

/* struct cpu_user_regs offsets for entry.S (pinned in vmx.c; the same as svm.h's). */
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
#define VMCS_HOST_RSP   0x6c14

#ifndef __ASSEMBLY__
#include <keel/types.h>
#include <asm/hvm/fpu_dr.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vmx/vmcs.h>

struct vcpu;
struct domain;
struct p2m_domain;

/* What detection found (vmx.c), fixed after boot. */
struct vmx_caps {
    uint64_t basic;
    uint32_t pin, proc, proc2, exit, entry;     /* the control words programmed */
    uint64_t ept_vpid;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint32_t vmcs_revision;
    bool vpid;                                  /* VPIDs in use (with a usable INVVPID) */
    int invept_type;                            /* INVEPT_SINGLE_CONTEXT or _ALL_CONTEXT */
    int invvpid_type;
    bool ept_2mb;
    bool ins_outs_info;
    /* The VMX-preemption timer counts down once per 2^preempt_shift TSC ticks. */
    bool preempt_timer;
    unsigned int preempt_shift;
    bool tsc_deadline;                          /* IA32_TSC_DEADLINE can be read */
    bool vnmi;                                  /* virtual NMIs and NMI-window exiting */
};
extern struct vmx_caps vmx_caps;

struct vmx_vcpu {
    paddr_t vmcs_pa;
    void *vmcs;
    bool launched;                  /* VMLAUNCH done since the last VMCLEAR */
    /* VPID handed out on pCPU vpid_cpu in generation vpid_generation (vpid.c). */
    uint16_t vpid;
    unsigned int vpid_cpu;
    uint64_t vpid_generation;
    uint64_t ept_flush_seen;        /* the p2m's flush generation last flushed for */
    bool ept_flush_pending;         /* INVEPT at the next entry (vmx_flush_guest_tlbs()) */
    /* The primary processor-based controls in the VMCS (intr.c toggles window exiting). */
    uint32_t proc_controls;
    /* The last exit, kept for reports and the self-test. */
    uint32_t last_exit_reason;
    uint64_t last_exit_qual;
    unsigned long nr_exits;
    /* Guest control state the VMCS shows differently (hvm.guest_cr has the guest's view). */
    uint32_t entry_controls;
    uint64_t xcr0;                  /* XSETBV value accepted (x87|SSE at most) */
    uint8_t tpr;                    /* CR8: kept, affects nothing (no virtual APIC yet) */
    /* x87/SSE, DR0-3 (and below DR6 and the syscall MSRs) while another vCPU runs. */
    struct hvm_fpu_dr fpu_dr;
    unsigned long dr6;              /* not in the VMCS, unlike DR7 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
};

static inline struct vmx_vcpu *vmx_vcpu(struct vcpu *v)
{
    return (struct vmx_vcpu *)v->hvm.vendor;
}

/*
 * VMX instructions.  Failure is reported in RFLAGS: CF set is
 * VMfailInvalid (no current VMCS), ZF set is VMfailValid (the error
 * number is in the VMCS).  Each wrapper returns 0, or 1 / 2 for those.
 */
#define VMX_FAIL_INVALID    1
#define VMX_FAIL_VALID      2

#define VMX_STATUS_ASM      "jc 1f; jz 2f; xor %k0, %k0; jmp 3f; 1: mov $1, %k0; jmp 3f; " \
                            "2: mov $2, %k0; 3:"

static inline int vmxon(paddr_t pa)
{
    int rc;

    __asm__ volatile ("vmxon %1; " VMX_STATUS_ASM : "=r" (rc) : "m" (pa) : "cc", "memory");
    return rc;
}

static inline void vmxoff(void)
{
    __asm__ volatile ("vmxoff" ::: "cc", "memory");
}

static inline int vmclear(paddr_t pa)
{
    int rc;

    __asm__ volatile ("vmclear %1; " VMX_STATUS_ASM : "=r" (rc) : "m" (pa) : "cc", "memory");
    return rc;
}

static inline int vmptrld(paddr_t pa)
{
    int rc;

    __asm__ volatile ("vmptrld %1; " VMX_STATUS_ASM : "=r" (rc) : "m" (pa) : "cc", "memory");
    return rc;
}

static inline int vmwrite_rc(unsigned long field, unsigned long val)
{
    int rc;

    __asm__ volatile ("vmwrite %2, %1; " VMX_STATUS_ASM : "=r" (rc) : "r" (field), "rm" (val)
                      : "cc", "memory");
    return rc;
}

static inline unsigned long vmread(unsigned long field)
{
    unsigned long val = 0;

    __asm__ volatile ("vmread %1, %0" : "+rm" (val) : "r" (field) : "cc");
    return val;
}

struct invept_desc { uint64_t eptp, rsvd; };
struct invvpid_desc { uint64_t vpid, addr; };

static inline int invept(unsigned long type, uint64_t eptp)
{
    struct invept_desc d = { eptp, 0 };
    int rc;

    __asm__ volatile ("invept %1, %2; " VMX_STATUS_ASM : "=r" (rc) : "m" (d), "r" (type)
                      : "cc", "memory");
    return rc;
}

static inline int invvpid(unsigned long type, uint16_t vpid)
{
    struct invvpid_desc d = { vpid, 0 };
    int rc;

    __asm__ volatile ("invvpid %1, %2; " VMX_STATUS_ASM : "=r" (rc) : "m" (d), "r" (type)
                      : "cc", "memory");
    return rc;
}

/*
 * VMWRITE to the current VMCS.  A failure is a Keel bug (a field this
 * CPU lacks, a read-only field): report it with the SDM's error text.
 */
void vmx_vmwrite_failed(unsigned long field, unsigned long val, int rc);
static inline void vmwrite(unsigned long field, unsigned long val)
{
    int rc = vmwrite_rc(field, val);

    if ( unlikely(rc) )
        vmx_vmwrite_failed(field, val, rc);
}

/* "VMfailValid: error 7 (VM entry with invalid control field(s))" into @buf. */
void vmx_describe_failure(const char *insn, int rc, char *buf, size_t len);

/* vmx.c */
extern const struct hvm_function_table vmx_function_table;
int vmx_detect(void);       /* 0 if VMX with EPT and unrestricted guest is usable, reason logged */
int vmx_alloc_host_areas(unsigned int cpu);
void vmx_print_features(void);

/* vmcs.c: allocation, controls, host and guest state. */
int vmx_vmcs_global_init(void);
int vmx_vmcs_alloc(struct vcpu *v);
void vmx_vmcs_free(struct vcpu *v);
void vmx_vmcs_init(struct vcpu *v);
/* Make v's VMCS current on this pCPU (and give it this pCPU's host state) / flush it to memory. */
int vmx_vmcs_enter(struct vcpu *v);
void vmx_vmcs_exit(struct vcpu *v);
void vmx_set_segment(unsigned int seg, const struct segment_register *s);
/* Debug: print the guest-state area and the controls of the current VMCS. */
void vmx_vmcs_dump(void);
#define VMX_SEG_ES  0
#define VMX_SEG_CS  1
#define VMX_SEG_SS  2
#define VMX_SEG_DS  3
#define VMX_SEG_FS  4
#define VMX_SEG_GS  5
#define VMX_SEG_LDTR 6
#define VMX_SEG_TR  7

/* vpid.c */
void vmx_vpid_init_cpu(void);
/* Pick the vCPU's VPID for this pCPU and do the TLB/EPT flushes it needs, before VM entry. */
void vmx_vpid_handle_vmentry(struct vcpu *v);
void vmx_vpid_flush_vcpu(struct vcpu *v);

/* intr.c */
/* Inject the pending guest interrupt or ask for an interrupt-window exit; VMCS current. */
void vmx_intr_assist(struct vcpu *v);
/* hvm_funcs->flush_guest_tlbs. */
void vmx_flush_guest_tlbs(struct domain *d);

/* entry.S: the world switch; 0 after a VM exit, else VMX_FAIL_* of VMLAUNCH/VMRESUME. */
int vmx_asm_do_vmentry(struct cpu_user_regs *regs, bool resume);
void vmx_asm_vmexit(void);

/* exits.c */
bool vmx_handle_exit(struct vcpu *v);
void vmx_inject_exception(struct vcpu *v, unsigned int vector, bool has_err, uint32_t err);
void vmx_retire_insn(struct vcpu *v, unsigned int len);
/*
 * PAE paging outside long mode: load the four PDPTEs at @cr3 into the
 * (current) VMCS; false, with the domain ended, if they are not RAM.
 */
bool vmx_load_pdptes(struct vcpu *v, uint64_t cr3);
void vmx_dump_state(struct vcpu *v);
const char *vmx_exit_name(uint32_t reason);
/* Guest CR0/CR4 as the hardware must hold them for the guest's view @val. */
uint64_t vmx_cr0_hw(uint64_t val);
uint64_t vmx_cr4_hw(uint64_t val);

/* selftest.c (the option itself is defined in svm/selftest.c) */
extern bool opt_hvm_selftest;
void vmx_selftest(void);
extern void (*vmx_exit_observer)(struct vcpu *v, uint32_t reason);

/* mm/p2m-ept.c */
extern const struct p2m_ops p2m_ept_ops;
/* Bumped whenever a present EPT entry changes: vCPUs INVEPT before their next entry. */
uint64_t p2m_ept_flush_generation(struct p2m_domain *p2m);
#endif

#endif
