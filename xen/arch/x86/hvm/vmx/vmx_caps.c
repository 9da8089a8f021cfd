/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure side of VMX: turning capability MSRs into control words,
 * naming control bits, VM-instruction errors and exit reasons, and
 * converting segment attributes.  No instructions, no globals: this file
 * is compiled into the host unit tests as is (tests/unit/test_vmx_caps.c).
 */
#include <keel/lib.h>
#include <asm/hvm/vmx/vmcs.h>

uint32_t vmx_adjust_controls(uint32_t want, uint32_t must, uint64_t cap_msr, uint32_t *out)
{
    uint32_t allowed0 = (uint32_t)cap_msr;         /* 1 here: the bit must be 1 */
    uint32_t allowed1 = (uint32_t)(cap_msr >> 32); /* 0 here: the bit must be 0 */
    uint32_t missing = must & ~allowed1;

    if ( missing )
        return missing;
    *out = ((want | must) & allowed1) | allowed0;
    return 0;
}

/* Bit names as the SDM's tables of VM-execution, VM-exit and VM-entry controls give them. */
static const char *const pin_names[32] = {
    [0] = "external-interrupt exiting", [3] = "NMI exiting", [5] = "virtual NMIs",
    [6] = "VMX-preemption timer", [7] = "posted interrupts",
};

static const char *const proc_names[32] = {
    [2] = "interrupt-window exiting", [3] = "use TSC offsetting", [7] = "HLT exiting",
    [9] = "INVLPG exiting", [10] = "MWAIT exiting", [11] = "RDPMC exiting",
    [12] = "RDTSC exiting", [15] = "CR3-load exiting", [16] = "CR3-store exiting",
    [19] = "CR8-load exiting", [20] = "CR8-store exiting", [21] = "use TPR shadow",
    [22] = "NMI-window exiting", [23] = "MOV-DR exiting", [24] = "unconditional I/O exiting",
    [25] = "use I/O bitmaps", [27] = "monitor trap flag", [28] = "use MSR bitmaps",
    [29] = "MONITOR exiting", [30] = "PAUSE exiting", [31] = "activate secondary controls",
};

static const char *const proc2_names[32] = {
    [0] = "virtualize APIC accesses", [1] = "enable EPT", [2] = "descriptor-table exiting",
    [3] = "enable RDTSCP", [4] = "virtualize x2APIC mode", [5] = "enable VPID",
    [6] = "WBINVD exiting", [7] = "unrestricted guest", [8] = "APIC-register virtualization",
    [9] = "virtual-interrupt delivery", [10] = "PAUSE-loop exiting", [11] = "RDRAND exiting",
    [12] = "enable INVPCID", [13] = "enable VM functions", [14] = "VMCS shadowing",
    [15] = "ENCLS exiting", [16] = "RDSEED exiting", [17] = "enable PML",
    [18] = "EPT-violation #VE", [19] = "conceal VMX from PT", [20] = "enable XSAVES/XRSTORS",
    [22] = "mode-based execute control for EPT", [25] = "use TSC scaling",
};

static const char *const exit_names[32] = {
    [2] = "save debug controls", [9] = "host address-space size",
    [12] = "load IA32_PERF_GLOBAL_CTRL", [15] = "acknowledge interrupt on exit",
    [18] = "save IA32_PAT", [19] = "load IA32_PAT", [20] = "save IA32_EFER",
    [21] = "load IA32_EFER", [22] = "save VMX-preemption timer value",
    [23] = "clear IA32_BNDCFGS", [24] = "conceal VMX from PT",
};

static const char *const entry_names[32] = {
    [2] = "load debug controls", [9] = "IA-32e mode guest", [10] = "entry to SMM",
    [11] = "deactivate dual-monitor treatment", [13] = "load IA32_PERF_GLOBAL_CTRL",
    [14] = "load IA32_PAT", [15] = "load IA32_EFER", [16] = "load IA32_BNDCFGS",
    [17] = "conceal VMX from PT",
};

