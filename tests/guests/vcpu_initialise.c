/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VCPUOP_initialise, VCPUOP_up, VCPUOP_down and VCPUOP_is_up on a domain
 * with "vcpus=N" vCPUs:
 *
 *  - bad input changes nothing and gives Xen's error: up before
 *    initialise -EINVAL; a vCPU id past the end -ENOENT; an unknown mode,
 *    non-zero padding, a 64-bit context without CR0.PG, CR4.PAE or
 *    EFER.LME, a non-canonical RIP, reserved or unoffered CR0/CR4/EFER/
 *    RFLAGS bits, a CR3 beyond the address width, a 32-bit context with a
 *    null CS, a data CS or code SS, a TR that is no TSS, a limit that does
 *    not match G, EIP beyond the CS limit or PE clear -EINVAL; an argument
 *    that is not mapped -EFAULT; a vCPU that has a state already (vCPU 0)
 *    -EEXIST;
 *  - a 64-bit context starts vCPU 1 only at VCPUOP_up, in 64-bit mode at
 *    its RIP with its RSP, RFLAGS, general registers, CR0, CR3, CR4 and
 *    EFER (LMA added); a second initialise is -EEXIST, a second up is 0
 *    and changes nothing;
 *  - VCPUOP_down of itself stops vCPU 1 inside the hypercall; VCPUOP_up
 *    resumes it there, and the hypercall returns 0;
 *  - after an INIT IPI it takes a new, 32-bit context (and goes to long
 *    mode itself from there);
 *  - the other vCPUs start from 64-bit contexts all at once.
 */
#include "events.h"
#include "smp.h"

DEFINE_TEST("vcpu_initialise");

#define XEN_ENOENT      2
#define XEN_EFAULT      14
#define XEN_EEXIST      17
#define XEN_EINVAL      22

#define MSR_EFER        0xc0000080

enum { CMD_NONE, CMD_DOWN_SELF };

struct ap {
    volatile unsigned int starts, resumed, cmd;
    volatile long down_rc;
    volatile uint64_t cr0, cr3, cr4, efer;
};

static struct ap ap[SMP_MAX_VCPUS];
static uint64_t init_stack[SMP_MAX_VCPUS][512] __attribute__((aligned(16)));

static void ap_main(unsigned int id)
{
    struct ap *a = &ap[id];

    a->cr0 = read_cr0();
    a->cr3 = read_cr3();
    a->cr4 = read_cr4();
    a->efer = rdmsr(MSR_EFER);
    a->cmd = CMD_NONE;
    atomic_inc(&a->starts);
    for ( ;; )
    {
        if ( a->cmd == CMD_DOWN_SELF )
        {
            a->cmd = CMD_NONE;
            a->down_rc = HYPERVISOR_vcpu_op(VCPUOP_down, id, NULL);
            atomic_inc(&a->resumed);
        }
        __asm__ volatile ("pause");
    }
}

static long vcpu_op(unsigned int cmd, unsigned int id, void *arg)
{
    return HYPERVISOR_vcpu_op(cmd, id, arg);
}

static uint64_t stack_top(unsigned int id)
{
    return (uint64_t)&init_stack[id][512];
}

/* VCPUOP_initialise(@id, @c) must fail with @err; printed by the CHECK if not. */
#define REFUSED(c, id, err) CHECK_EQ(vcpu_op(VCPUOP_initialise, id, c), -(err))

static void bad_input(unsigned int nr)
{
    struct vcpu_hvm_context good64, good32, c;

    smp_context_64(&good64, stack_top(1));
    smp_context_32(&good32);

    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, nr, &good64), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(VCPUOP_up, nr, NULL), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(VCPUOP_down, nr, NULL), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 0xffffffffu, &good64), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, (void *)0x7ff0000000ULL), -XEN_EFAULT);
    /* vCPU 0 has a state (it runs this): -EEXIST before any check of the context. */
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 0, &good64), -XEN_EEXIST);

    c = good64; c.mode = 2;                                  REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.pad = 1;                                   REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.cr0 &= ~(1ULL << 31);      REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.cr4 = 0;                   REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.efer = 0;                  REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.rip = 0x0000800000000000;  REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.rflags |= 1ULL << 17;      REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.rflags |= 1ULL << 3;       REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.cr0 |= 1ULL << 29;         REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.cr0 |= 1ULL << 32;         REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.cr4 |= 1ULL << 13;         REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.efer |= 1ULL << 12;        REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.efer |= 1ULL << 10;
    c.cpu_regs.x86_64.cr0 &= ~(1ULL << 31);                  REFUSED(&c, 1, XEN_EINVAL);
    c = good64; c.cpu_regs.x86_64.cr3 = 1ULL << 52;          REFUSED(&c, 1, XEN_EINVAL);

    c = good32; c.cpu_regs.x86_32.pad1 = 1;                  REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.pad2[2] = 1;               REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.cs_ar = 0;                 REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.cs_ar = 0xc93;             REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.ss_ar = 0xc9b;             REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.ss_ar = 0xc13;             REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.tr_ar = 0x93;              REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.cs_ar |= 1u << 12;         REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.cs_limit = 0x12345;        REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.cs_ar = 0x49b;
    c.cpu_regs.x86_32.cs_limit = 0xfff;
    c.cpu_regs.x86_32.eip = 0x2000;                          REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.cr0 = 0x10;                REFUSED(&c, 1, XEN_EINVAL);
    c = good32; c.cpu_regs.x86_32.ss_ar = 0xcf3;             REFUSED(&c, 1, XEN_EINVAL);

    /* Nothing of that stuck. */
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    CHECK_EQ(ap[1].starts, 0);
}

