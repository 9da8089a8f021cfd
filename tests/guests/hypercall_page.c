/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall page and the 64-bit calling convention:
 *  - each 32-byte stub i is "mov $i,%eax; vmmcall|vmcall; ret" (stub 23,
 *    __HYPERVISOR_iret, may be ud2 as in Xen), one instruction throughout;
 *  - writing the MSR with another page address fills that page too, and a
 *    non-zero page index is refused with #GP;
 *  - arguments travel in RDI, RSI, RDX (checked against hypercalls that
 *    read or write through them), R10, R8 (checked on the library's
 *    wrappers with a fake page), the result in RAX;
 *  - RBX, RBP, R12-R15 and RSP survive a hypercall.
 */
#include "guest.h"

DEFINE_TEST("hypercall_page");

extern uint8_t hypercall_page2[4096];

static const uint8_t vmmcall[3] = { 0x0f, 0x01, 0xd9 };
static const uint8_t vmcall[3] = { 0x0f, 0x01, 0xc1 };

/* Check every stub; returns the instruction used. */
static const uint8_t *check_stubs(const uint8_t *page)
{
    const uint8_t *insn = NULL;
    unsigned int i;

    for ( i = 0; i < 4096 / 32; i++ )
    {
        const uint8_t *s = page + i * 32;
        uint32_t imm;

        if ( i == 23 && s[0] == 0x0f && s[1] == 0x0b )
            continue;                   /* Xen: no iret hypercall for HVM */
        if ( s[0] != 0xb8 )
            fail("stub %u: %02x %02x %02x %02x %02x, expected mov $%u,%%eax",
                 i, s[0], s[1], s[2], s[3], s[4], i);
        memcpy(&imm, s + 1, 4);
        if ( imm != i )
            fail("stub %u loads %u into eax", i, imm);
        if ( !insn )
        {
            if ( !memcmp(s + 5, vmmcall, 3) )
                insn = vmmcall;
            else if ( !memcmp(s + 5, vmcall, 3) )
                insn = vmcall;
            else
                fail("stub %u: %02x %02x %02x is neither vmmcall nor vmcall",
                     i, s[5], s[6], s[7]);
        }
        if ( memcmp(s + 5, insn, 3) )
            fail("stub %u uses a different instruction from stub 0", i);
        if ( s[8] != 0xc3 )
            fail("stub %u: %#x after the call instruction, expected ret", i, s[8]);
    }
    return insn;
}

/*
 * call_stub_check(stub, a1, a2, a3, &ret): call a stub with the arguments
 * in RDI/RSI/RDX and known values in every callee-saved register; returns
 * a mask of the registers that did not survive (bit 0 rbx, 1 rbp, 2 r12,
 * 3 r13, 4 r14, 5 r15, 6 rsp).
 */
unsigned int call_stub_check(const void *stub, unsigned long a1, unsigned long a2,
                             unsigned long a3, long *ret);
__asm__ (
    "    .text\n"
    "    .globl call_stub_check\n"
    "call_stub_check:\n"
    "    push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "    push %r8\n"
    "    mov %rdi, %rax\n"
    "    mov %rsi, %rdi\n"
    "    mov %rdx, %rsi\n"
    "    mov %rcx, %rdx\n"
    "    mov %rsp, saved_rsp(%rip)\n"
    "    movabs $0x1111111111111111, %rbx\n"
    "    movabs $0x2222222222222222, %rbp\n"
    "    movabs $0x3333333333333333, %r12\n"
    "    movabs $0x4444444444444444, %r13\n"
    "    movabs $0x5555555555555555, %r14\n"
    "    movabs $0x6666666666666666, %r15\n"
    "    call *%rax\n"
    "    xor %ecx, %ecx\n"
    "    movabs $0x1111111111111111, %r11\n cmp %r11, %rbx\n je 1f\n or $1, %ecx\n1:\n"
    "    movabs $0x2222222222222222, %r11\n cmp %r11, %rbp\n je 1f\n or $2, %ecx\n1:\n"
    "    movabs $0x3333333333333333, %r11\n cmp %r11, %r12\n je 1f\n or $4, %ecx\n1:\n"
    "    movabs $0x4444444444444444, %r11\n cmp %r11, %r13\n je 1f\n or $8, %ecx\n1:\n"
    "    movabs $0x5555555555555555, %r11\n cmp %r11, %r14\n je 1f\n or $16, %ecx\n1:\n"
    "    movabs $0x6666666666666666, %r11\n cmp %r11, %r15\n je 1f\n or $32, %ecx\n1:\n"
    "    cmp saved_rsp(%rip), %rsp\n je 1f\n or $64, %ecx\n"
    "    mov saved_rsp(%rip), %rsp\n"
    "1:  pop %r8\n"
    "    mov %rax, (%r8)\n"
    "    mov %ecx, %eax\n"
    "    pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "    ret\n"
    "    .bss\n"
    "    .balign 8\n"
    "saved_rsp: .quad 0\n"
    "    .text\n");

