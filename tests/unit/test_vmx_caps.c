/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure VMX helpers (xen/arch/x86/hvm/vmx/vmx_caps.c): control words
 * from capability MSRs, bit naming, VM-instruction error names, exit
 * reason names, segment attribute conversion.
 *
 * Capability MSR values are real CPUs' dumps:
 *  - Westmere (HP EliteBook 2540p, Core i5/i7 "Arrandale"): the raw
 *    rdmsr(0x480..0x490) output in the XMHF project's notes on its bug 81
 *    ("XMHF regression on 2540P");
 *  - Coffee Lake (CPUID 000906ea, a Skylake-microarchitecture Core i7),
 *    as VirtualBox 6.1 logs them ("HM: MSR_IA32_VMX_..." lines) in a
 *    VBox.log posted in a public GitHub repository.
 * Bochs 2.7's corei7_haswell_4770 gives the same TRUE_* values as the
 * Coffee Lake, and Keel's boot log on it shows the control words expected
 * below (pin 0x1f, cpu 0xb51865f2, cpu2 0xa2, exit 0x3f6fff, entry 0xd1ff).
 */
#include <string.h>

#include <keel/lib.h>
#include <asm/hvm/vmx/vmcs.h>

#include "harness.h"

/* Westmere (2540p). */
#define WSM_BASIC           0x00da04000000000fULL
#define WSM_PROCBASED       0xfff9fffe0401e172ULL
#define WSM_PROCBASED2      0x000000ff00000000ULL
#define WSM_EPT_VPID        0x00000f0106114141ULL
#define WSM_TRUE_PIN        0x0000007f00000016ULL
#define WSM_TRUE_PROC       0xfff9fffe04006172ULL
#define WSM_TRUE_EXIT       0x007fffff00036dfbULL
#define WSM_TRUE_ENTRY      0x0000ffff000011fbULL

/* Coffee Lake (000906ea). */
#define CFL_BASIC           0x00da040000000004ULL
#define CFL_PIN             0x0000007f00000016ULL
#define CFL_PROCBASED       0xfff9fffe0401e172ULL
#define CFL_PROCBASED2      0x005fbcff00000000ULL
#define CFL_ENTRY           0x0003ffff000011ffULL
#define CFL_EXIT            0x01ffffff00036dffULL
#define CFL_TRUE_PROC       0xfff9fffe04006172ULL
#define CFL_TRUE_ENTRY      0x0003ffff000011fbULL
#define CFL_TRUE_EXIT       0x01ffffff00036dfbULL
#define CFL_EPT_VPID        0x00000f0106734141ULL

/* What vmx.c asks for. */
#define KEEL_PIN_MUST   (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING)
#define KEEL_PROC_MUST  (CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |     \
                         CPU_MWAIT_EXITING | CPU_MONITOR_EXITING | CPU_CR8_LOAD_EXITING |   \
                         CPU_CR8_STORE_EXITING | CPU_ACTIVATE_SECONDARY)
#define KEEL_PROC2_MUST (CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST)
#define KEEL_EXIT_MUST  (EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT |         \
                         EXIT_SAVE_EFER | EXIT_LOAD_EFER)
#define KEEL_ENTRY_MUST (ENTRY_LOAD_PAT | ENTRY_LOAD_EFER)

TEST(adjust_westmere_true_controls)
{
    uint32_t out = 0;

    CHECK(WSM_BASIC & VMX_BASIC_TRUE_CTLS);
    CHECK(vmx_adjust_controls(0, KEEL_PIN_MUST, WSM_TRUE_PIN, &out) == 0);
    CHECK(out == 0x1f);
    CHECK(vmx_adjust_controls(0, KEEL_PROC_MUST, WSM_TRUE_PROC, &out) == 0);
    CHECK(out == 0xb51865f2);
    /* TRUE controls let CR3-load/store exiting be 0: unrestricted guest with EPT needs neither. */
    CHECK(!(out & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING)));
    CHECK(vmx_adjust_controls(CPU2_ENABLE_VPID, KEEL_PROC2_MUST, WSM_PROCBASED2, &out) == 0);
    CHECK(out == 0xa2);
    CHECK(vmx_adjust_controls(EXIT_SAVE_DEBUG_CONTROLS, KEEL_EXIT_MUST, WSM_TRUE_EXIT, &out) == 0);
    CHECK(out == 0x3f6fff);
    CHECK(!(out & EXIT_ACK_INTERRUPT_ON_EXIT));
    CHECK(vmx_adjust_controls(ENTRY_LOAD_DEBUG_CONTROLS, KEEL_ENTRY_MUST, WSM_TRUE_ENTRY,
                              &out) == 0);
    CHECK(out == 0xd1ff);
    CHECK(!(out & ENTRY_IA32E_MODE));
    /* EPT: 4-level walks, WB, 2 MiB pages, INVEPT single and all; INVVPID. */
    CHECK((WSM_EPT_VPID & (VMX_EPT_WALK_LENGTH_4 | VMX_EPT_MEMTYPE_WB | VMX_EPT_2MB_PAGES |
                           VMX_EPT_INVEPT | VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL |
                           VMX_VPID_INVVPID)) ==
          (VMX_EPT_WALK_LENGTH_4 | VMX_EPT_MEMTYPE_WB | VMX_EPT_2MB_PAGES | VMX_EPT_INVEPT |
           VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL | VMX_VPID_INVVPID));
    CHECK(!(WSM_EPT_VPID & VMX_EPT_1GB_PAGES));
}