const char *vmx_control_bit_name(enum vmx_ctl_kind kind, unsigned int bit)
{
    static const char *const *const tables[] = {
        [VMX_CTL_PIN] = pin_names, [VMX_CTL_PROC] = proc_names, [VMX_CTL_PROC2] = proc2_names,
        [VMX_CTL_EXIT] = exit_names, [VMX_CTL_ENTRY] = entry_names,
    };

    if ( (unsigned int)kind >= ARRAY_SIZE(tables) || bit >= 32 )
        return NULL;
    return tables[kind][bit];
}

size_t vmx_describe_bits(enum vmx_ctl_kind kind, uint32_t bits, char *buf, size_t len)
{
    size_t n = 0;
    unsigned int bit;

    if ( len )
        buf[0] = '\0';
    for ( bit = 0; bit < 32; bit++ )
    {
        const char *name;

        if ( !(bits & (1u << bit)) )
            continue;
        name = vmx_control_bit_name(kind, bit);
        n += scnprintf(buf + n, len - n, "%sbit %u (%s)", n ? ", " : "", bit,
                       name ? name : "reserved");
    }
    return n;
}

/* SDM vol. 3, "VM-Instruction Error Numbers". */
const char *vmx_insn_error_name(unsigned int err)
{
    static const char *const names[] = {
        [1] = "VMCALL executed in VMX root operation",
        [2] = "VMCLEAR with invalid physical address",
        [3] = "VMCLEAR with VMXON pointer",
        [4] = "VMLAUNCH with non-clear VMCS",
        [5] = "VMRESUME with non-launched VMCS",
        [6] = "VMRESUME after VMXOFF",
        [7] = "VM entry with invalid control field(s)",
        [8] = "VM entry with invalid host-state field(s)",
        [9] = "VMPTRLD with invalid physical address",
        [10] = "VMPTRLD with VMXON pointer",
        [11] = "VMPTRLD with incorrect VMCS revision identifier",
        [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
        [13] = "VMWRITE to read-only VMCS component",
        [15] = "VMXON executed in VMX root operation",
        [16] = "VM entry with invalid executive-VMCS pointer",
        [17] = "VM entry with non-launched executive VMCS",
        [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
        [19] = "VMCALL with non-clear VMCS",
        [20] = "VMCALL with invalid VM-exit control fields",
        [22] = "VMCALL with incorrect MSEG revision identifier",
        [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
        [24] = "VMCALL with invalid SMM-monitor features",
        [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
        [26] = "VM entry with events blocked by MOV SS",
        [28] = "invalid operand to INVEPT/INVVPID",
    };

    if ( err < ARRAY_SIZE(names) && names[err] )
        return names[err];
    return "unknown error";
}

const char *vmx_exit_reason_name(unsigned int reason)
{
    static const char *const names[] = {
        [EXIT_REASON_EXCEPTION_NMI] = "exception or nmi",
        [EXIT_REASON_EXTERNAL_INTERRUPT] = "external interrupt",
        [EXIT_REASON_TRIPLE_FAULT] = "triple fault",
        [EXIT_REASON_INIT] = "init",
        [EXIT_REASON_SIPI] = "sipi",
        [EXIT_REASON_IO_SMI] = "i/o smi",
        [EXIT_REASON_OTHER_SMI] = "other smi",
        [EXIT_REASON_INTERRUPT_WINDOW] = "interrupt window",
        [EXIT_REASON_NMI_WINDOW] = "nmi window",
        [EXIT_REASON_TASK_SWITCH] = "task switch",
        [EXIT_REASON_CPUID] = "cpuid",
        [EXIT_REASON_GETSEC] = "getsec",
        [EXIT_REASON_HLT] = "hlt",
        [EXIT_REASON_INVD] = "invd",
        [EXIT_REASON_INVLPG] = "invlpg",
        [EXIT_REASON_RDPMC] = "rdpmc",
        [EXIT_REASON_RDTSC] = "rdtsc",
        [EXIT_REASON_RSM] = "rsm",
        [EXIT_REASON_VMCALL] = "vmcall",
        [EXIT_REASON_VMCLEAR] = "vmclear",
        [EXIT_REASON_VMLAUNCH] = "vmlaunch",
        [EXIT_REASON_VMPTRLD] = "vmptrld",
        [EXIT_REASON_VMPTRST] = "vmptrst",
        [EXIT_REASON_VMREAD] = "vmread",
        [EXIT_REASON_VMRESUME] = "vmresume",
        [EXIT_REASON_VMWRITE] = "vmwrite",
        [EXIT_REASON_VMXOFF] = "vmxoff",
        [EXIT_REASON_VMXON] = "vmxon",
        [EXIT_REASON_CR_ACCESS] = "cr access",
        [EXIT_REASON_DR_ACCESS] = "dr access",
        [EXIT_REASON_IO_INSTRUCTION] = "i/o instruction",
        [EXIT_REASON_MSR_READ] = "rdmsr",
        [EXIT_REASON_MSR_WRITE] = "wrmsr",
        [EXIT_REASON_INVALID_GUEST_STATE] = "entry failure: invalid guest state",
        [EXIT_REASON_MSR_LOADING] = "entry failure: msr loading",
        [EXIT_REASON_MWAIT] = "mwait",
        [EXIT_REASON_MONITOR_TRAP_FLAG] = "monitor trap flag",
        [EXIT_REASON_MONITOR] = "monitor",
        [EXIT_REASON_PAUSE] = "pause",
        [EXIT_REASON_MACHINE_CHECK] = "entry failure: machine check",
        [EXIT_REASON_TPR_BELOW_THRESHOLD] = "tpr below threshold",
        [EXIT_REASON_APIC_ACCESS] = "apic access",
        [EXIT_REASON_GDTR_IDTR_ACCESS] = "gdtr/idtr access",
        [EXIT_REASON_LDTR_TR_ACCESS] = "ldtr/tr access",
        [EXIT_REASON_EPT_VIOLATION] = "ept violation",
        [EXIT_REASON_EPT_MISCONFIG] = "ept misconfiguration",
        [EXIT_REASON_INVEPT] = "invept",
        [EXIT_REASON_RDTSCP] = "rdtscp",
        [EXIT_REASON_PREEMPTION_TIMER] = "preemption timer",
        [EXIT_REASON_INVVPID] = "invvpid",
        [EXIT_REASON_WBINVD] = "wbinvd",
        [EXIT_REASON_XSETBV] = "xsetbv",
        [EXIT_REASON_APIC_WRITE] = "apic write",
        [EXIT_REASON_RDRAND] = "rdrand",
        [EXIT_REASON_INVPCID] = "invpcid",
        [EXIT_REASON_VMFUNC] = "vmfunc",
        [EXIT_REASON_ENCLS] = "encls",
        [EXIT_REASON_RDSEED] = "rdseed",
        [EXIT_REASON_PML_FULL] = "pml full",
        [EXIT_REASON_XSAVES] = "xsaves",
        [EXIT_REASON_XRSTORS] = "xrstors",
    };

    reason &= 0xffff;
    if ( reason < ARRAY_SIZE(names) && names[reason] )
        return names[reason];
    return "unknown";
}

/*
 * The VMCB packs the descriptor's attribute nibble (AVL, L, D/B, G) into
 * bits 11:8; the VMCS keeps it where the descriptor has it, bits 15:12,
 * and marks a segment that holds nothing (a null selector, not present)
 * "unusable" in bit 16 instead of by a zero attribute.
 */
uint32_t vmx_seg_attr_to_ar(uint16_t attr)
{
    if ( !(attr & 0x80) )
        return VMX_AR_UNUSABLE;
    return (attr & 0xffu) | ((uint32_t)(attr & 0xf00u) << 4);
}

uint16_t vmx_ar_to_seg_attr(uint32_t ar)
{
    if ( ar & VMX_AR_UNUSABLE )
        return 0;
    return (uint16_t)((ar & 0xffu) | ((ar >> 4) & 0xf00u));
}