/* A fake hypercall page: stub 5 records its argument registers. */
static uint8_t fake_page[4096] __attribute__((aligned(4096)));
uint64_t fake_regs[6];
void fake_stub(void);
__asm__ (
    "    .text\n"
    "    .globl fake_stub\n"
    "fake_stub:\n"
    "    mov %rdi, fake_regs+0(%rip)\n"
    "    mov %rsi, fake_regs+8(%rip)\n"
    "    mov %rdx, fake_regs+16(%rip)\n"
    "    mov %r10, fake_regs+24(%rip)\n"
    "    mov %r8, fake_regs+32(%rip)\n"
    "    movabs $0x5eed5eed5eed5eed, %rax\n"
    "    ret\n");

static void check_wrappers(void)
{
    uint8_t *stub = fake_page + 5 * 32;
    uint64_t target = (uint64_t)fake_stub;
    uint8_t *saved = hypercall_stubs;
    long rc;

    /* movabs $fake_stub, %rax; jmp *%rax */
    stub[0] = 0x48;
    stub[1] = 0xb8;
    memcpy(stub + 2, &target, 8);
    stub[10] = 0xff;
    stub[11] = 0xe0;
    hypercall_stubs = fake_page;
    rc = hypercall5(5, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5);
    hypercall_stubs = saved;
    CHECK_EQ(rc, 0x5eed5eed5eed5eedll);
    CHECK_EQ(fake_regs[0], 0xa1);
    CHECK_EQ(fake_regs[1], 0xa2);
    CHECK_EQ(fake_regs[2], 0xa3);
    CHECK_EQ(fake_regs[3], 0xa4);
    CHECK_EQ(fake_regs[4], 0xa5);
}

void test_main(const struct hvm_start_info *si)
{
    static const char msg[] = "hypercall_page: console_io through a checked stub\n";
    const uint8_t *insn, *insn2;
    xen_extraversion_t extra;
    unsigned int clobbered;
    struct cpuid_regs r;
    uint64_t v;
    long rc;
    int vec;

    check_wrappers();
    printf("library wrappers pass arguments in rdi, rsi, rdx, r10, r8\n");

    CHECK(have_xen);
    r = cpuid(xen_cpuid_base + 2);

    insn = check_stubs(hypercall_page);
    printf("hypercall page at %p: 128 stubs, %s\n", hypercall_page,
           insn == vmmcall ? "vmmcall" : "vmcall");
    if ( cpu_is_amd != (insn == vmmcall) )
        printf("note: %s stubs on a CPU whose vendor is %s\n",
               insn == vmmcall ? "vmmcall" : "vmcall", cpu_is_amd ? "AMD" : "Intel");

    /* Registers: arguments in, result out, callee-saved registers kept. */
    clobbered = call_stub_check(hypercall_page + __HYPERVISOR_console_io * 32,
                                CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg, &rc);
    CHECK_EQ(rc, 0);
    if ( clobbered )
        fail("hypercall clobbered callee-saved registers, mask %#x "
             "(1 rbx, 2 rbp, 4 r12, 8 r13, 16 r14, 32 r15, 64 rsp)", clobbered);

    /* RDI is the command: an unknown one must not be taken from elsewhere. */
    clobbered = call_stub_check(hypercall_page + __HYPERVISOR_console_io * 32,
                                0x7777, sizeof(msg) - 1, (unsigned long)msg, &rc);
    CHECK_EQ(rc, -XEN_ENOSYS);
    CHECK_EQ(clobbered, 0);

    /* RSI carries the buffer of xen_version. */
    memset(extra, 0x55, sizeof(extra));
    clobbered = call_stub_check(hypercall_page + __HYPERVISOR_xen_version * 32,
                                XENVER_extraversion, (unsigned long)extra, 0, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(clobbered, 0);
    CHECK(strnlen(extra, sizeof(extra)) < sizeof(extra));

    /*
     * RDX carries the buffer of console_io: an unmapped one there must be
     * refused (not NULL: page 0 is mapped here, and RAM).
     */
    clobbered = call_stub_check(hypercall_page + __HYPERVISOR_console_io * 32,
                                CONSOLEIO_write, 4, 0x100000000ul, &rc);
    CHECK_EQ(rc, -XEN_EFAULT);
    CHECK_EQ(clobbered, 0);

    /* The MSR takes any page: a second page gets the same stubs. */
    CHECK_EQ(hypercall_page2[0], 0xcc);
    vec = wrmsr_safe(r.ebx, (uint64_t)hypercall_page2);
    CHECK_EQ(vec, 0);
    insn2 = check_stubs(hypercall_page2);
    CHECK(insn2 == insn);
    hypercall_stubs = hypercall_page2;
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), cpuid(xen_cpuid_base + 1).eax);
    hypercall_stubs = hypercall_page;

    /* Page index 1 of a one-page area: #GP, as Xen does. */
    vec = wrmsr_safe(r.ebx, (uint64_t)hypercall_page2 | 1);
    printf("wrmsr %#x with page index 1: %s\n", r.ebx, vec ? "fault" : "accepted");
    CHECK_EQ(vec, 13);

    vec = rdmsr_safe(r.ebx, &v);
    printf("rdmsr %#x: %s, value %#lx\n", r.ebx, vec ? "fault" : "ok", (unsigned long)v);
    (void)si;
}
