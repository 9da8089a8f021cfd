/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary vCPUs started the way Linux starts them: INIT, INIT
 * de-assert, STARTUP, STARTUP through the local APIC, into a real-mode
 * trampoline below 1 MiB that goes on to long mode (lib/smp.S).
 *
 *  - every vCPU of the MADT starts once (the second STARTUP is ignored),
 *    in the state INIT + STARTUP leave: CS = vector << 8, IP 0, CR0
 *    0x60000010, RFLAGS 0x2, EFER 0, EDX = the CPUID signature;
 *  - each reports its APIC ID (CPUID leaf 1, the APIC ID register) and
 *    vCPU id (CPUID 0x40000004), which match the MADT entry with that UID;
 *  - a STARTUP to a running vCPU is ignored;
 *  - fixed IPIs (physical destination and all-but-self) and NMIs arrive,
 *    both ways;
 *  - a vCPU taken down by HLT with interrupts off, by INIT while it runs,
 *    or by VCPUOP_down (after which VCPUOP_up resumes it where it was)
 *    starts again from INIT/STARTUP, through a trampoline at another
 *    address, with a freshly reset local APIC.
 *
 * "vcpus=N" on the command line is the number of vCPUs the domain has.
 */
#include "events.h"
#include "smp.h"

DEFINE_TEST("smp_sipi");

#define TRAMP_A         0x8000      /* STARTUP vector 0x08 */
#define TRAMP_B         0x9000      /* vector 0x09: the restarts */
#define VEC_PING        0x40        /* BSP -> AP: answered with VEC_PONG + vcpu id */
#define VEC_WAKE        0x41        /* BSP -> AP: look at the command */
#define VEC_PONG        0x50
#define NMI_VECTOR      2

#define XEN_EINVAL      22

enum { CMD_NONE, CMD_HALT, CMD_SPIN, CMD_NMI_BSP };

struct ap {
    volatile unsigned int starts, pings, nmis, beats, cmd;
    volatile unsigned int cpuid_apic_id, reg_apic_id, vcpu_id, svr_at_start;
    volatile struct smp_tramp_record rec;   /* what its trampoline found */
};

static struct ap ap[SMP_MAX_VCPUS];
static volatile unsigned int pongs[SMP_MAX_VCPUS];
static volatile unsigned int bsp_nmis;
static volatile unsigned int checked_in;               /* starts of all vCPUs */
static volatile struct smp_tramp_record *tramp_rec;   /* the one the next start enters */
static struct madt_cpu cpus[SMP_MAX_VCPUS];
static unsigned int nr_cpus;

static unsigned int my_vcpu_id(void)
{
    return cpuid(xen_cpuid_base + 4).ebx;
}

/* ---- interrupt handlers ---------------------------------------------------- */

void on_vector(unsigned long vec);
void on_vector(unsigned long vec)
{
    unsigned int id = my_vcpu_id();

    if ( vec == NMI_VECTOR )
    {
        if ( id == 0 )
            bsp_nmis++;
        else
            ap[id].nmis++;
        return;                     /* NMIs are not EOI'd */
    }
    if ( vec == VEC_PING )
    {
        ap[id].pings++;
        apic_send(cpus[0].apic_id, ICR_FIXED | (VEC_PONG + id));
    }
    else if ( vec >= VEC_PONG && vec < VEC_PONG + SMP_MAX_VCPUS )
        pongs[vec - VEC_PONG]++;
    apic_write(APIC_EOI, 0);
}

/* One interrupt-gate stub per vector: save what C may clobber, call on_vector(vector). */
#define STUB(vec)                                                           \
    void stub_##vec(void);                                                  \
    __asm__(".text\n.globl stub_" #vec "\nstub_" #vec ":\n"                 \
            "push %rax; push %rcx; push %rdx; push %rsi; push %rdi\n"       \
            "push %r8; push %r9; push %r10; push %r11; push %rbp\n"         \
            "push %rbx\n"                                                   \
            "mov %rsp, %rbp; and $-16, %rsp\n"                              \
            "mov $" #vec ", %edi; call on_vector\n"                         \
            "mov %rbp, %rsp\n"                                              \
            "pop %rbx\n"                                                    \
            "pop %rbp; pop %r11; pop %r10; pop %r9; pop %r8\n"              \
            "pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rax\n"            \
            "iretq\n");
STUB(2) STUB(0x40) STUB(0x41)
STUB(0x51) STUB(0x52) STUB(0x53) STUB(0x54) STUB(0x55) STUB(0x56) STUB(0x57)

static void install_handlers(void)
{
    void (*const pong[])(void) = { stub_0x51, stub_0x52, stub_0x53, stub_0x54, stub_0x55,
                                   stub_0x56, stub_0x57 };
    unsigned int i;

    idt_set_gate(NMI_VECTOR, stub_2);
    idt_set_gate(VEC_PING, stub_0x40);
    idt_set_gate(VEC_WAKE, stub_0x41);
    for ( i = 0; i < ARRAY_SIZE(pong); i++ )
        idt_set_gate(VEC_PONG + 1 + i, pong[i]);
}

