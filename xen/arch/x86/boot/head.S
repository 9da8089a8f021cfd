/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from the boot loader.  GRUB2 enters here in 32-bit protected mode,
 * paging off, with the multiboot2 (or multiboot1) magic in %eax and the
 * physical address of the info block in %ebx.  We build boot page tables
 * (identity map of the low 4 GiB plus the image at KEEL_VIRT_BASE), switch
 * to long mode and call __start_keel(magic, info) on the boot stack.
 */
#include <asm/config.h>

#define MB2_HEADER_MAGIC        0xe85250d6
#define MB1_HEADER_MAGIC        0x1badb002
#define MB1_BOOTLOADER_MAGIC    0x2badb002
#define MB2_BOOTLOADER_MAGIC    0x36d76289

#define COM1    0x3f8

        .section .text.header, "ax", @progbits
        .code32

        /* multiboot1 header: page-align modules, ask for a memory map. */
        .balign 4
mb1_header:
        .long   MB1_HEADER_MAGIC
        .long   0x00000003
        .long   -(MB1_HEADER_MAGIC + 0x00000003)

        /* multiboot2 header: no framebuffer request (GRUB under Bochs dies in VBE). */
        .balign 8
mb2_header:
        .long   MB2_HEADER_MAGIC
        .long   0                               /* i386 protected mode */
        .long   mb2_header_end - mb2_header
        .long   -(MB2_HEADER_MAGIC + 0 + (mb2_header_end - mb2_header))
        /* information request: cmdline, modules, mmap, ACPI old/new (all optional) */
        .balign 8
        .short  1, 0
        .long   8 + 4 * 5
        .long   1, 3, 6, 14, 15
        /* entry address tag: our 32-bit physical entry point */
        .balign 8
        .short  3, 0
        .long   12
        .long   sym_phys(start)
        /* module alignment: page-aligned modules */
        .balign 8
        .short  6, 0
        .long   8
        /* end tag */
        .balign 8
        .short  0, 0
        .long   8
mb2_header_end:

        .balign 16
        .globl  start
start:
        cld
        cli
        mov     %eax, %ebp                      /* loader magic */
        mov     %ebx, %esi                      /* info block */
        rdtsc                                   /* for the boot-time benchmark */
        mov     %eax, sym_phys(boot_tsc)
        mov     %edx, sym_phys(boot_tsc) + 4

        /* Zero .bss (which holds the boot stack): the loader is not obliged to. */
        mov     $sym_phys(__bss_start), %edi
        mov     $sym_phys(__bss_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb
        mov     %ebp, %edi
        mov     $sym_phys(boot_stack_top), %esp

        mov     %edi, sym_phys(boot_magic)
        mov     %esi, sym_phys(boot_info_pa)

        cmp     $MB2_BOOTLOADER_MAGIC, %edi
        je      1f
        cmp     $MB1_BOOTLOADER_MAGIC, %edi
        je      1f
        mov     $sym_phys(msg_magic), %esi
        jmp     early_fail
1:
        /* Long mode and PAE are required. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        xor     %ebp, %ebp
        bt      $20, %edx                       /* NX available? */
        jnc     1f
        mov     $1, %ebp
1:
        /* Identity map 0-4 GiB with 2 MiB pages in four page directories. */
        mov     $sym_phys(boot_l2_ident), %edi
        mov     $0x83, %eax                     /* present, writable, large */
        xor     %edx, %edx
        mov     $2048, %ecx
2:      mov     %eax, (%edi)
        mov     %edx, 4(%edi)
        add     $0x200000, %eax
        adc     $0, %edx
        add     $8, %edi
        loop    2b

        /* L3 for the identity map: four entries. */
        mov     $sym_phys(boot_l3_ident), %edi
        mov     $sym_phys(boot_l2_ident) + 3, %eax
        mov     $4, %ecx
3:      mov     %eax, (%edi)
        add     $0x1000, %eax
        add     $8, %edi
        loop    3b

        /* L3 for the top: slot 510 maps the first GiB again at KEEL_VIRT_BASE. */
        mov     $sym_phys(boot_l3_high), %edi
        movl    $sym_phys(boot_l2_ident) + 3, 510*8(%edi)

        mov     $sym_phys(boot_l4), %edi
        movl    $sym_phys(boot_l3_ident) + 3, (%edi)
        /* The direct map's first 4 GiB, until mm_init() builds the real one. */
        movl    $sym_phys(boot_l3_ident) + 3, 262*8(%edi)
        movl    $sym_phys(boot_l3_high) + 3, 511*8(%edi)

        /* CR4.PAE, CR3, EFER.LME (+NXE), CR0.PG|WP. */
        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $sym_phys(boot_l4), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx
        rdmsr
        or      $0x100, %eax
        test    %ebp, %ebp
        jz      4f
        or      $0x800, %eax
4:      wrmsr
        mov     %ebp, sym_phys(boot_have_nx)
        mov     %cr0, %eax
        or      $0x80010001, %eax
        mov     %eax, %cr0

        lgdt    sym_phys(boot_gdtr)
        ljmp    $__HYPERVISOR_CS, $sym_phys(start64_low)

no_long_mode:
        mov     $sym_phys(msg_nolm), %esi
        /* fall through */

/* Print the string at %esi on COM1 (already set up by the loader or not: we set it) and halt. */
early_fail:
        mov     $COM1 + 3, %dx
        mov     $0x80, %al                      /* DLAB */
        out     %al, %dx
        mov     $COM1, %dx
        mov     $1, %al                         /* 115200 baud */
        out     %al, %dx
        inc     %dx
        xor     %al, %al
        out     %al, %dx
        mov     $COM1 + 3, %dx
        mov     $3, %al                         /* 8n1 */
        out     %al, %dx
1:      lodsb
        test    %al, %al
        jz      3f
        mov     %al, %ah
        mov     $COM1 + 5, %dx
2:      in      %dx, %al
        test    $0x20, %al
        jz      2b
        mov     $COM1, %dx
        mov     %ah, %al
        out     %al, %dx
        jmp     1b
3:      hlt
        jmp     3b

        .code64
start64_low:
        movabs  $start64_high, %rax
        jmp     *%rax

        .text
start64_high:
        lgdt    boot_gdtr_high(%rip)
        mov     $__HYPERVISOR_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     boot_magic(%rip), %edi
        mov     boot_info_pa(%rip), %esi
        call    __start_keel
        ud2

        .section .rodata, "a", @progbits
msg_magic:
        .asciz  "Keel: not started by a multiboot loader (bad magic); halting.\r\n"
msg_nolm:
        .asciz  "Keel: this CPU has no 64-bit long mode; halting.\r\n"

        .balign 8
        .globl  boot_gdt
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff                 /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff                 /* 0x10: data */
boot_gdt_end:
        .balign 8
        .short  0
boot_gdtr:
        .short  boot_gdt_end - boot_gdt - 1
        .long   sym_phys(boot_gdt)
        .long   0
        .short  0
boot_gdtr_high:
        .short  boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .data
        .balign 8
        .globl  boot_magic, boot_info_pa, boot_have_nx, boot_tsc
boot_tsc:       .quad 0
boot_magic:     .long 0
boot_info_pa:   .long 0
boot_have_nx:   .long 0

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl  boot_l4
boot_l4:        .skip 4096
boot_l3_ident:  .skip 4096
boot_l3_high:   .skip 4096
boot_l2_ident:  .skip 4096 * 4
        .globl  boot_stack, boot_stack_top
boot_stack:     .skip 4096 * 4
boot_stack_top:
        .section .note.GNU-stack, "", @progbits
