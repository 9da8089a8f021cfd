/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH entry of the test guests.  The hypervisor (or QEMU's PVH loader)
 * starts us at pvh_start in 32-bit protected mode, paging off, flat
 * segments, %ebx = physical address of the hvm_start_info.  We bring
 * ourselves to long mode with no help: our own GDT (the loader's is
 * unspecified), identity page tables for the first 4 GiB with 2 MiB pages
 * except the first 2 MiB, which use 4 KiB pages so that a test can unmap
 * page 0 (unmap_low_page) once it has read what the loader put there
 * (QEMU puts the memmap in page 0), then lib_start(%ebx).
 */

#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define CR0_PE          (1 << 0)
#define CR0_NE          (1 << 5)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define PTE_P           (1 << 0)
#define PTE_W           (1 << 1)
#define PTE_PS          (1 << 7)

#define SEL_CODE64      0x08
#define SEL_DATA        0x10
#define SEL_CODE32      0x18

/* The PVH entry point, as a 4-byte XEN_ELFNOTE_PHYS32_ENTRY (18). */
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f               /* namesz */
    .long 4f - 3f               /* descsz */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
1:  .asciz "Xen"
2:  .balign 4
3:  .long pvh_start
4:  .balign 4
    .popsection

    .section .text.entry, "ax"
    .code32
    .globl pvh_start
pvh_start:
    /* First thing: the TSC at entry, for the boot-time benchmark. */
    rdtsc
    mov     %eax, guest_entry_tsc
    mov     %edx, guest_entry_tsc + 4
    cli
    cld
    mov     %ebx, %esi                  /* keep the start_info address */

    lgdt    gdt_desc
    mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    ljmp    $SEL_CODE32, $1f
1:
    /*
     * Zero .bss ourselves: it holds the page tables and the stack, and a
     * loader that does not zero p_memsz - p_filesz must not leave stale
     * page-table entries behind.
     */
    mov     $__bss_start, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    shr     $2, %ecx
    xor     %eax, %eax
    rep stosl

    /* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
    mov     $pdpt + (PTE_P | PTE_W), %eax
    mov     %eax, pml4
    mov     $pd + (PTE_P | PTE_W), %eax
    mov     $pdpt, %edi
    mov     $4, %ecx
2:  mov     %eax, (%edi)
    add     $4096, %eax
    add     $8, %edi
    loop    2b

    /* 2048 PDEs of 2 MiB: 0 .. 4 GiB (every address fits in 32 bits). */
    mov     $(PTE_P | PTE_W | PTE_PS), %eax
    mov     $pd, %edi
    mov     $2048, %ecx
3:  mov     %eax, (%edi)
    add     $0x200000, %eax
    add     $8, %edi
    loop    3b

    /* The first 2 MiB through a page table of 4 KiB pages. */
    mov     $pt0 + (PTE_P | PTE_W), %eax
    mov     %eax, pd
    mov     $(PTE_P | PTE_W), %eax
    mov     $pt0, %edi
    mov     $512, %ecx
4:  mov     %eax, (%edi)
    add     $4096, %eax
    add     $8, %edi
    loop    4b

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
    or      $(CR0_PG | CR0_NE | CR0_PE), %eax
    mov     %eax, %cr0
    ljmp    $SEL_CODE64, $start64

    .code64
start64:
    mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    lea     stack_top(%rip), %rsp
    mov     %esi, %edi                  /* zero-extends: start_info paddr */
    xor     %ebp, %ebp
    call    lib_start
5:  cli
    hlt
    jmp     5b

/*
 * Exception entry: one stub per vector 0..31 that makes the frame uniform
 * (a dummy error code where the CPU pushes none), then common code saves
 * the GPRs and calls exc_handler(frame).  If the handler returns (a
 * recovered *_safe access) the frame, possibly edited, is resumed.
 */
    .macro exc_stub vec
    .balign 16
exc_stub_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $\vec
    jmp     exc_common
    .endm

    .balign 16
    .globl exc_stubs_start
exc_stubs_start:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    exc_stub \v
    .endr

    .section .rodata
    .balign 8
    .globl exc_stub_table
exc_stub_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exc_stub_\v
    .endr

    .text
exc_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, %rdi
    mov     %rsp, %rbx
    and     $-16, %rsp                  /* the ABI's call alignment */
    call    exc_handler
    mov     %rbx, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp                   /* vector and error code */
    iretq

/*
 * MSR accesses whose fault exc_handler recovers from: it finds the
 * faulting RIP in msr_fixups, stores the vector in %eax and resumes at
 * the instruction after (both are 2 bytes).
 */
    .globl wrmsr_safe
wrmsr_safe:                             /* (msr %edi, value %rsi) */
    mov     %edi, %ecx
    mov     %esi, %eax
    mov     %rsi, %rdx
    shr     $32, %rdx
    xor     %r8d, %r8d                  /* result if no fault */
    .globl wrmsr_safe_insn
wrmsr_safe_insn:
    wrmsr
    mov     %r8d, %eax
    ret

    .globl rdmsr_safe
rdmsr_safe:                             /* (msr %edi, u64 *out %rsi) */
    mov     %edi, %ecx
    xor     %eax, %eax
    xor     %edx, %edx
    xor     %r8d, %r8d
    .globl rdmsr_safe_insn
rdmsr_safe_insn:
    rdmsr
    shl     $32, %rdx
    or      %rdx, %rax
    mov     %rax, (%rsi)
    mov     %r8d, %eax
    ret

/* long hypercall_direct(nr, a1, a2, a3, a4, a5) through VMMCALL or VMCALL. */
    .globl hypercall_direct
hypercall_direct:
    mov     %rdi, %rax
    mov     %rsi, %rdi
    mov     %rdx, %rsi
    mov     %rcx, %rdx
    mov     %r8, %r10
    mov     %r9, %r8
    cmpb    $0, cpu_is_amd(%rip)
    je      1f
    vmmcall
    ret
1:  vmcall
    ret

/*
 * The hypercall page: int3 until the hypervisor fills it, so a call into
 * a page that was never written traps and is reported rather than
 * running off into zeros.  A second page lets hypercall_page.c check that
 * the MSR takes any page address.
 */
    .section .hypercall_page, "awx"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc
    .globl hypercall_page2
hypercall_page2:
    .fill 4096, 1, 0xcc

    .section .rodata
    .balign 8
    .globl gdt, gdt_end, gdt_desc
gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: flat data */
    .quad 0x00cf9a000000ffff            /* 0x18: flat 32-bit code */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .quad gdt

    .section .bss
    .balign 4096
    .globl pml4
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4 * 4096
    .globl pt0
pt0:    .skip 4096
    .balign 16
stack:  .skip 16384
stack_top:

    .data
    .balign 8
    .globl guest_entry_tsc
guest_entry_tsc:
    .quad   0
