/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Local APIC driver.  Two access methods exist (Intel SDM vol. 3, ch. 11):
 * xAPIC, registers in a 4 KiB MMIO page, 8-bit APIC ids; and x2APIC,
 * registers as MSRs 0x800 + (offset >> 4), 32-bit ids and a single 64-bit
 * ICR.  x2APIC is used when CPUID offers it (or the firmware already
 * turned it on) unless x2apic=0 asks otherwise; every CPU uses the mode
 * the boot CPU chose.
 */
#include <keel/lib.h>
#include <keel/param.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>

/* Register offsets in the xAPIC page. */
#define APIC_ID             0x020
#define APIC_LVR            0x030
#define APIC_TASKPRI        0x080
#define APIC_EOI            0x0b0
#define APIC_LDR            0x0d0
#define APIC_DFR            0x0e0
#define APIC_SPIV           0x0f0
#define APIC_ESR            0x280
#define APIC_LVTCMCI        0x2f0
#define APIC_ICR            0x300
#define APIC_ICR2           0x310
#define APIC_LVTT           0x320
#define APIC_LVTTHMR        0x330
#define APIC_LVTPC          0x340
#define APIC_LVT0           0x350
#define APIC_LVT1           0x360
#define APIC_LVTERR         0x370

#define APIC_SPIV_ENABLE        (1U << 8)
#define APIC_LVT_MASKED         (1U << 16)
#define APIC_DM_FIXED           (0U << 8)
#define APIC_DM_NMI             (4U << 8)
#define APIC_DM_INIT            (5U << 8)
#define APIC_DM_STARTUP         (6U << 8)
#define APIC_ICR_BUSY           (1U << 12)      /* xAPIC delivery status */
#define APIC_INT_ASSERT         (1U << 14)
#define APIC_DEST_ALLBUT        (3U << 18)

#define APIC_BASE_EXTD          (1ULL << 10)    /* x2APIC mode */
#define APIC_BASE_ENABLE        (1ULL << 11)
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ULL

#define CPUID1_ECX_X2APIC       (1U << 21)

static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);

bool x2apic_enabled;
static volatile uint8_t *xapic_mmio;
static unsigned long spurious_count;

static uint32_t apic_read(unsigned int reg)
{
    if ( x2apic_enabled )
        return rdmsr(0x800 + (reg >> 4));
    return *(volatile uint32_t *)(xapic_mmio + reg);
}

static void apic_write(unsigned int reg, uint32_t v)
{
    if ( x2apic_enabled )
        wrmsr(0x800 + (reg >> 4), v);
    else
        *(volatile uint32_t *)(xapic_mmio + reg) = v;
}

