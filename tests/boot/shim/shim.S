/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the boot test shim and its exit into the hypervisor.  GRUB
 * enters shim_start in 32-bit protected mode, paging off, with the
 * multiboot2 magic in %eax and its info block in %ebx.
 */
#define MB2_HEADER_MAGIC    0xe85250d6
#define MB2_ARCH_I386       0

        .section .multiboot, "a", @progbits
        /*
         * No framebuffer tag: the shim and the hypervisor talk on COM1
         * only, and GRUB's VBE set-up is a needless source of failure.
         */
        .balign 8
mb2_header:
        .long   MB2_HEADER_MAGIC
        .long   MB2_ARCH_I386
        .long   mb2_header_end - mb2_header
        .long   -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        /*
         * Information request, all optional (flag bit 0): what the shim
         * copies into the blocks it hands on.  GRUB gives mmap and
         * modules anyway.
         */
        .balign 8
        .short  1, 1
        .long   8 + 4 * 5
        .long   1, 4, 6, 14, 15
        /* Modules on page boundaries, like the hypervisor asks for. */
        .balign 8
        .short  6, 0
        .long   8
        .balign 8
        .short  0, 0
        .long   8
mb2_header_end:

        .text
        .code32
        .globl  shim_start
shim_start:
        cli
        cld
        mov     $shim_stack_top, %esp
        xor     %ebp, %ebp
        push    %ebx                            /* info block */
        push    %eax                            /* loader magic */
        call    shim_main
1:      hlt                                     /* shim_main does not return */
        jmp     1b

/*
 * void enter_keel(uint32_t entry, uint32_t magic, uint32_t info)
 *
 * Multiboot2 machine state for the hypervisor: our own flat GDT (GRUB's
 * may sit in memory the hypervisor image was just copied over), flat
 * 32-bit code and data segments, interrupts off, paging off (never
 * enabled here), %eax = magic, %ebx = info block.
 */
        .globl  enter_keel
enter_keel:
        cli
        mov     4(%esp), %ecx                   /* entry */
        mov     8(%esp), %eax                   /* magic */
        mov     12(%esp), %ebx                  /* info */
        lgdt    shim_gdtr
        ljmp    $0x08, $1f
1:      mov     $0x10, %edx
        mov     %edx, %ds
        mov     %edx, %es
        mov     %edx, %fs
        mov     %edx, %gs
        mov     %edx, %ss
        jmp     *%ecx

        .section .rodata
        .balign 8
shim_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff              /* 0x08: flat 32-bit code */
        .quad   0x00cf92000000ffff              /* 0x10: flat data */
shim_gdt_end:
        .balign 4
shim_gdtr:
        .short  shim_gdt_end - shim_gdt - 1
        .long   shim_gdt

        .bss
        .balign 16
shim_stack:
        .skip   16384
shim_stack_top:

        .section .note.GNU-stack, "", @progbits
