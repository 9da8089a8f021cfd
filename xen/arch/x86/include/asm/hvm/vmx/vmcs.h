/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_VMX_VMCS_H
#define ASM_HVM_VMX_VMCS_H

/*
 * Intel VMX architectural constants (SDM vol. 3, chapters 24-28 and
 * appendices A-C): VMCS field encodings, control bits, exit reasons,
 * the capability MSRs, the EPT entry format.  Definitions only, no code:
 * the host-compiled unit tests include this too.
 */
#include <keel/types.h>

/* Capability and control MSRs (SDM appendix A). */
#define MSR_IA32_FEATURE_CONTROL        0x0000003a
#define FEATURE_CONTROL_LOCK            (1u << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1u << 2)
#define MSR_IA32_VMX_BASIC              0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS      0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS     0x00000482
#define MSR_IA32_VMX_EXIT_CTLS          0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS         0x00000484
#define MSR_IA32_VMX_MISC               0x00000485
#define MSR_IA32_VMX_CR0_FIXED0         0x00000486
#define MSR_IA32_VMX_CR0_FIXED1         0x00000487
#define MSR_IA32_VMX_CR4_FIXED0         0x00000488
#define MSR_IA32_VMX_CR4_FIXED1         0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2    0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP       0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x00000490

/* IA32_VMX_BASIC. */
#define VMX_BASIC_REVISION_MASK         0x7fffffffULL
#define VMX_BASIC_MEMTYPE_SHIFT         50
#define VMX_BASIC_INS_OUTS_INFO         (1ULL << 54)
#define VMX_BASIC_TRUE_CTLS             (1ULL << 55)

/* IA32_VMX_EPT_VPID_CAP. */
#define VMX_EPT_WALK_LENGTH_4           (1ULL << 6)
#define VMX_EPT_MEMTYPE_WB              (1ULL << 14)
#define VMX_EPT_2MB_PAGES               (1ULL << 16)
#define VMX_EPT_1GB_PAGES               (1ULL << 17)
#define VMX_EPT_INVEPT                  (1ULL << 20)
#define VMX_EPT_AD_BITS                 (1ULL << 21)
#define VMX_EPT_INVEPT_SINGLE           (1ULL << 25)
#define VMX_EPT_INVEPT_ALL              (1ULL << 26)
#define VMX_VPID_INVVPID                (1ULL << 32)
#define VMX_VPID_INVVPID_SINGLE         (1ULL << 41)
#define VMX_VPID_INVVPID_ALL            (1ULL << 42)

/* INVEPT / INVVPID types. */
#define INVEPT_SINGLE_CONTEXT           1
#define INVEPT_ALL_CONTEXT              2
#define INVVPID_SINGLE_CONTEXT          1
#define INVVPID_ALL_CONTEXT             2

/* Pin-based VM-execution controls. */
#define PIN_EXTERNAL_INTERRUPT_EXITING  (1u << 0)
#define PIN_NMI_EXITING                 (1u << 3)
#define PIN_VIRTUAL_NMIS                (1u << 5)
#define PIN_PREEMPTION_TIMER            (1u << 6)
#define PIN_POSTED_INTERRUPTS           (1u << 7)

/* Primary processor-based VM-execution controls. */
#define CPU_INTERRUPT_WINDOW_EXITING    (1u << 2)
#define CPU_USE_TSC_OFFSETTING          (1u << 3)
#define CPU_HLT_EXITING                 (1u << 7)
#define CPU_INVLPG_EXITING              (1u << 9)
#define CPU_MWAIT_EXITING               (1u << 10)
#define CPU_RDPMC_EXITING               (1u << 11)
#define CPU_RDTSC_EXITING               (1u << 12)
#define CPU_CR3_LOAD_EXITING            (1u << 15)
#define CPU_CR3_STORE_EXITING           (1u << 16)
#define CPU_CR8_LOAD_EXITING            (1u << 19)
#define CPU_CR8_STORE_EXITING           (1u << 20)
#define CPU_USE_TPR_SHADOW              (1u << 21)
#define CPU_NMI_WINDOW_EXITING          (1u << 22)
#define CPU_MOV_DR_EXITING              (1u << 23)
#define CPU_UNCOND_IO_EXITING           (1u << 24)
#define CPU_USE_IO_BITMAPS              (1u << 25)
#define CPU_MONITOR_TRAP_FLAG           (1u << 27)
#define CPU_USE_MSR_BITMAPS             (1u << 28)
#define CPU_MONITOR_EXITING             (1u << 29)
#define CPU_PAUSE_EXITING               (1u << 30)
#define CPU_ACTIVATE_SECONDARY          (1u << 31)