TEST(adjust_default1_bits_forced_without_true_msrs)
{
    uint32_t out = 0;

    /* The plain PROCBASED MSR forces CR3-load/store exiting: the result must carry them. */
    CHECK(vmx_adjust_controls(0, KEEL_PROC_MUST, WSM_PROCBASED, &out) == 0);
    CHECK(out == 0xb519e5f2);
    CHECK(out & CPU_CR3_LOAD_EXITING);
    CHECK(out & CPU_CR3_STORE_EXITING);
    /* And the plain ENTRY/EXIT MSRs force the debug-control bits. */
    CHECK(vmx_adjust_controls(0, KEEL_ENTRY_MUST, CFL_ENTRY, &out) == 0);
    CHECK(out == 0xd1ff);
    CHECK(vmx_adjust_controls(0, KEEL_EXIT_MUST, CFL_EXIT, &out) == 0);
    CHECK(out == 0x3f6fff);
}

TEST(adjust_coffee_lake)
{
    uint32_t out = 0;

    CHECK(CFL_BASIC & VMX_BASIC_TRUE_CTLS);
    CHECK(vmx_adjust_controls(0, KEEL_PIN_MUST, CFL_PIN, &out) == 0);
    CHECK(out == 0x1f);
    CHECK(vmx_adjust_controls(0, KEEL_PROC_MUST, CFL_TRUE_PROC, &out) == 0);
    CHECK(out == 0xb51865f2);
    CHECK(vmx_adjust_controls(CPU2_ENABLE_VPID, KEEL_PROC2_MUST, CFL_PROCBASED2, &out) == 0);
    CHECK(out == 0xa2);
    CHECK(vmx_adjust_controls(EXIT_SAVE_DEBUG_CONTROLS, KEEL_EXIT_MUST, CFL_TRUE_EXIT, &out) == 0);
    CHECK(out == 0x3f6fff);
    CHECK(vmx_adjust_controls(ENTRY_LOAD_DEBUG_CONTROLS, KEEL_ENTRY_MUST, CFL_TRUE_ENTRY,
                              &out) == 0);
    CHECK(out == 0xd1ff);
    CHECK(CFL_EPT_VPID & VMX_EPT_1GB_PAGES);
    CHECK(CFL_EPT_VPID & VMX_EPT_AD_BITS);
    /* A "want" bit the CPU cannot set is dropped, not an error: APIC-register virtualization. */
    CHECK(vmx_adjust_controls(1u << 8, KEEL_PROC2_MUST, CFL_PROCBASED2, &out) == 0);
    CHECK(out == KEEL_PROC2_MUST);
}

TEST(adjust_fails_naming_the_bits)
{
    uint32_t out = 0x12345678;
    char buf[200];

    /* Westmere has no VM functions (PROCBASED_CTLS2 allows bits 0-7 only). */
    CHECK(vmx_adjust_controls(0, KEEL_PROC2_MUST | CPU2_ENABLE_VMFUNC, WSM_PROCBASED2, &out) ==
          CPU2_ENABLE_VMFUNC);
    CHECK(out == 0x12345678);
    vmx_describe_bits(VMX_CTL_PROC2, CPU2_ENABLE_VMFUNC, buf, sizeof(buf));
    CHECK(!strcmp(buf, "bit 13 (enable VM functions)"));

    /* Neither CPU can post interrupts (pin-based allowed-1 0x7f). */
    CHECK(vmx_adjust_controls(0, KEEL_PIN_MUST | PIN_POSTED_INTERRUPTS, CFL_PIN, &out) ==
          PIN_POSTED_INTERRUPTS);
    vmx_describe_bits(VMX_CTL_PIN, PIN_POSTED_INTERRUPTS, buf, sizeof(buf));
    CHECK(!strcmp(buf, "bit 7 (posted interrupts)"));

    /* A CPU without EPT or unrestricted guest (PROCBASED_CTLS2 allowing only bit 0). */
    CHECK(vmx_adjust_controls(0, KEEL_PROC2_MUST, 0x0000000100000000ULL, &out) ==
          KEEL_PROC2_MUST);
    vmx_describe_bits(VMX_CTL_PROC2, KEEL_PROC2_MUST, buf, sizeof(buf));
    CHECK(!strcmp(buf, "bit 1 (enable EPT), bit 7 (unrestricted guest)"));

    /* No secondary controls at all. */
    CHECK(vmx_adjust_controls(0, KEEL_PROC_MUST, 0x7ff9fffe0401e172ULL, &out) ==
          CPU_ACTIVATE_SECONDARY);
    vmx_describe_bits(VMX_CTL_PROC, CPU_ACTIVATE_SECONDARY, buf, sizeof(buf));
    CHECK(!strcmp(buf, "bit 31 (activate secondary controls)"));

    /* Unnamed bits are still named by number; a short buffer is cut, never overrun. */
    vmx_describe_bits(VMX_CTL_ENTRY, 1u << 30, buf, sizeof(buf));
    CHECK(!strcmp(buf, "bit 30 (reserved)"));
    vmx_describe_bits(VMX_CTL_PROC2, KEEL_PROC2_MUST, buf, 8);
    CHECK(strlen(buf) == 7);
    CHECK(vmx_control_bit_name(VMX_CTL_EXIT, 15) &&
          !strcmp(vmx_control_bit_name(VMX_CTL_EXIT, 15), "acknowledge interrupt on exit"));
    CHECK(vmx_control_bit_name(VMX_CTL_EXIT, 32) == NULL);
}