static void check_long_mode(unsigned int id)
{
    CHECK_EQ(ap[id].cr0, 0x80000031);               /* PG NE ET PE */
    CHECK_EQ(ap[id].cr3, (uint64_t)read_cr3());
    CHECK_EQ(ap[id].cr4 & 0x20, 0x20);              /* PAE */
    CHECK_EQ(ap[id].efer & 0x500, 0x500);           /* LME LMA */
}

void test_main(const struct hvm_start_info *si)
{
    struct madt_cpu cpus[SMP_MAX_VCPUS];
    struct vcpu_hvm_context c;
    const volatile struct smp_entry_regs *r;
    unsigned int nr = 0, i;
    char arg[16];

    (void)si;
    CHECK(have_xen);
    events_init();
    if ( cmdline_get("vcpus", arg, sizeof(arg)) )
        nr = (unsigned int)strtoull(arg, NULL, 10);
    CHECK(nr >= 2 && nr <= SMP_MAX_VCPUS);
    for ( i = 1; i < nr; i++ )
        CHECK_EQ(vcpu_op(VCPUOP_is_up, i, NULL), 0);
    smp_ap_fn = ap_main;

    bad_input(nr);
    printf("bad contexts refused, nothing left behind\n");

    /* A 64-bit start: nothing runs before VCPUOP_up. */
    smp_context_64(&c, stack_top(1));
    c.cpu_regs.x86_64.rax = 0x1111111111111111;
    c.cpu_regs.x86_64.rcx = 0x2222222222222222;
    c.cpu_regs.x86_64.rdx = 0x3333333333333333;
    c.cpu_regs.x86_64.rbx = 0x4444444444444444;
    c.cpu_regs.x86_64.rbp = 0x5555555555555555;
    c.cpu_regs.x86_64.rsi = 0x6666666666666666;
    c.cpu_regs.x86_64.rdi = 0x7777777777777777;
    c.cpu_regs.x86_64.rflags = 0x847;               /* OF ZF PF CF, bit 1 */
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &c), 0);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &c), -XEN_EEXIST);
    spin_ms(30);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK_EQ(ap[1].starts, 0);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
    WAIT_FOR(ap[1].starts == 1, 5000, "vCPU 1 did not start from its 64-bit context");
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
    spin_ms(30);
    CHECK_EQ(ap[1].starts, 1);
    r = smp_entry_regs_at(stack_top(1));
    CHECK_EQ(r->rsp, stack_top(1));
    CHECK_EQ(r->rax, 0x1111111111111111);
    CHECK_EQ(r->rcx, 0x2222222222222222);
    CHECK_EQ(r->rdx, 0x3333333333333333);
    CHECK_EQ(r->rbx, 0x4444444444444444);
    CHECK_EQ(r->rbp, 0x5555555555555555);
    CHECK_EQ(r->rsi, 0x6666666666666666);
    CHECK_EQ(r->rdi, 0x7777777777777777);
    CHECK_EQ(r->rflags, 0x847);
    CHECK_EQ(r->cs, 0);                             /* Xen's choice: selector 0 */
    check_long_mode(1);
    printf("vCPU 1 started from a 64-bit context\n");

    /* Down inside its own hypercall; up resumes it there. */
    ap[1].cmd = CMD_DOWN_SELF;
    WAIT_FOR(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, 5000, "vCPU 1 did not go down");
    spin_ms(30);
    CHECK_EQ(ap[1].resumed, 0);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
    WAIT_FOR(ap[1].resumed == 1, 5000, "vCPU 1 did not resume after VCPUOP_up");
    CHECK_EQ(ap[1].down_rc, 0);
    CHECK_EQ(ap[1].starts, 1);

    /* INIT drops its state: a new (32-bit) context is taken. */
    apic_enable();
    CHECK(madt_cpus(cpus, SMP_MAX_VCPUS) >= 2);
    apic_send(cpus[1].apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    WAIT_FOR(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, 5000, "vCPU 1 still up after INIT");
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    smp_context_32(&c);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &c), 0);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
    WAIT_FOR(ap[1].starts == 2, 5000, "vCPU 1 did not start from its 32-bit context");
    check_long_mode(1);
    printf("vCPU 1 restarted from a 32-bit context after INIT\n");

    /* The others at once. */
    for ( i = 2; i < nr; i++ )
    {
        smp_context_64(&c, stack_top(i));
        c.cpu_regs.x86_64.rdi = i;
        CHECK_EQ(vcpu_op(VCPUOP_initialise, i, &c), 0);
    }
    for ( i = 2; i < nr; i++ )
        CHECK_EQ(vcpu_op(VCPUOP_up, i, NULL), 0);
    for ( i = 2; i < nr; i++ )
    {
        WAIT_FOR(ap[i].starts == 1, 5000, "vCPU %u did not start", i);
        CHECK_EQ(smp_entry_regs_at(stack_top(i))->rdi, i);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, i, NULL), 1);
        check_long_mode(i);
    }
    printf("%u vCPUs up\n", nr);
}