/* Secondary processor-based VM-execution controls. */
#define CPU2_VIRTUALIZE_APIC_ACCESSES   (1u << 0)
#define CPU2_ENABLE_EPT                 (1u << 1)
#define CPU2_DESC_TABLE_EXITING         (1u << 2)
#define CPU2_ENABLE_RDTSCP              (1u << 3)
#define CPU2_VIRTUALIZE_X2APIC          (1u << 4)
#define CPU2_ENABLE_VPID                (1u << 5)
#define CPU2_WBINVD_EXITING             (1u << 6)
#define CPU2_UNRESTRICTED_GUEST         (1u << 7)
#define CPU2_PAUSE_LOOP_EXITING         (1u << 10)
#define CPU2_RDRAND_EXITING             (1u << 11)
#define CPU2_ENABLE_INVPCID             (1u << 12)
#define CPU2_ENABLE_VMFUNC              (1u << 13)
#define CPU2_VMCS_SHADOWING             (1u << 14)
#define CPU2_RDSEED_EXITING             (1u << 16)
#define CPU2_ENABLE_PML                 (1u << 17)
#define CPU2_ENABLE_XSAVES              (1u << 20)

/* VM-exit controls. */
#define EXIT_SAVE_DEBUG_CONTROLS        (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE       (1u << 9)
#define EXIT_LOAD_PERF_GLOBAL_CTRL      (1u << 12)
#define EXIT_ACK_INTERRUPT_ON_EXIT      (1u << 15)
#define EXIT_SAVE_PAT                   (1u << 18)
#define EXIT_LOAD_PAT                   (1u << 19)
#define EXIT_SAVE_EFER                  (1u << 20)
#define EXIT_LOAD_EFER                  (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER      (1u << 22)

/* VM-entry controls. */
#define ENTRY_LOAD_DEBUG_CONTROLS       (1u << 2)
#define ENTRY_IA32E_MODE                (1u << 9)
#define ENTRY_SMM                       (1u << 10)
#define ENTRY_DEACT_DUAL_MONITOR        (1u << 11)
#define ENTRY_LOAD_PERF_GLOBAL_CTRL     (1u << 13)
#define ENTRY_LOAD_PAT                  (1u << 14)
#define ENTRY_LOAD_EFER                 (1u << 15)

