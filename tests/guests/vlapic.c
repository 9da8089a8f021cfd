/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual local APIC through its xAPIC page at 0xfee00000: the ID
 * matches CPUID (and the MADT numbering: 0 for vCPU 0), version 0x50014,
 * SDM reset state (LVTs masked, SVR 0xff); once enabled through SVR a
 * self-IPI reaches its IDT vector with its ISR bit set and EOI clears it;
 * TPR holds back a vector of its class until it drops; the one-shot timer
 * fires once, the periodic one repeatedly, the current count runs down,
 * and a masked LVT timer delivers nothing.  The event callback (for
 * pvclock's sake the shared_info page is mapped) is not involved.
 */
#include "events.h"

DEFINE_TEST("vlapic");

#define APIC            0xfee00000ul
#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TPR        0x080
#define APIC_PPR        0x0a0
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_ISR        0x100
#define APIC_IRR        0x200
#define APIC_ESR        0x280
#define APIC_ICR_LO     0x300
#define APIC_ICR_HI     0x310
#define APIC_LVTT       0x320
#define APIC_LVT_ERR    0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0

#define VEC_IPI         0x40
#define VEC_IPI_DEST    0x41
#define VEC_TPR         0x45
#define VEC_HIGH        0x61
#define VEC_ONESHOT     0x50
#define VEC_PERIODIC    0x51
#define VEC_MASKED      0x52

static uint32_t apic_read(unsigned int off)
{
    return *(volatile uint32_t *)(APIC + off);
}

static void apic_write(unsigned int off, uint32_t val)
{
    *(volatile uint32_t *)(APIC + off) = val;
}

static bool vec_set(unsigned int base, unsigned int vec)
{
    return apic_read(base + (vec / 32) * 16) & (1u << (vec % 32));
}

static volatile unsigned int hits[256];
static volatile bool isr_was_set[256];

/* Called from the stubs below with the vector: count it, check ISR, EOI. */
void lapic_isr(unsigned long vec);
void lapic_isr(unsigned long vec)
{
    hits[vec]++;
    isr_was_set[vec] = vec_set(APIC_ISR, vec);
    apic_write(APIC_EOI, 0);
}

/* One interrupt-gate stub per vector: save what C may clobber, call lapic_isr(vector). */
#define STUB(vec)                                                           \
    void stub_##vec(void);                                                  \
    __asm__(".text\n.globl stub_" #vec "\nstub_" #vec ":\n"                 \
            "push %rax; push %rcx; push %rdx; push %rsi; push %rdi\n"       \
            "push %r8; push %r9; push %r10; push %r11; push %rbp\n"         \
            "mov %rsp, %rbp; and $-16, %rsp\n"                              \
            "mov $" #vec ", %edi; call lapic_isr\n"                         \
            "mov %rbp, %rsp\n"                                              \
            "pop %rbp; pop %r11; pop %r10; pop %r9; pop %r8\n"              \
            "pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rax\n"            \
            "iretq\n");
STUB(0x40) STUB(0x41) STUB(0x45) STUB(0x61) STUB(0x50) STUB(0x51) STUB(0x52)

/* Wait (interrupts on) until hits[vec] reaches @n or @ms pass. */
static void wait_hits(unsigned int vec, unsigned int n, unsigned int ms)
{
    uint64_t end = pvclock_now() + (uint64_t)ms * 1000000;

    irq_enable();
    while ( hits[vec] < n && pvclock_now() < end )
        __asm__ volatile ("pause");
}

static void reset_state(void)
{
    uint32_t apic_id = cpuid(1).ebx >> 24;
    unsigned int i;

    CHECK_EQ(apic_read(APIC_ID), apic_id << 24);
    CHECK_EQ(apic_id, 0);                   /* MADT: APIC id = 2 * vcpu_id */
    CHECK_EQ(apic_read(APIC_LVR), 0x50014);
    CHECK_EQ(apic_read(APIC_SVR), 0xff);
    for ( i = APIC_LVTT; i <= APIC_LVT_ERR; i += 0x10 )
        CHECK_EQ(apic_read(i), 0x10000);
    CHECK_EQ(apic_read(APIC_TPR), 0);
    CHECK_EQ(apic_read(APIC_PPR), 0);
    CHECK_EQ(apic_read(APIC_TMICT), 0);
    CHECK_EQ(apic_read(APIC_TMCCT), 0);
    for ( i = 0; i < 8; i++ )
        CHECK_EQ(apic_read(APIC_ISR + i * 16) | apic_read(APIC_IRR + i * 16), 0);
    /* Reserved offsets read 0 (not the all-ones of an empty bus). */
    CHECK_EQ(apic_read(0x040), 0);
    CHECK_EQ(apic_read(0x3f0), 0);
    printf("APIC id %u, version %#x, reset state as the SDM says\n", apic_id,
           apic_read(APIC_LVR));
}

static void self_ipi(void)
{
    irq_disable();
    /* Shorthand "self" (bits 19:18 = 01), fixed delivery. */
    apic_write(APIC_ICR_LO, (1u << 18) | VEC_IPI);
    CHECK_EQ(apic_read(APIC_ICR_LO) & (1u << 12), 0);       /* delivered already */
    CHECK(vec_set(APIC_IRR, VEC_IPI));
    CHECK_EQ(hits[VEC_IPI], 0);
    wait_hits(VEC_IPI, 1, 1000);
    CHECK_EQ(hits[VEC_IPI], 1);
    CHECK(isr_was_set[VEC_IPI]);
    CHECK(!vec_set(APIC_ISR, VEC_IPI));
    CHECK(!vec_set(APIC_IRR, VEC_IPI));

    /* No shorthand, physical destination = our own APIC id. */
    apic_write(APIC_ICR_HI, apic_read(APIC_ID));
    apic_write(APIC_ICR_LO, VEC_IPI_DEST);
    wait_hits(VEC_IPI_DEST, 1, 1000);
    CHECK_EQ(hits[VEC_IPI_DEST], 1);
    /* A destination no vCPU has: nothing arrives. */
    apic_write(APIC_ICR_HI, 0x7eu << 24);
    apic_write(APIC_ICR_LO, VEC_IPI_DEST);
    spin_ms(5);
    CHECK_EQ(hits[VEC_IPI_DEST], 1);
    /* An illegal vector: a send error, latched into ESR by the next ESR write. */
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ICR_LO, (1u << 18) | 0x05);
    CHECK_EQ(apic_read(APIC_ESR), 0);
    apic_write(APIC_ESR, 0);
    CHECK(apic_read(APIC_ESR) & (1u << 5));
    apic_write(APIC_ESR, 0);
    CHECK_EQ(apic_read(APIC_ESR), 0);
    printf("self-IPIs arrived with ISR set, EOI cleared it\n");
}