/* ---- the secondary vCPUs ---------------------------------------------------- */

static void ap_main(unsigned int id)
{
    struct ap *a = &ap[id];

    a->rec.entries = tramp_rec->entries;
    a->rec.edx = tramp_rec->edx;
    a->rec.cr0 = tramp_rec->cr0;
    a->rec.eflags = tramp_rec->eflags;
    a->rec.efer = tramp_rec->efer;
    a->rec.cs = tramp_rec->cs;
    a->rec.ss = tramp_rec->ss;
    a->cpuid_apic_id = cpuid(1).ebx >> 24;
    a->vcpu_id = my_vcpu_id();
    a->reg_apic_id = apic_id();
    a->svr_at_start = apic_read(APIC_SVR);
    a->cmd = CMD_NONE;
    apic_enable();
    atomic_inc(&checked_in);
    atomic_inc(&a->starts);

    for ( ;; )
    {
        irq_disable();
        while ( a->cmd == CMD_NONE )
        {
            safe_halt();            /* sti; hlt: a ping or wake IPI ends it */
            irq_disable();
        }
        switch ( a->cmd )
        {
        case CMD_HALT:
            /* HLT with interrupts off: this vCPU is down until INIT/STARTUP. */
            for ( ;; )
                __asm__ volatile ("cli; hlt");
        case CMD_SPIN:
            irq_enable();
            for ( ;; )
            {
                a->beats++;
                __asm__ volatile ("pause");
            }
        case CMD_NMI_BSP:
            a->cmd = CMD_NONE;
            apic_send(cpus[0].apic_id, ICR_NMI);
            break;
        default:
            fail("vCPU %u: unknown command %u", id, a->cmd);
        }
    }
}

/* ---- the boot vCPU ------------------------------------------------------------ */

static long is_up(unsigned int id)
{
    return HYPERVISOR_vcpu_op(VCPUOP_is_up, id, NULL);
}

static void command(unsigned int id, unsigned int cmd)
{
    ap[id].cmd = cmd;
    apic_send(cpus[id].apic_id, ICR_FIXED | VEC_WAKE);
}

/* A start at trampoline @tramp found the INIT + STARTUP state, and the IDs match the MADT. */
static void check_start(unsigned int id, uint32_t tramp)
{
    const struct ap *a = &ap[id];

    CHECK_EQ(a->rec.cs, tramp >> 4);
    CHECK_EQ(a->rec.ss, 0);
    CHECK_EQ(a->rec.cr0, 0x60000010);
    CHECK_EQ(a->rec.eflags, 0x2);
    CHECK_EQ(a->rec.efer, 0);
    CHECK_EQ(a->rec.edx, cpuid(1).eax);
    CHECK_EQ(a->svr_at_start, 0xff);        /* INIT (or power-up) state of the APIC */
    CHECK_EQ(a->vcpu_id, id);
    CHECK_EQ(cpus[id].uid, id);
    CHECK_EQ(a->cpuid_apic_id, cpus[id].apic_id);
    CHECK_EQ(a->reg_apic_id, cpus[id].apic_id);
    CHECK_EQ(is_up(id), 1);
}

static void ping(unsigned int id)
{
    unsigned int p = ap[id].pings, q = pongs[id];

    apic_send(cpus[id].apic_id, ICR_FIXED | VEC_PING);
    WAIT_FOR(pongs[id] == q + 1, 5000, "vCPU %u: no answer to a fixed IPI (pings %u)", id,
             ap[id].pings);
    CHECK_EQ(ap[id].pings, p + 1);
}

/* Start @id with INIT, STARTUP, STARTUP into the trampoline at @tramp. */
static void start(unsigned int id, uint32_t tramp, volatile struct smp_tramp_record *rec)
{
    unsigned int starts = ap[id].starts, entries = rec->entries;

    tramp_rec = rec;
    smp_init_sipi_sipi(cpus[id].apic_id, tramp);
    WAIT_FOR(ap[id].starts == starts + 1, 10000, "vCPU %u did not start from %#x", id, tramp);
    /* However many STARTUPs: one entry. */
    spin_ms(20);
    CHECK_EQ(rec->entries, entries + 1);
    CHECK_EQ(ap[id].starts, starts + 1);
    check_start(id, tramp);
    printf("vCPU %u (APIC %u) started at %04x:0000\n", id, cpus[id].apic_id, tramp >> 4);
}

/* @id spins (interrupts on) until told otherwise: wait until it is seen doing so. */
static void make_spin(unsigned int id)
{
    unsigned int b;

    command(id, CMD_SPIN);
    WAIT_FOR(ap[id].beats > 1000, 5000, "vCPU %u does not spin", id);
    b = ap[id].beats;
    WAIT_FOR(ap[id].beats > b + 1000, 5000, "vCPU %u stopped spinning", id);
}