/* VMCS field encodings (SDM appendix B). */
enum vmcs_field {
    /* 16-bit */
    VIRTUAL_PROCESSOR_ID            = 0x0000,
    GUEST_ES_SELECTOR               = 0x0800,
    GUEST_CS_SELECTOR               = 0x0802,
    GUEST_SS_SELECTOR               = 0x0804,
    GUEST_DS_SELECTOR               = 0x0806,
    GUEST_FS_SELECTOR               = 0x0808,
    GUEST_GS_SELECTOR               = 0x080a,
    GUEST_LDTR_SELECTOR             = 0x080c,
    GUEST_TR_SELECTOR               = 0x080e,
    HOST_ES_SELECTOR                = 0x0c00,
    HOST_CS_SELECTOR                = 0x0c02,
    HOST_SS_SELECTOR                = 0x0c04,
    HOST_DS_SELECTOR                = 0x0c06,
    HOST_FS_SELECTOR                = 0x0c08,
    HOST_GS_SELECTOR                = 0x0c0a,
    HOST_TR_SELECTOR                = 0x0c0c,
    /* 64-bit */
    IO_BITMAP_A                     = 0x2000,
    IO_BITMAP_B                     = 0x2002,
    MSR_BITMAP                      = 0x2004,
    VM_EXIT_MSR_STORE_ADDR          = 0x2006,
    VM_EXIT_MSR_LOAD_ADDR           = 0x2008,
    VM_ENTRY_MSR_LOAD_ADDR          = 0x200a,
    TSC_OFFSET                      = 0x2010,
    EPT_POINTER                     = 0x201a,
    GUEST_PHYSICAL_ADDRESS          = 0x2400,
    VMCS_LINK_POINTER               = 0x2800,
    GUEST_IA32_DEBUGCTL             = 0x2802,
    GUEST_IA32_PAT                  = 0x2804,
    GUEST_IA32_EFER                 = 0x2806,
    GUEST_PDPTE0                    = 0x280a,
    GUEST_PDPTE1                    = 0x280c,
    GUEST_PDPTE2                    = 0x280e,
    GUEST_PDPTE3                    = 0x2810,
    HOST_IA32_PAT                   = 0x2c00,
    HOST_IA32_EFER                  = 0x2c02,
    /* 32-bit */
    PIN_BASED_VM_EXEC_CONTROL       = 0x4000,
    CPU_BASED_VM_EXEC_CONTROL       = 0x4002,
    EXCEPTION_BITMAP                = 0x4004,
    PAGE_FAULT_ERROR_CODE_MASK      = 0x4006,
    PAGE_FAULT_ERROR_CODE_MATCH     = 0x4008,
    CR3_TARGET_COUNT                = 0x400a,
    VM_EXIT_CONTROLS                = 0x400c,
    VM_EXIT_MSR_STORE_COUNT         = 0x400e,
    VM_EXIT_MSR_LOAD_COUNT          = 0x4010,
    VM_ENTRY_CONTROLS               = 0x4012,
    VM_ENTRY_MSR_LOAD_COUNT         = 0x4014,
    VM_ENTRY_INTR_INFO              = 0x4016,
    VM_ENTRY_EXCEPTION_ERROR_CODE   = 0x4018,
    VM_ENTRY_INSTRUCTION_LEN        = 0x401a,
    TPR_THRESHOLD                   = 0x401c,
    SECONDARY_VM_EXEC_CONTROL       = 0x401e,
    VM_INSTRUCTION_ERROR            = 0x4400,
    VM_EXIT_REASON                  = 0x4402,
    VM_EXIT_INTR_INFO               = 0x4404,
    VM_EXIT_INTR_ERROR_CODE         = 0x4406,
    IDT_VECTORING_INFO              = 0x4408,
    IDT_VECTORING_ERROR_CODE        = 0x440a,
    VM_EXIT_INSTRUCTION_LEN         = 0x440c,
    VMX_INSTRUCTION_INFO            = 0x440e,
    GUEST_ES_LIMIT                  = 0x4800,
    GUEST_CS_LIMIT                  = 0x4802,
    GUEST_SS_LIMIT                  = 0x4804,
    GUEST_DS_LIMIT                  = 0x4806,
    GUEST_FS_LIMIT                  = 0x4808,
    GUEST_GS_LIMIT                  = 0x480a,
    GUEST_LDTR_LIMIT                = 0x480c,
    GUEST_TR_LIMIT                  = 0x480e,
    GUEST_GDTR_LIMIT                = 0x4810,
    GUEST_IDTR_LIMIT                = 0x4812,
    GUEST_ES_AR_BYTES               = 0x4814,
    GUEST_CS_AR_BYTES               = 0x4816,
    GUEST_SS_AR_BYTES               = 0x4818,
    GUEST_DS_AR_BYTES               = 0x481a,
    GUEST_FS_AR_BYTES               = 0x481c,
    GUEST_GS_AR_BYTES               = 0x481e,
    GUEST_LDTR_AR_BYTES             = 0x4820,
    GUEST_TR_AR_BYTES               = 0x4822,
    GUEST_INTERRUPTIBILITY_INFO     = 0x4824,
    GUEST_ACTIVITY_STATE            = 0x4826,
    GUEST_SYSENTER_CS               = 0x482a,
    VMX_PREEMPTION_TIMER_VALUE      = 0x482e,
    HOST_SYSENTER_CS                = 0x4c00,
    /* natural width */
    CR0_GUEST_HOST_MASK             = 0x6000,
    CR4_GUEST_HOST_MASK             = 0x6002,
    CR0_READ_SHADOW                 = 0x6004,
    CR4_READ_SHADOW                 = 0x6006,
    EXIT_QUALIFICATION              = 0x6400,
    GUEST_LINEAR_ADDRESS            = 0x640a,
    GUEST_CR0                       = 0x6800,
    GUEST_CR3                       = 0x6802,
    GUEST_CR4                       = 0x6804,
    GUEST_ES_BASE                   = 0x6806,
    GUEST_CS_BASE                   = 0x6808,
    GUEST_SS_BASE                   = 0x680a,
    GUEST_DS_BASE                   = 0x680c,
    GUEST_FS_BASE                   = 0x680e,
    GUEST_GS_BASE                   = 0x6810,
    GUEST_LDTR_BASE                 = 0x6812,
    GUEST_TR_BASE                   = 0x6814,
    GUEST_GDTR_BASE                 = 0x6816,
    GUEST_IDTR_BASE                 = 0x6818,
    GUEST_DR7                       = 0x681a,
    GUEST_RSP                       = 0x681c,
    GUEST_RIP                       = 0x681e,
    GUEST_RFLAGS                    = 0x6820,
    GUEST_PENDING_DBG_EXCEPTIONS    = 0x6822,
    GUEST_SYSENTER_ESP              = 0x6824,
    GUEST_SYSENTER_EIP              = 0x6826,
    HOST_CR0                        = 0x6c00,
    HOST_CR3                        = 0x6c02,
    HOST_CR4                        = 0x6c04,
    HOST_FS_BASE                    = 0x6c06,
    HOST_GS_BASE                    = 0x6c08,
    HOST_TR_BASE                    = 0x6c0a,
    HOST_GDTR_BASE                  = 0x6c0c,
    HOST_IDTR_BASE                  = 0x6c0e,
    HOST_SYSENTER_ESP               = 0x6c10,
    HOST_SYSENTER_EIP               = 0x6c12,
    HOST_RSP                        = 0x6c14,
    HOST_RIP                        = 0x6c16,
};

