/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary CPU start-up code.  smpboot.c copies [trampoline_start,
 * trampoline_end) to a page T below 1 MiB, fills in the tramp_* fields and
 * sends each CPU a start-up IPI naming that page, which starts the CPU in
 * real mode at T>>4:0000.  The code is position independent: 16- and
 * 32-bit parts address the page through the segment base or %ebx = T, and
 * the 64-bit part RIP-relatively; the fields holding absolute addresses
 * are written by smpboot.c.  Path: real mode -> protected mode (flat GDT)
 * -> PAE, CR3, EFER.LME -> paging on (long mode, running from an identity
 * mapping of T in idle_pg_table) -> the hypervisor's stack and C entry.
 */
#include <asm/config.h>

#define TR(sym)     ((sym) - trampoline_start)

#define TRAMP_CS32  0x08
#define TRAMP_DS    0x10
#define TRAMP_CS64  0x18

        .section .rodata, "a", @progbits
        .balign 16
        .globl  trampoline_start, trampoline_end
        .globl  tramp_gdtr, tramp_pm32_ptr, tramp_lm_ptr
        .globl  tramp_cr3, tramp_cr0, tramp_efer_or, tramp_stack, tramp_entry
        .globl  tramp_pm32, tramp_lm, tramp_gdt

        .code16
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        xor     %ebx, %ebx
        mov     %ax, %bx
        shl     $4, %ebx                        /* %ebx = T, kept until long mode */
        lgdtl   TR(tramp_gdtr)
        mov     %cr0, %eax
        or      $1, %eax                        /* PE */
        mov     %eax, %cr0
        ljmpl   *TR(tramp_pm32_ptr)

        .code32
tramp_pm32:
        mov     $TRAMP_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $0x20, %eax                     /* CR4.PAE; the rest comes in C */
        mov     %eax, %cr4
        mov     TR(tramp_cr3)(%ebx), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx               /* EFER: LME, and NXE if the tables use NX */
        rdmsr
        or      TR(tramp_efer_or)(%ebx), %eax
        wrmsr
        mov     TR(tramp_cr0)(%ebx), %eax       /* the boot CPU's CR0: PG, PE, WP... */
        mov     %eax, %cr0
        ljmp    *TR(tramp_lm_ptr)(%ebx)

        .code64
tramp_lm:
        mov     tramp_stack(%rip), %rsp
        mov     tramp_entry(%rip), %rax
        xor     %ebp, %ebp
        push    $0                              /* ends stack traces */
        jmp     *%rax

        /*
         * Descriptors are marked accessed already: the CPU would otherwise
         * write that bit on the far jump into 64-bit code, when the page is
         * mapped read-only (Bochs faults on that; QEMU does not check).
         */
        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00cf9b000000ffff              /* 0x08: flat 32-bit code */
        .quad   0x00cf93000000ffff              /* 0x10: flat data */
        .quad   0x00af9b000000ffff              /* 0x18: 64-bit code */
tramp_gdt_end:

        .balign 4
        .short  0
tramp_gdtr:
        .short  tramp_gdt_end - tramp_gdt - 1
        .long   0                               /* T + TR(tramp_gdt) */

        .balign 4
tramp_pm32_ptr:
        .long   0                               /* T + TR(tramp_pm32) */
        .short  TRAMP_CS32
        .balign 4
tramp_lm_ptr:
        .long   0                               /* T + TR(tramp_lm) */
        .short  TRAMP_CS64

        .balign 8
tramp_cr3:      .long 0
tramp_cr0:      .long 0
tramp_efer_or:  .long 0
        .long   0
tramp_stack:    .quad 0
tramp_entry:    .quad 0
trampoline_end:
