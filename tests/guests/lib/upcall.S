/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event upcall's interrupt entry: save the registers C may clobber,
 * call upcall_handler(), restore, iretq.  Entered through an interrupt
 * gate, so interrupts stay off until the iretq.
 */
    .text
    .globl upcall_entry
upcall_entry:
    push    %rax
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbp
    mov     %rsp, %rbp
    and     $-16, %rsp
    call    upcall_handler
    mov     %rbp, %rsp
    pop     %rbp
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rax
    iretq