/* Basic exit reasons (SDM appendix C); bit 31 of the exit reason: VM-entry failure. */
#define EXIT_REASON_EXCEPTION_NMI       0
#define EXIT_REASON_EXTERNAL_INTERRUPT  1
#define EXIT_REASON_TRIPLE_FAULT        2
#define EXIT_REASON_INIT                3
#define EXIT_REASON_SIPI                4
#define EXIT_REASON_IO_SMI              5
#define EXIT_REASON_OTHER_SMI           6
#define EXIT_REASON_INTERRUPT_WINDOW    7
#define EXIT_REASON_NMI_WINDOW          8
#define EXIT_REASON_TASK_SWITCH         9
#define EXIT_REASON_CPUID               10
#define EXIT_REASON_GETSEC              11
#define EXIT_REASON_HLT                 12
#define EXIT_REASON_INVD                13
#define EXIT_REASON_INVLPG              14
#define EXIT_REASON_RDPMC               15
#define EXIT_REASON_RDTSC               16
#define EXIT_REASON_RSM                 17
#define EXIT_REASON_VMCALL              18
#define EXIT_REASON_VMCLEAR             19
#define EXIT_REASON_VMLAUNCH            20
#define EXIT_REASON_VMPTRLD             21
#define EXIT_REASON_VMPTRST             22
#define EXIT_REASON_VMREAD              23
#define EXIT_REASON_VMRESUME            24
#define EXIT_REASON_VMWRITE             25
#define EXIT_REASON_VMXOFF              26
#define EXIT_REASON_VMXON               27
#define EXIT_REASON_CR_ACCESS           28
#define EXIT_REASON_DR_ACCESS           29
#define EXIT_REASON_IO_INSTRUCTION      30
#define EXIT_REASON_MSR_READ            31
#define EXIT_REASON_MSR_WRITE           32
#define EXIT_REASON_INVALID_GUEST_STATE 33
#define EXIT_REASON_MSR_LOADING         34
#define EXIT_REASON_MWAIT               36
#define EXIT_REASON_MONITOR_TRAP_FLAG   37
#define EXIT_REASON_MONITOR             39
#define EXIT_REASON_PAUSE               40
#define EXIT_REASON_MACHINE_CHECK       41
#define EXIT_REASON_TPR_BELOW_THRESHOLD 43
#define EXIT_REASON_APIC_ACCESS         44
#define EXIT_REASON_GDTR_IDTR_ACCESS    46
#define EXIT_REASON_LDTR_TR_ACCESS      47
#define EXIT_REASON_EPT_VIOLATION       48
#define EXIT_REASON_EPT_MISCONFIG       49
#define EXIT_REASON_INVEPT              50
#define EXIT_REASON_RDTSCP              51
#define EXIT_REASON_PREEMPTION_TIMER    52
#define EXIT_REASON_INVVPID             53
#define EXIT_REASON_WBINVD              54
#define EXIT_REASON_XSETBV              55
#define EXIT_REASON_APIC_WRITE          56
#define EXIT_REASON_RDRAND              57
#define EXIT_REASON_INVPCID             58
#define EXIT_REASON_VMFUNC              59
#define EXIT_REASON_ENCLS               60
#define EXIT_REASON_RDSEED              61
#define EXIT_REASON_PML_FULL            62
#define EXIT_REASON_XSAVES              63
#define EXIT_REASON_XRSTORS             64
#define EXIT_REASON_ENTRY_FAILURE       (1u << 31)

/* Event injection / exit interruption information / IDT-vectoring information. */
#define INTR_INFO_VECTOR_MASK           0xffu
#define INTR_TYPE_EXT_INTR              (0u << 8)
#define INTR_TYPE_NMI                   (2u << 8)
#define INTR_TYPE_HW_EXCEPTION          (3u << 8)
#define INTR_TYPE_SW_INTERRUPT          (4u << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION     (5u << 8)
#define INTR_TYPE_SW_EXCEPTION          (6u << 8)
#define INTR_TYPE_MASK                  (7u << 8)
#define INTR_INFO_DELIVER_CODE          (1u << 11)
#define INTR_INFO_NMI_UNBLOCKED_BY_IRET (1u << 12)
#define INTR_INFO_VALID                 (1u << 31)