static void tpr_holds(void)
{
    apic_write(APIC_TPR, 0x50);
    CHECK_EQ(apic_read(APIC_PPR), 0x50);
    apic_write(APIC_ICR_LO, (1u << 18) | VEC_TPR);
    spin_ms(10);
    irq_enable();
    spin_ms(10);
    CHECK_EQ(hits[VEC_TPR], 0);
    CHECK(vec_set(APIC_IRR, VEC_TPR));
    /* A vector of a higher class than TPR still gets through. */
    apic_write(APIC_ICR_LO, (1u << 18) | VEC_HIGH);
    wait_hits(VEC_HIGH, 1, 1000);
    CHECK_EQ(hits[VEC_HIGH], 1);
    CHECK_EQ(hits[VEC_TPR], 0);
    /* Lowering TPR lets the held one in. */
    apic_write(APIC_TPR, 0);
    wait_hits(VEC_TPR, 1, 1000);
    CHECK_EQ(hits[VEC_TPR], 1);
    CHECK(!vec_set(APIC_IRR, VEC_TPR));
    printf("TPR 0x50 held vector %#x pending until it dropped\n", VEC_TPR);
}

static void timers(void)
{
    uint32_t c1, c2;
    unsigned int n;

    /* Divide by 1: one count per ns of the 1 GHz virtual bus. */
    apic_write(APIC_TDCR, 0xb);
    CHECK_EQ(apic_read(APIC_TDCR), 0xb);

    /* One-shot, 20 ms. */
    apic_write(APIC_LVTT, VEC_ONESHOT);
    CHECK_EQ(apic_read(APIC_LVTT), VEC_ONESHOT);
    apic_write(APIC_TMICT, 20000000);
    c1 = apic_read(APIC_TMCCT);
    spin_ms(2);
    c2 = apic_read(APIC_TMCCT);
    CHECK(c1 <= 20000000 && c1 > 0);
    if ( !(c2 < c1) )
        fail("current count did not decrease: %u then %u", c1, c2);
    wait_hits(VEC_ONESHOT, 1, 2000);
    CHECK_EQ(hits[VEC_ONESHOT], 1);
    CHECK(isr_was_set[VEC_ONESHOT]);
    spin_ms(60);
    CHECK_EQ(hits[VEC_ONESHOT], 1);
    CHECK_EQ(apic_read(APIC_TMCCT), 0);

    /* Periodic, 5 ms: several ticks, then stopped by an initial count of 0. */
    apic_write(APIC_LVTT, VEC_PERIODIC | (1u << 17));
    apic_write(APIC_TMICT, 5000000);
    wait_hits(VEC_PERIODIC, 5, 3000);
    n = hits[VEC_PERIODIC];
    if ( n < 5 )
        fail("periodic timer ticked %u times", n);
    CHECK(apic_read(APIC_TMCCT) <= 5000000);
    apic_write(APIC_TMICT, 0);
    n = hits[VEC_PERIODIC];
    spin_ms(30);
    CHECK_EQ(hits[VEC_PERIODIC], n);
    CHECK_EQ(apic_read(APIC_TMCCT), 0);

    /* Masked: counts down, delivers nothing, leaves nothing in IRR. */
    apic_write(APIC_LVTT, VEC_MASKED | (1u << 16));
    CHECK_EQ(apic_read(APIC_LVTT), VEC_MASKED | (1u << 16));
    apic_write(APIC_TMICT, 2000000);
    CHECK(apic_read(APIC_TMCCT) > 0);
    spin_ms(30);
    CHECK_EQ(hits[VEC_MASKED], 0);
    CHECK(!vec_set(APIC_IRR, VEC_MASKED));
    CHECK_EQ(apic_read(APIC_TMCCT), 0);
    printf("one-shot fired once, periodic ticked %u times, masked stayed quiet\n", n);
}

