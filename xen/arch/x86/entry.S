/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt and exception entry.  Every vector has a 16-byte stub that
 * makes the frame uniform (error code 0 where the CPU pushes none, the
 * vector number beside it) and joins common code, which saves the general
 * registers as a struct cpu_user_regs and calls do_trap().
 */
#include <asm/config.h>

        .text
        .balign 16
        .globl  trap_stubs
trap_stubs:
        vec = 0
        .rept   256
        .balign 16
        .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
        movl    $vec, 4(%rsp)
        .else
        pushq   $0
        movl    $vec, 4(%rsp)
        .endif
        jmp     trap_common
        vec = vec + 1
        .endr

trap_common:
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        cld
        mov     %rsp, %rdi
        call    do_trap
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        add     $8, %rsp
        iretq

/* void switch_stack_and_jump(unsigned long sp, void (*fn)(void)) */
        .globl  switch_stack_and_jump
switch_stack_and_jump:
        mov     %rdi, %rsp
        xor     %ebp, %ebp
        push    $0                      /* fake return address ends stack traces */
        jmp     *%rsi
        .section .note.GNU-stack, "", @progbits