/* Guest interruptibility state. */
#define GUEST_INTR_STATE_STI            (1u << 0)
#define GUEST_INTR_STATE_MOV_SS         (1u << 1)
#define GUEST_INTR_STATE_NMI            (1u << 3)

/* Exit qualification of I/O instructions. */
#define IO_QUAL_SIZE_MASK               7u      /* size - 1 */
#define IO_QUAL_IN                      (1u << 3)
#define IO_QUAL_STRING                  (1u << 4)
#define IO_QUAL_REP                     (1u << 5)
#define IO_QUAL_PORT_SHIFT              16

/* Exit qualification of control-register accesses. */
#define CR_QUAL_NUMBER(q)               ((q) & 0xf)
#define CR_QUAL_TYPE(q)                 (((q) >> 4) & 3)
#define CR_QUAL_REG(q)                  (((q) >> 8) & 0xf)
#define CR_TYPE_MOV_TO_CR               0
#define CR_TYPE_MOV_FROM_CR             1
#define CR_TYPE_CLTS                    2
#define CR_TYPE_LMSW                    3

/* Exit qualification of EPT violations. */
#define EPT_QUAL_GLA_VALID              (1u << 7)   /* guest linear address valid */
#define EPT_QUAL_GLA_TRANSLATION        (1u << 8)   /* the access itself, not a page walk */

/*
 * Segment access rights as the VMCS holds them: type[3:0] S[4] DPL[6:5]
 * P[7] AVL[12] L[13] D/B[14] G[15] unusable[16].
 */
#define VMX_AR_UNUSABLE                 (1u << 16)

/*
 * EPT paging-structure entries (SDM 28.3.2): R/W/X in bits 0-2, the
 * memory type of a leaf in bits 5:3, "ignore PAT" bit 6, a large leaf
 * in bit 7.  Bits 52-62 are ignored by the hardware: the p2m keeps its
 * type there.
 */
#define EPT_READ                        (1ULL << 0)
#define EPT_WRITE                       (1ULL << 1)
#define EPT_EXEC                        (1ULL << 2)
#define EPT_RWX                         (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MT_SHIFT                    3
#define EPT_MT_UC                       0ULL
#define EPT_MT_WB                       6ULL
#define EPT_IGNORE_PAT                  (1ULL << 6)
#define EPT_LARGE                       (1ULL << 7)
/* The EPT pointer: memory type WB, walk length 4 (encoded as 3 in bits 5:3). */
#define EPTP_MT_WB                      6ULL
#define EPTP_WALK_LENGTH_4              (3ULL << 3)

/*
 * Pure helpers (hvm/vmx/vmx_caps.c), compiled into the unit tests too.
 */
enum vmx_ctl_kind { VMX_CTL_PIN, VMX_CTL_PROC, VMX_CTL_PROC2, VMX_CTL_EXIT, VMX_CTL_ENTRY };

/*
 * The control word to program from a capability MSR (allowed-0 settings
 * in bits 31:0, allowed-1 settings in bits 63:32): @must and @want set,
 * plus every bit the CPU forces to 1, minus the @want bits it cannot
 * set.  Returns 0, or the @must bits the CPU cannot set (then *out is
 * left alone).
 */
uint32_t vmx_adjust_controls(uint32_t want, uint32_t must, uint64_t cap_msr, uint32_t *out);
/* "bit 1 (enable EPT), bit 7 (unrestricted guest)" for @bits of control word @kind. */
size_t vmx_describe_bits(enum vmx_ctl_kind kind, uint32_t bits, char *buf, size_t len);
/* The name of one control bit, NULL if unknown. */
const char *vmx_control_bit_name(enum vmx_ctl_kind kind, unsigned int bit);
/* SDM "VM-instruction error numbers": the text for @err, "unknown error" if none. */
const char *vmx_insn_error_name(unsigned int err);
/* Short name of a basic exit reason ("cpuid", "ept violation"...), never NULL. */
const char *vmx_exit_reason_name(unsigned int reason);
/* struct segment_register (VMCB-packed) attributes <-> VMCS access rights. */
uint32_t vmx_seg_attr_to_ar(uint16_t attr);
uint16_t vmx_ar_to_seg_attr(uint32_t ar);

#endif