TEST(insn_error_names)
{
    CHECK(!strcmp(vmx_insn_error_name(2), "VMCLEAR with invalid physical address"));
    CHECK(!strcmp(vmx_insn_error_name(4), "VMLAUNCH with non-clear VMCS"));
    CHECK(!strcmp(vmx_insn_error_name(5), "VMRESUME with non-launched VMCS"));
    CHECK(!strcmp(vmx_insn_error_name(7), "VM entry with invalid control field(s)"));
    CHECK(!strcmp(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)"));
    CHECK(!strcmp(vmx_insn_error_name(11), "VMPTRLD with incorrect VMCS revision identifier"));
    CHECK(!strcmp(vmx_insn_error_name(12), "VMREAD/VMWRITE from/to unsupported VMCS component"));
    CHECK(!strcmp(vmx_insn_error_name(13), "VMWRITE to read-only VMCS component"));
    CHECK(!strcmp(vmx_insn_error_name(15), "VMXON executed in VMX root operation"));
    CHECK(!strcmp(vmx_insn_error_name(26), "VM entry with events blocked by MOV SS"));
    CHECK(!strcmp(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID"));
    /* Numbers the SDM leaves unassigned, and out of range. */
    CHECK(!strcmp(vmx_insn_error_name(0), "unknown error"));
    CHECK(!strcmp(vmx_insn_error_name(14), "unknown error"));
    CHECK(!strcmp(vmx_insn_error_name(21), "unknown error"));
    CHECK(!strcmp(vmx_insn_error_name(29), "unknown error"));
    CHECK(!strcmp(vmx_insn_error_name(~0u), "unknown error"));
}

TEST(exit_reason_names)
{
    CHECK(!strcmp(vmx_exit_reason_name(EXIT_REASON_CPUID), "cpuid"));
    CHECK(!strcmp(vmx_exit_reason_name(EXIT_REASON_EPT_VIOLATION), "ept violation"));
    CHECK(!strcmp(vmx_exit_reason_name(EXIT_REASON_TRIPLE_FAULT), "triple fault"));
    /* An entry failure: bit 31 set, the basic reason in bits 15:0. */
    CHECK(!strcmp(vmx_exit_reason_name(EXIT_REASON_ENTRY_FAILURE | 33),
                  "entry failure: invalid guest state"));
    CHECK(!strcmp(vmx_exit_reason_name(35), "unknown"));
    CHECK(!strcmp(vmx_exit_reason_name(65), "unknown"));
}

TEST(segment_attributes)
{
    /* The PVH entry state's segments (VMCB-packed) in VMCS access-rights form. */
    CHECK(vmx_seg_attr_to_ar(0x0c9b) == 0xc09b);        /* 32-bit code: G, D, P, S, type b */
    CHECK(vmx_seg_attr_to_ar(0x0c93) == 0xc093);        /* 32-bit data */
    CHECK(vmx_seg_attr_to_ar(0x008b) == 0x008b);        /* busy 32-bit TSS */
    CHECK(vmx_seg_attr_to_ar(0x0082) == 0x0082);        /* LDT */
    CHECK(vmx_seg_attr_to_ar(0x0a9b) == 0xa09b);        /* 64-bit code: G, L */
    CHECK(vmx_seg_attr_to_ar(0x01f3) == 0x10f3);        /* AVL, DPL 3 */
    /* Not present: the VMCS says "unusable" instead. */
    CHECK(vmx_seg_attr_to_ar(0) == VMX_AR_UNUSABLE);
    CHECK(vmx_seg_attr_to_ar(0x0c13) == VMX_AR_UNUSABLE);
    /* And back. */
    CHECK(vmx_ar_to_seg_attr(0xc09b) == 0x0c9b);
    CHECK(vmx_ar_to_seg_attr(0xa09b) == 0x0a9b);
    CHECK(vmx_ar_to_seg_attr(0x10f3) == 0x01f3);
    CHECK(vmx_ar_to_seg_attr(VMX_AR_UNUSABLE | 0x93) == 0);
    for ( unsigned int a = 0; a < 0x1000; a++ )
        if ( a & 0x80 )
            CHECK(vmx_ar_to_seg_attr(vmx_seg_attr_to_ar(a)) == a);
}