void test_main(const struct hvm_start_info *si)
{
    events_init();              /* for pvclock_now() */
    idt_set_gate(0x40, stub_0x40);
    idt_set_gate(0x41, stub_0x41);
    idt_set_gate(0x45, stub_0x45);
    idt_set_gate(0x61, stub_0x61);
    idt_set_gate(0x50, stub_0x50);
    idt_set_gate(0x51, stub_0x51);
    idt_set_gate(0x52, stub_0x52);

    reset_state();

    /* Software-disabled: an IPI is held in IRR, not delivered. */
    irq_enable();
    apic_write(APIC_ICR_LO, (1u << 18) | VEC_IPI);
    spin_ms(5);
    CHECK_EQ(hits[VEC_IPI], 0);
    irq_disable();
    /* Clear it by taking it once enabled; count it separately. */
    apic_write(APIC_SVR, 0x1ff);
    CHECK_EQ(apic_read(APIC_SVR), 0x1ff);
    wait_hits(VEC_IPI, 1, 1000);
    CHECK_EQ(hits[VEC_IPI], 1);
    hits[VEC_IPI] = 0;
    irq_disable();

    self_ipi();
    tpr_holds();
    timers();

    /* Software disable masks every LVT again. */
    apic_write(APIC_LVTT, VEC_ONESHOT);
    apic_write(APIC_SVR, 0xff);
    CHECK_EQ(apic_read(APIC_LVTT), VEC_ONESHOT | (1u << 16));
    (void)si;
}
