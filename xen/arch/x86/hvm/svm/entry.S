/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SVM world switch.
 *
 *   void svm_asm_do_vmrun(struct cpu_user_regs *regs, paddr_t vmcb_pa,
 *                         paddr_t host_vmcb_pa);
 *
 * Called with GIF clear (clgi), so no interrupt or NMI can arrive while
 * the guest's FS/GS/TR/syscall MSRs are loaded in the CPU: the host's own
 * %gs base (per-CPU data) is only valid again after the final vmload.
 *
 * VMRUN itself saves and restores the host's RSP, RIP, RFLAGS, RAX, the
 * control registers and the descriptor tables (in the VM_HSAVE_PA page).
 * What it does not switch is done here: the general registers (guest RAX
 * lives in the VMCB, the others in @regs) and, through vmsave/vmload, the
 * FS, GS, TR, LDTR, KernelGSBase, STAR/LSTAR/CSTAR/SFMASK and SYSENTER
 * state, which the host keeps in a per-CPU save page.
 */
#include <asm/hvm/svm/svm.h>

        .text
        .globl  svm_asm_do_vmrun
        .type   svm_asm_do_vmrun, @function
svm_asm_do_vmrun:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdx                    /* host save page, for the way back */
        push    %rdi                    /* regs, found again after the exit */

        mov     %rdx, %rax
        vmsave                          /* host FS/GS/TR/... state */
        mov     %rsi, %rax              /* RAX = guest VMCB for vmload/vmrun */
        vmload

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

        vmrun

        /* #VMEXIT: RAX is the guest VMCB again, RSP is ours, GIF is clear. */
        vmsave                          /* guest FS/GS/TR/... back into its VMCB */
        push    %rdi
        mov     8(%rsp), %rdi           /* regs */
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

        pop     %rax
        vmload                          /* host FS/GS/TR/...: per-CPU data works again */

        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   svm_asm_do_vmrun, . - svm_asm_do_vmrun