/* @id is down: is_up says so and it no longer runs. */
static void check_stopped(unsigned int id)
{
    unsigned int b;

    WAIT_FOR(is_up(id) == 0, 5000, "vCPU %u still up", id);
    spin_ms(5);                     /* it leaves its pCPU at its next exit */
    b = ap[id].beats;
    spin_ms(30);
    CHECK_EQ(ap[id].beats, b);
}

void test_main(const struct hvm_start_info *si)
{
    volatile struct smp_tramp_record *rec_a, *rec_b;
    unsigned int want = 0, i, j, x;
    char arg[16];

    (void)si;
    CHECK(have_xen);
    events_init();
    if ( cmdline_get("vcpus", arg, sizeof(arg)) )
        want = (unsigned int)strtoull(arg, NULL, 10);
    nr_cpus = madt_cpus(cpus, SMP_MAX_VCPUS);
    CHECK_EQ(nr_cpus, want);
    CHECK(nr_cpus >= 2);
    for ( i = 0; i < nr_cpus; i++ )
    {
        CHECK(cpus[i].enabled);
        for ( j = 0; j < i; j++ )
            CHECK(cpus[j].apic_id != cpus[i].apic_id);
    }
    /* The boot vCPU: MADT entry 0, CPUID and the APIC agree. */
    CHECK_EQ(cpus[0].uid, 0);
    CHECK_EQ(my_vcpu_id(), 0);
    CHECK_EQ(cpuid(1).ebx >> 24, cpus[0].apic_id);
    CHECK_EQ(apic_id(), cpus[0].apic_id);
    for ( i = 1; i < nr_cpus; i++ )
        CHECK_EQ(is_up(i), 0);

    install_handlers();
    apic_enable();
    irq_enable();
    smp_ap_fn = ap_main;
    rec_a = smp_install_trampoline(TRAMP_A);
    rec_b = smp_install_trampoline(TRAMP_B);

    /* One at a time, as Linux does. */
    for ( i = 1; i < nr_cpus; i++ )
        start(i, TRAMP_A, rec_a);
    CHECK_EQ(checked_in, nr_cpus - 1);

    /* A STARTUP to a running vCPU changes nothing. */
    tramp_rec = rec_b;
    apic_send(cpus[1].apic_id, ICR_STARTUP | (TRAMP_B >> 12));
    spin_ms(30);
    CHECK_EQ(rec_b->entries, 0);
    CHECK_EQ(ap[1].starts, 1);

    /* Fixed IPIs both ways, to one and to all but self; NMIs both ways. */
    for ( i = 1; i < nr_cpus; i++ )
        ping(i);
    apic_send(0, ICR_FIXED | ICR_ALL_BUT_SELF | VEC_PING);
    for ( i = 1; i < nr_cpus; i++ )
        WAIT_FOR(pongs[i] == 2, 5000, "vCPU %u: no answer to a broadcast IPI", i);
    for ( i = 1; i < nr_cpus; i++ )
    {
        apic_send(cpus[i].apic_id, ICR_NMI);
        WAIT_FOR(ap[i].nmis == 1, 5000, "vCPU %u: the NMI did not arrive", i);
    }
    command(1, CMD_NMI_BSP);
    WAIT_FOR(bsp_nmis == 1, 5000, "vCPU 0: the NMI from vCPU 1 did not arrive");
    printf("%u vCPUs up; fixed IPIs and NMIs arrive both ways\n", nr_cpus);

    /* Down and up again, three ways (spread over the vCPUs there are). */
    x = 1;
    command(x, CMD_HALT);
    check_stopped(x);
    start(x, TRAMP_B, rec_b);
    ping(x);

    x = nr_cpus > 2 ? 2 : 1;
    make_spin(x);
    apic_send(cpus[x].apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    check_stopped(x);
    CHECK_EQ(ap[x].starts, x == 1 ? 2 : 1);
    start(x, TRAMP_B, rec_b);
    ping(x);

    x = nr_cpus > 3 ? 3 : 1;
    make_spin(x);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_down, x, NULL), 0);
    check_stopped(x);
    /* VCPUOP_up resumes it where it stopped: still spinning, not restarted. */
    j = ap[x].starts;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, x, NULL), 0);
    CHECK_EQ(is_up(x), 1);
    i = ap[x].beats;
    WAIT_FOR(ap[x].beats > i + 1000, 5000, "vCPU %u did not resume after VCPUOP_up", x);
    CHECK_EQ(ap[x].starts, j);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_down, x, NULL), 0);
    check_stopped(x);
    start(x, TRAMP_B, rec_b);
    ping(x);

    /* INIT leaves a vCPU uninitialised: VCPUOP_up cannot start it, a STARTUP can. */
    apic_send(cpus[x].apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    WAIT_FOR(is_up(x) == 0, 5000, "vCPU %u still up after INIT", x);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, x, NULL), -XEN_EINVAL);
    start(x, TRAMP_B, rec_b);
    /* Every start counted once: the first ones, three restarts and this one. */
    CHECK_EQ(checked_in, nr_cpus - 1 + 4);
    printf("down and up again: HLT with interrupts off, INIT, VCPUOP_down\n");
}
