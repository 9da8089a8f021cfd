/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO where a domU has no device: the hypervisor decodes each access
 * (QEMU's SVM has no decode assists) and emulates an empty bus.  Reads
 * of every size and form give all-ones, writes are dropped, ALU forms set
 * flags from the all-ones operand, string forms run to completion, and
 * the guest keeps running throughout.
 *
 * With "crash" on the command line (test name mmio_crash) it then issues
 * an instruction the decoder does not handle (inc on MMIO): the
 * hypervisor must end this domain with reason crash, and only this one.
 */
#include "guest.h"

DEFINE_TEST("mmio_default");

/* Holes in the guest-physical map: nothing is emulated there for a domU. */
#define HPET_PAGE   0xfed00000ul
#define HOLE        0xf0000000ul

#define FLAGS_ZF    (1ul << 6)
#define FLAGS_SF    (1ul << 7)
#define FLAGS_CF    (1ul << 0)
#define FLAGS_OF    (1ul << 11)

static void reads_of_each_size(volatile void *p)
{
    uint64_t v;
    uint32_t l;
    uint16_t w;
    uint8_t b;

    __asm__ volatile ("movb (%1), %0" : "=q" (b) : "r" (p) : "memory");
    CHECK_EQ(b, 0xff);
    __asm__ volatile ("movw (%1), %0" : "=r" (w) : "r" (p) : "memory");
    CHECK_EQ(w, 0xffff);
    __asm__ volatile ("movl 4(%1), %0" : "=r" (l) : "r" (p) : "memory");
    CHECK_EQ(l, 0xffffffffu);
    __asm__ volatile ("movq 8(%1), %0" : "=r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, ~0ull);
    /* Index and scale: (p, rcx=3, 8) = p + 24. */
    __asm__ volatile ("movq (%1,%2,8), %0" : "=r" (v) : "r" (p), "r" (3ul) : "memory");
    CHECK_EQ(v, ~0ull);
}

static void register_write_back(volatile void *p)
{
    uint64_t v;

    /* A 32-bit load zero-extends into the 64-bit register. */
    v = 0x1122334455667788ull;
    __asm__ volatile ("movl (%1), %k0" : "+r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0xffffffffull);
    /* Byte and word loads merge. */
    v = 0x1122334455667788ull;
    __asm__ volatile ("movb (%1), %b0" : "+a" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0x11223344556677ffull);
    v = 0x1122334455667788ull;
    __asm__ volatile ("movw (%1), %w0" : "+a" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0x112233445566ffffull);
    /* AH: byte register 4 without REX. */
    v = 0x1122334455667788ull;
    __asm__ volatile ("movb (%1), %%ah" : "+a" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0x112233445566ff88ull);
    /* MOVZX / MOVSX. */
    __asm__ volatile ("movzbl (%1), %k0" : "=r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0xff);
    __asm__ volatile ("movzwq (%1), %0" : "=r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0xffff);
    __asm__ volatile ("movsbq (%1), %0" : "=r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, ~0ull);
    __asm__ volatile ("movswl (%1), %k0" : "=r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0xffffffffull);
    /* MOV moffs (A1 with a 64-bit absolute address). */
    v = 0;
    __asm__ volatile ("movabs 0xfed00010, %%eax" : "=a" (v) :: "memory");
    CHECK_EQ(v, 0xffffffffull);
}

static void writes_are_dropped(volatile void *p)
{
    volatile uint32_t *l = p;
    uint32_t v;

    l[4] = 0x12345678;
    CHECK_EQ(l[4], 0xffffffffu);
    *(volatile uint8_t *)p = 0;
    CHECK_EQ(*(volatile uint8_t *)p, 0xff);
    __asm__ volatile ("movq $0, 32(%0)" :: "r" (p) : "memory");
    __asm__ volatile ("movnti %1, 40(%0)" :: "r" (p), "r" (0u) : "memory");
    v = 0x5a5a5a5a;
    __asm__ volatile ("movabs %%eax, 0xfed00020" :: "a" (v) : "memory");
    CHECK_EQ(l[8], 0xffffffffu);
    CHECK_EQ(l[10], 0xffffffffu);
}

static uint64_t flags_after(void)
{
    uint64_t f;

    __asm__ volatile ("pushfq; popq %0" : "=r" (f));
    return f;
}

static void alu_forms(volatile void *p)
{
    uint64_t f, v;

    /* or $1 on all-ones: result all-ones, SF set, ZF/CF/OF clear. */
    __asm__ volatile ("stc; orl $1, (%1); pushfq; popq %0" : "=r" (f) : "r" (p) : "memory", "cc");
    CHECK((f & FLAGS_SF) && !(f & (FLAGS_ZF | FLAGS_CF | FLAGS_OF)));
    /* cmp $-1: equal. */
    __asm__ volatile ("cmpl $-1, (%1); pushfq; popq %0" : "=r" (f) : "r" (p) : "memory", "cc");
    CHECK(f & FLAGS_ZF);
    /* cmp (mem), reg: 0 - 0xffffffff borrows. */
    v = 0;
    __asm__ volatile ("cmpl (%2), %k1; pushfq; popq %0" : "=r" (f) : "r" (v), "r" (p)
                      : "memory", "cc");
    CHECK((f & FLAGS_CF) && !(f & FLAGS_ZF));
    /* test $0x100: bit set in all-ones. */
    __asm__ volatile ("testl $0x100, (%1); pushfq; popq %0" : "=r" (f) : "r" (p) : "memory", "cc");
    CHECK(!(f & FLAGS_ZF));
    /* add (mem), reg: 1 + 0xffffffff = 0, carry. */
    v = 1;
    __asm__ volatile ("addl (%2), %k1; pushfq; popq %0" : "=r" (f), "+r" (v) : "r" (p)
                      : "memory", "cc");
    CHECK_EQ(v, 0);
    CHECK((f & FLAGS_CF) && (f & FLAGS_ZF));
    /* and $0 on MMIO: write dropped, ZF from the result. */
    __asm__ volatile ("andl $0, (%1); pushfq; popq %0" : "=r" (f) : "r" (p) : "memory", "cc");
    CHECK(f & FLAGS_ZF);
    /* xchg: the register gets all-ones, the write vanishes. */
    v = 0x1234;
    __asm__ volatile ("xchgl %k0, (%1)" : "+r" (v) : "r" (p) : "memory");
    CHECK_EQ(v, 0xffffffffull);
    (void)flags_after;
}

static void string_forms(volatile void *p)
{
    static uint8_t buf[64];
    uint64_t rcx, rdi, rsi;

    /* rep stosl into MMIO: completes, registers advance. */
    rcx = 4;
    rdi = (uint64_t)p;
    __asm__ volatile ("cld; rep stosl" : "+c" (rcx), "+D" (rdi) : "a" (0) : "memory");
    CHECK_EQ(rcx, 0);
    CHECK_EQ(rdi, (uint64_t)p + 16);
    /* rep movsb from MMIO into RAM: the buffer fills with all-ones. */
    memset(buf, 0, sizeof(buf));
    rcx = 40;
    rsi = (uint64_t)p;
    rdi = (uint64_t)buf;
    __asm__ volatile ("cld; rep movsb" : "+c" (rcx), "+S" (rsi), "+D" (rdi) :: "memory");
    CHECK_EQ(rcx, 0);
    CHECK_EQ(rsi, (uint64_t)p + 40);
    for ( unsigned int i = 0; i < 40; i++ )
        CHECK_EQ(buf[i], 0xff);
    CHECK_EQ(buf[40], 0);
}

void test_main(const struct hvm_start_info *si)
{
    bool crash = strstr(guest_cmdline(), "crash") != NULL;

    if ( crash )
        set_test_name("mmio_crash");
    reads_of_each_size((volatile void *)HPET_PAGE);
    reads_of_each_size((volatile void *)HOLE);
    register_write_back((volatile void *)HPET_PAGE);
    writes_are_dropped((volatile void *)HPET_PAGE);
    alu_forms((volatile void *)HOLE);
    string_forms((volatile void *)HOLE);
    printf("MMIO reads gave all-ones, writes were dropped, the guest kept running\n");

    if ( crash )
    {
        printf("KEEL-GUEST: mmio_crash EXPECT-CRASH: incl on MMIO cannot be emulated\n");
        __asm__ volatile ("incl (%0)" :: "a" (HOLE) : "memory");      /* ff 00 */
        fail("still running after an instruction the hypervisor cannot emulate");
    }
    (void)si;
}
