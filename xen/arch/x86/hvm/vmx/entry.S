/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMX world switch.
 *
 *   int vmx_asm_do_vmentry(struct cpu_user_regs *regs, bool resume);
 *
 * Called with interrupts off and the vCPU's VMCS current.  The VMCS holds
 * the guest's RSP, RIP and RFLAGS and, in its host-state area, where a VM
 * exit lands: HOST_RIP is vmx_asm_vmexit below (written once per VMCS),
 * HOST_RSP is written here, just before the entry, so the exit finds this
 * frame (regs on top).  Everything else the exit loads (CR0/3/4,
 * selectors, FS/GS/TR/GDTR/IDTR bases, SYSENTER, EFER, PAT) was written
 * by vmcs.c.  The general registers are switched here.
 *
 * Returns 0 after a VM exit (the guest's registers are in @regs), or
 * VMX_FAIL_INVALID / VMX_FAIL_VALID when VMLAUNCH/VMRESUME itself failed
 * (then nothing of the guest ran and @regs is untouched).
 */
#include <asm/hvm/vmx/vmx.h>

        .text
        .globl  vmx_asm_do_vmentry
        .type   vmx_asm_do_vmentry, @function
vmx_asm_do_vmentry:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* regs, found again after the exit */

        mov     $VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        jbe     .Lfail                  /* CF or ZF: no current VMCS, or refused */

        /* From here on only MOVs until VMLAUNCH/VMRESUME: ZF still says which. */
        test    %sil, %sil
        mov     UREGS_rax(%rdi), %rax
        mov     UREGS_rbx(%rdi), %rbx
        mov     UREGS_rcx(%rdi), %rcx
        mov     UREGS_rdx(%rdi), %rdx
        mov     UREGS_rsi(%rdi), %rsi
        mov     UREGS_rbp(%rdi), %rbp
        mov     UREGS_r8(%rdi), %r8
        mov     UREGS_r9(%rdi), %r9
        mov     UREGS_r10(%rdi), %r10
        mov     UREGS_r11(%rdi), %r11
        mov     UREGS_r12(%rdi), %r12
        mov     UREGS_r13(%rdi), %r13
        mov     UREGS_r14(%rdi), %r14
        mov     UREGS_r15(%rdi), %r15
        mov     UREGS_rdi(%rdi), %rdi
        jnz     1f
        vmlaunch
        jmp     .Lfail
1:      vmresume

        /* Only reached if the instruction failed: RSP is still ours, the GPRs are the guest's. */
.Lfail:
        mov     $1, %eax
        jc      2f
        mov     $2, %eax
2:      add     $8, %rsp                /* regs */
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   vmx_asm_do_vmentry, . - vmx_asm_do_vmentry

/* VM exit: RSP is HOST_RSP (regs on top), interrupts off, host state loaded. */
        .globl  vmx_asm_vmexit
        .type   vmx_asm_vmexit, @function
vmx_asm_vmexit:
        push    %rdi
        mov     8(%rsp), %rdi           /* regs */
        mov     %rax, UREGS_rax(%rdi)
        mov     %rbx, UREGS_rbx(%rdi)
        mov     %rcx, UREGS_rcx(%rdi)
        mov     %rdx, UREGS_rdx(%rdi)
        mov     %rsi, UREGS_rsi(%rdi)
        mov     %rbp, UREGS_rbp(%rdi)
        mov     %r8, UREGS_r8(%rdi)
        mov     %r9, UREGS_r9(%rdi)
        mov     %r10, UREGS_r10(%rdi)
        mov     %r11, UREGS_r11(%rdi)
        mov     %r12, UREGS_r12(%rdi)
        mov     %r13, UREGS_r13(%rdi)
        mov     %r14, UREGS_r14(%rdi)
        mov     %r15, UREGS_r15(%rdi)
        popq    UREGS_rdi(%rdi)
        add     $8, %rsp                /* regs */
        xor     %eax, %eax
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   vmx_asm_vmexit, . - vmx_asm_vmexit
