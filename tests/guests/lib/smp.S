/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary vCPUs of the test guests.  Three ways in, one way on:
 *
 *   smp_trampoline     real mode, copied below 1 MiB (any 4 KiB page:
 *                      it addresses its own data through CS = DS) and
 *                      entered by INIT + STARTUP; records the state it
 *                      found, enters protected mode -> smp_ap_pm32;
 *   smp_ap_pm32        32-bit protected mode, flat, from the trampoline or
 *                      from a 32-bit VCPUOP_initialise context (no GDT
 *                      loaded yet): paging and long mode as entry.S does,
 *                      on the boot vCPU's page tables -> smp_ap_start64;
 *   smp_ap_entry64     64-bit mode from a 64-bit VCPUOP_initialise
 *                      context: pushes the registers it was given on the
 *                      stack it was given (struct smp_entry_regs), loads
 *                      the GDT and a real CS -> smp_ap_start64;
 *   smp_ap_start64     picks the stack of this vCPU (its vCPU id from
 *                      CPUID 0x40000004 EBX) and calls smp_ap_main(id).
 */

#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define CR0_PE          (1 << 0)
#define CR0_NE          (1 << 5)
#define CR0_NW          (1 << 29)
#define CR0_CD          (1 << 30)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)

#define SEL_CODE64      0x08
#define SEL_DATA        0x10
#define SEL_CODE32      0x18

#define SMP_MAX_VCPUS   8
#define SMP_STACK_SHIFT 14          /* 16 KiB per vCPU */

#define OFF(x)          ((x) - smp_trampoline)

    .section .text
    .code16
    .globl smp_trampoline, smp_trampoline_end
    .balign 16
smp_trampoline:
    /* Before anything changes it: what INIT + STARTUP left (struct smp_tramp_record). */
    mov     %edx, %cs:OFF(rec_edx)
    mov     %cr0, %eax
    mov     %eax, %cs:OFF(rec_cr0)
    mov     %cs, %ax
    mov     %ax, %cs:OFF(rec_cs)
    mov     %ss, %ax
    mov     %ax, %cs:OFF(rec_ss)
    mov     $MSR_EFER, %ecx
    rdmsr
    mov     %eax, %cs:OFF(rec_efer)
    mov     %edx, %cs:OFF(rec_efer) + 4
    /* A stack of our own at the end of the page (SS:SP = 0:0 would wrap to 0xfffe). */
    mov     %cs, %ax
    mov     %ax, %ds
    mov     %ax, %ss
    mov     $0x1000, %sp
    pushfl
    popl    %eax
    mov     %eax, OFF(rec_eflags)
    cli
    cld
    lock incl OFF(rec_entries)

    lgdtl   OFF(tramp_gdtr)
    mov     %cr0, %eax
    and     $~(CR0_CD | CR0_NW), %eax
    or      $CR0_PE, %eax
    mov     %eax, %cr0
    ljmpl   $SEL_CODE32, $smp_ap_pm32

    .balign 8
tramp_gdtr:
    .word   4 * 8 - 1                   /* entry.S: null, code64, data, code32 */
    .long   gdt
    .balign 8
    .globl smp_tramp_record_off
    .set    smp_tramp_record_off, OFF(rec)
rec:
rec_entries:    .long 0
rec_edx:        .long 0
rec_cr0:        .long 0
rec_eflags:     .long 0
rec_efer:       .quad 0
rec_cs:         .word 0
rec_ss:         .word 0
    .balign 4
smp_trampoline_end:

    .code32
    .globl smp_ap_pm32
smp_ap_pm32:
    cli
    cld
    /* CS is flat on both ways in; DS may still be the trampoline's real-mode one. */
    lgdt    %cs:gdt_desc
    ljmp    $SEL_CODE32, $1f
1:  mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    mov     %cr4, %eax
    or      $CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $pml4, %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    mov     %cr0, %eax
    and     $~(CR0_CD | CR0_NW), %eax
    or      $(CR0_PG | CR0_NE | CR0_PE), %eax
    mov     %eax, %cr0
    ljmp    $SEL_CODE64, $smp_ap_start64

    .code64
    .globl smp_ap_entry64
smp_ap_entry64:
    /* struct smp_entry_regs, from the top of the given stack down. */
    push    %rsp
    push    %rax
    push    %rcx
    push    %rdx
    push    %rbx
    push    %rbp
    push    %rsi
    push    %rdi
    pushfq
    mov     %cs, %eax
    push    %rax
    cli
    lgdt    gdt_desc(%rip)
    lea     smp_ap_start64(%rip), %rax
    push    $SEL_CODE64
    push    %rax
    lretq

    .globl smp_ap_start64
smp_ap_start64:
    mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    mov     xen_cpuid_base(%rip), %eax
    add     $4, %eax
    xor     %ecx, %ecx
    cpuid
    cmp     $SMP_MAX_VCPUS, %ebx
    jae     2f
    mov     %ebx, %edi
    lea     1(%rbx), %rax
    shl     $SMP_STACK_SHIFT, %rax
    lea     smp_ap_stacks(%rip), %rsp
    add     %rax, %rsp
    xor     %ebp, %ebp
    call    smp_ap_main
2:  cli
    hlt
    jmp     2b

    .section .bss
    .balign 4096
    .globl smp_ap_stacks
smp_ap_stacks:
    .skip   SMP_MAX_VCPUS << SMP_STACK_SHIFT