uint32_t apic_read_id(void)
{
    /* xAPIC keeps the 8-bit id in bits 31:24; x2APIC has all 32 bits. */
    return x2apic_enabled ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/*
 * Send one IPI.  @low is the ICR's low word (vector, delivery mode, level,
 * shorthand).  xAPIC needs the previous IPI to have left (delivery status
 * clear) before the ICR is rewritten, and the two halves must not be
 * interleaved with an IPI sent by an interrupt handler, hence interrupts
 * off.  x2APIC MSR writes are not serialising: the fence makes the
 * caller's memory writes visible before the target can act on the IPI.
 */
static bool apic_icr_write(uint32_t dest, uint32_t low)
{
    unsigned long flags;
    unsigned int spins;
    bool ok = true;

    local_irq_save(flags);
    if ( x2apic_enabled )
    {
        __asm__ volatile ("mfence; lfence" ::: "memory");
        wrmsr(0x830, ((uint64_t)dest << 32) | low);
    }
    else
    {
        for ( spins = 0; apic_read(APIC_ICR) & APIC_ICR_BUSY; spins++ )
        {
            if ( spins > 10000000 )
            {
                ok = false;
                break;
            }
            cpu_relax();
        }
        apic_write(APIC_ICR2, dest << 24);
        apic_write(APIC_ICR, low);
        /* Wait for this one too, so callers know it was delivered. */
        for ( spins = 0; apic_read(APIC_ICR) & APIC_ICR_BUSY; spins++ )
        {
            if ( spins > 10000000 )
            {
                ok = false;
                break;
            }
            cpu_relax();
        }
    }
    local_irq_restore(flags);
    return ok;
}

void send_IPI_cpu(unsigned int cpu, unsigned int vector)
{
    BUG_ON(cpu >= NR_CPUS || !cpu_data[cpu]);
    apic_icr_write(cpu_data[cpu]->apic_id, APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

void send_IPI_allbutself(unsigned int vector)
{
    apic_icr_write(0, APIC_DEST_ALLBUT | APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

bool apic_send_init(uint32_t apic_id)
{
    /* Level assert only: x2APIC has no INIT de-assert, and CPUs since the
     * Pentium 4 ignore it in xAPIC mode too. */
    return apic_icr_write(apic_id, APIC_DM_INIT | APIC_INT_ASSERT);
}

bool apic_send_startup(uint32_t apic_id, unsigned int page)
{
    BUG_ON(page > 0xff);
    return apic_icr_write(apic_id, APIC_DM_STARTUP | page);
}

/* Spurious interrupts are not in service: no EOI (SDM 11.9). */
static void spurious_interrupt(struct cpu_user_regs *regs)
{
    if ( __atomic_fetch_add(&spurious_count, 1, __ATOMIC_RELAXED) < 10 )
        printk(XENLOG_DEBUG "CPU%u: spurious APIC interrupt\n", smp_processor_id());
}

static void error_interrupt(struct cpu_user_regs *regs)
{
    static const char *const reasons[8] = {
        "send checksum", "receive checksum", "send accept", "receive accept",
        "redirectable IPI", "send illegal vector", "received illegal vector",
        "illegal register address",
    };
    uint32_t esr;
    unsigned int i;

    /* ESR latches on a write; read it after writing. */
    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    apic_eoi();
    printk(XENLOG_WARNING "CPU%u: APIC error, ESR %#x:", smp_processor_id(), esr);
    for ( i = 0; i < 8; i++ )
        if ( esr & (1U << i) )
            printk(" %s", reasons[i]);
    printk("\n");
}

/*
 * Put the calling CPU's APIC into the chosen access mode.  Going from
 * x2APIC back to xAPIC is only allowed through the disabled state.
 */
static void apic_set_mode(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if ( x2apic_enabled )
    {
        if ( !(base & APIC_BASE_ENABLE) )
            wrmsr(MSR_APIC_BASE, base |= APIC_BASE_ENABLE);
        if ( !(base & APIC_BASE_EXTD) )
            wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
        return;
    }
    if ( base & APIC_BASE_EXTD )
    {
        base &= ~(APIC_BASE_EXTD | APIC_BASE_ENABLE);
        wrmsr(MSR_APIC_BASE, base);
    }
    if ( !(base & APIC_BASE_ENABLE) )
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
}

/* Common set-up of the calling CPU's APIC, once its mode is set. */
static void apic_setup_local(bool bsp)
{
    unsigned int maxlvt = (apic_read(APIC_LVR) >> 16) & 0xff;

    /*
     * Flat logical mode is meaningless here (all IPIs are physical) but
     * the DFR must hold a legal value in xAPIC mode; x2APIC has no DFR.
     */
    if ( !x2apic_enabled )
    {
        apic_write(APIC_DFR, 0xffffffff);
        apic_write(APIC_LDR, 0);
    }
    apic_write(APIC_TASKPRI, 0);
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);

    /*
     * Every local source masked except errors, and LINT1 on the boot CPU,
     * which carries NMI on PC-compatible boards.  LINT0 (ExtINT from the
     * 8259s) stays masked: legacy interrupts are off.
     */
    apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_LVT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT1, bsp ? APIC_DM_NMI : APIC_LVT_MASKED);
    if ( maxlvt >= 4 )
        apic_write(APIC_LVTPC, APIC_LVT_MASKED);
    if ( maxlvt >= 5 )
        apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
    if ( maxlvt >= 6 )
        apic_write(APIC_LVTCMCI, APIC_LVT_MASKED);
    apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);

    /* Clear errors left from before: write, then read back. */
    apic_write(APIC_ESR, 0);
    apic_read(APIC_ESR);
    apic_eoi();
}

void apic_bsp_init(void)
{
    struct cpuid_regs r;
    uint64_t base = rdmsr(MSR_APIC_BASE);
    bool fw_x2apic = (base & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
                     (APIC_BASE_ENABLE | APIC_BASE_EXTD);
    bool has_x2apic;
    unsigned int i;

    cpuid(1, &r);
    has_x2apic = r.ecx & CPUID1_ECX_X2APIC;

    if ( fw_x2apic )
        printk("x2APIC mode is already enabled by the firmware\n");
    if ( has_x2apic && opt_x2apic )
        x2apic_enabled = true;
    else if ( fw_x2apic )
        printk(XENLOG_WARNING "x2APIC disabled by the command line: "
               "leaving x2APIC mode for xAPIC\n");
    else if ( has_x2apic )
        printk("x2APIC available but disabled by the command line\n");
    if ( !has_x2apic )
        printk("x2APIC: not offered by this CPU (CPUID.1:ECX[21] clear)\n");

    if ( !x2apic_enabled )
    {
        /* xAPIC ids are 8 bits: CPUs with larger ids cannot be reached. */
        for ( i = 0; i < acpi_info.nr_cpus; i++ )
            if ( acpi_info.cpus[i].apic_id > 0xfe )
                printk(XENLOG_WARNING "CPU with APIC id %#x is unreachable without x2APIC\n",
                       acpi_info.cpus[i].apic_id);
        xapic_mmio = ioremap(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);
    }
    apic_set_mode();
    printk("Using APIC driver %s\n", x2apic_enabled ? "x2apic" : "default");

    set_irq_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt);
    set_irq_handler(ERROR_APIC_VECTOR, error_interrupt);
    apic_setup_local(true);

    this_cpu()->apic_id = apic_read_id();
    printk("CPU0: local APIC id %#x, version %#x, base %#lx\n", this_cpu()->apic_id,
           apic_read(APIC_LVR) & 0xff, (unsigned long)(base & APIC_BASE_ADDR_MASK));
}

void apic_ap_init(void)
{
    apic_set_mode();
    apic_setup_local(false);
}

/*
 * The LAPIC timer's registers, for time.c.  The divider is fixed at 1:
 * the count-down rate is then the APIC timer clock itself.
 */
#define APIC_TMICT          0x380
#define APIC_TMCCT          0x390
#define APIC_TDCR           0x3e0
#define APIC_TDR_DIV_1      0xb
#define APIC_LVT_TIMER_TSCDEADLINE  (2U << 17)

void apic_timer_program_lvt(bool tsc_deadline, bool masked)
{
    apic_write(APIC_TDCR, APIC_TDR_DIV_1);
    apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR | (masked ? APIC_LVT_MASKED : 0) |
                          (tsc_deadline ? APIC_LVT_TIMER_TSCDEADLINE : 0));
    /*
     * SDM 11.5.4.1: the mode change must be done before a deadline is
     * written, and WRMSR to the LVT is not ordered against that write.
     */
    if ( tsc_deadline )
        __asm__ volatile ("mfence" ::: "memory");
}

void apic_timer_set_count(uint32_t count)
{
    apic_write(APIC_TMICT, count);
}

uint32_t apic_timer_get_count(void)
{
    return apic_read(APIC_TMCCT);
}
