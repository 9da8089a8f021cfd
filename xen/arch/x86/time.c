/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time: the TSC is calibrated once against a platform clock of known rate
 * (HPET, else the ACPI PM timer, else PIT channel 2) and then gives system
 * time, NOW(), in nanoseconds since time_init().  Each CPU's local APIC
 * timer raises TIMER_SOFTIRQ at the earliest software timer deadline,
 * in TSC-deadline mode where the CPU has it, else as a one-shot count-down.
 */
#include <keel/lib.h>
#include <keel/param.h>
#include <keel/acpi.h>
#include <keel/console.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>

#define MSR_IA32_TSC_DEADLINE   0x6e0
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)

/* How long the TSC is compared with the reference clock. */
#define CALIBRATE_MS            50
/* Give up on a reference that has not covered that span within this many TSC cycles. */
#define CALIBRATE_GIVE_UP       (1ULL << 35)

#define PM_TIMER_HZ             3579545ULL
#define PIT_HZ                  1193182ULL

/* Reference clock for calibration: @read returns a free-running counter. */
struct ref_clock {
    const char *name;
    uint64_t (*read)(void);
    uint64_t mask;              /* counter width */
    uint64_t num, den;          /* ticks per second = num / den */
};

/* Xen's option name: the platform timer to calibrate against (hpet, acpi, pit). */
static char opt_clocksource[8];
string_param("clocksource", opt_clocksource);

unsigned long cpu_khz;
static uint64_t tsc_hz;
static uint64_t boot_tsc;
static uint64_t tsc_to_ns_mul;  /* ns  = (tsc * mul) >> 32 */
static uint64_t ns_to_tsc_mul;  /* tsc = (ns * mul) >> 32 */
static bool use_tsc_deadline;
/* Xen's "tdt": allow the TSC-deadline mode of the LAPIC timer (default on). */
static bool opt_tdt = true;
boolean_param("tdt", opt_tdt);
static uint64_t apic_timer_hz;
static bool apic_timer_ready[NR_CPUS];

static volatile uint8_t *hpet_base;
static uint16_t pm_tmr_port;

static uint64_t scale(uint64_t v, uint64_t mul)
{
    return ((unsigned __int128)v * mul) >> 32;
}

/*
 * a * b / c with a 128-bit product, by MUL and DIV directly (there is no
 * libgcc for 128-bit division).  Callers keep the quotient within 64 bits.
 */
static uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t lo, hi, q, r;

    __asm__ ("mulq %3" : "=a" (lo), "=d" (hi) : "a" (a), "rm" (b));
    __asm__ ("divq %4" : "=a" (q), "=d" (r) : "a" (lo), "d" (hi), "rm" (c));
    return q;
}

s_time_t get_s_time(void)
{
    int64_t d;

    if ( !tsc_to_ns_mul )
        return 0;
    /* Another CPU's TSC may trail the boot CPU's by a little. */
    d = rdtsc() - boot_tsc;
    return d > 0 ? (s_time_t)scale(d, tsc_to_ns_mul) : 0;
}

/* System time at TSC value @tsc: what NOW() said when the TSC read @tsc. */
s_time_t stime_at_tsc(uint64_t tsc)
{
    int64_t d;

    if ( !tsc_to_ns_mul )
        return 0;
    d = tsc - boot_tsc;
    return d > 0 ? (s_time_t)scale(d, tsc_to_ns_mul) : 0;
}

uint64_t tsc_freq_hz(void)
{
    return tsc_hz;
}

void udelay(unsigned long us)
{
    /* Before calibration assume a fast TSC, so delays are never too short. */
    uint64_t hz = tsc_hz ? tsc_hz : 8000000000ULL;
    uint64_t start = rdtsc(), cycles = muldiv64(us, hz, 1000000);

    while ( rdtsc() - start < cycles )
        cpu_relax();
}

void mdelay(unsigned long ms)
{
    udelay(ms * 1000);
}

/* ---- reference clocks ---------------------------------------------------- */

#define HPET_CAP            0x000   /* [63:32] period in fs, [13] 64-bit counter */
#define HPET_CFG            0x010
#define HPET_CFG_ENABLE     (1ULL << 0)
#define HPET_COUNTER        0x0f0

static uint64_t hpet_read(void)
{
    return readl(hpet_base + HPET_COUNTER);     /* low half: works for 32-bit HPETs too */
}

static bool hpet_setup(struct ref_clock *rc)
{
    uint64_t cap, period;

    if ( !acpi_info.have_hpet || !acpi_info.hpet_addr )
        return false;
    hpet_base = ioremap(acpi_info.hpet_addr, 1024);
    cap = readq(hpet_base + HPET_CAP);
    period = cap >> 32;
    /* The specification bounds the period to (0, 100 ns]. */
    if ( cap == ~0ULL || !period || period > 100000000ULL )
    {
        printk(XENLOG_WARNING "HPET at %#lx: bad period %lu fs, not used\n",
               (unsigned long)acpi_info.hpet_addr, (unsigned long)period);
        return false;
    }
    /* Start the main counter if the firmware left it stopped. */
    if ( !(readq(hpet_base + HPET_CFG) & HPET_CFG_ENABLE) )
        writeq(readq(hpet_base + HPET_CFG) | HPET_CFG_ENABLE, hpet_base + HPET_CFG);
    rc->name = "HPET";
    rc->read = hpet_read;
    rc->mask = 0xffffffffULL;
    rc->num = 1000000000000000ULL;
    rc->den = period;
    return true;
}

static uint64_t pm_timer_read(void)
{
    return inl(pm_tmr_port);
}

static bool pm_timer_setup(struct ref_clock *rc)
{
    if ( !acpi_info.have_pm_timer || !acpi_info.pm_tmr_port ||
         acpi_info.pm_tmr_port > 0xffff )
        return false;
    pm_tmr_port = acpi_info.pm_tmr_port;
    rc->name = "ACPI PM timer";
    rc->read = pm_timer_read;
    rc->mask = acpi_info.pm_tmr_32bit ? 0xffffffffULL : 0xffffffULL;
    rc->num = PM_TIMER_HZ;
    rc->den = 1;
    return true;
}

/* TSC read as close as possible to a reference read: best of a few tries. */
static void sample(const struct ref_clock *rc, uint64_t *tsc, uint64_t *ref)
{
    uint64_t best = ~0ULL;
    unsigned int i;

    for ( i = 0; i < 5; i++ )
    {
        uint64_t a = rdtsc_ordered();
        uint64_t r = rc->read();
        uint64_t b = rdtsc_ordered();

        if ( b - a < best )
        {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *ref = r;
        }
    }
}

/* TSC rate in Hz measured against @rc, or 0 if @rc does not tick. */
static uint64_t calibrate_against(const struct ref_clock *rc)
{
    uint64_t target = muldiv64(rc->num, CALIBRATE_MS, rc->den * 1000);
    uint64_t t0, r0, t1, r1, dref;

    sample(rc, &t0, &r0);
    while ( ((rc->read() - r0) & rc->mask) < target )
        if ( rdtsc() - t0 > CALIBRATE_GIVE_UP )
            return 0;
    sample(rc, &t1, &r1);
    dref = (r1 - r0) & rc->mask;
    return dref ? muldiv64(t1 - t0, rc->num, dref * rc->den) : 0;
}

/*
 * PIT channel 2 counting down once (mode 0) from a known count; its output
 * is visible in port 0x61 bit 5.  Only the gate of channel 2 is touched,
 * with the speaker kept off.
 */
static uint64_t calibrate_against_pit(void)
{
    uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
    uint8_t p61 = inb(0x61);
    uint64_t t0, t1;

    outb((p61 & ~0x02) | 0x01, 0x61);       /* gate high, speaker off */
    outb(0xb0, 0x43);                       /* channel 2, lo/hi byte, mode 0, binary */
    outb(count & 0xff, 0x42);
    outb(count >> 8, 0x42);
    t0 = rdtsc_ordered();
    while ( !(inb(0x61) & 0x20) )
    {
        if ( rdtsc() - t0 > CALIBRATE_GIVE_UP )
        {
            outb(p61, 0x61);
            return 0;
        }
    }
    t1 = rdtsc_ordered();
    outb(p61, 0x61);
    return (t1 - t0) * PIT_HZ / count;
}

static bool plausible(uint64_t hz)
{
    return hz >= 10000000ULL && hz <= 100000000000ULL;     /* 10 MHz .. 100 GHz */
}

void time_init(void)
{
    struct ref_clock rc;
    const char *used = NULL;
    bool want_hpet = !opt_clocksource[0] || !strcmp(opt_clocksource, "hpet");
    bool want_pm = !opt_clocksource[0] || !strcmp(opt_clocksource, "acpi");
    uint64_t hz = 0;

    boot_tsc = rdtsc();
    if ( opt_clocksource[0] && !want_hpet && !want_pm && strcmp(opt_clocksource, "pit") )
    {
        printk(XENLOG_WARNING "clocksource=%s unknown (hpet, acpi, pit); trying all\n",
               opt_clocksource);
        want_hpet = want_pm = true;
    }

    if ( want_hpet && hpet_setup(&rc) )
    {
        hz = calibrate_against(&rc);
        used = plausible(hz) ? "HPET" : NULL;
    }
    if ( !used && want_pm && pm_timer_setup(&rc) )
    {
        hz = calibrate_against(&rc);
        used = plausible(hz) ? "ACPI PM timer" : NULL;
    }
    if ( !used )
    {
        hz = calibrate_against_pit();
        used = plausible(hz) ? "PIT channel 2" : NULL;
    }
    if ( !used )
        panic("TSC calibration failed: no working HPET, ACPI PM timer or PIT");

    tsc_hz = hz;
    cpu_khz = hz / 1000;
    tsc_to_ns_mul = muldiv64(1000000000ULL, 1ULL << 32, hz);
    ns_to_tsc_mul = muldiv64(hz, 1ULL << 32, 1000000000ULL);
    console_clock = get_s_time;

    printk("Detected %lu.%03lu MHz processor.\n", cpu_khz / 1000, cpu_khz % 1000);
    printk("TSC calibrated against the %s over %u ms\n", used, CALIBRATE_MS);
}

/* ---- per-CPU LAPIC timer ------------------------------------------------- */

static void apic_timer_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    raise_softirq(TIMER_SOFTIRQ);
}

/* The LAPIC timer's count-down rate (divide by 1), measured with the TSC. */
static uint64_t calibrate_apic_timer(void)
{
    uint64_t t0, t1, left;

    apic_timer_program_lvt(false, true);
    t0 = rdtsc_ordered();
    apic_timer_set_count(0xffffffff);
    while ( rdtsc() - t0 < tsc_hz / 100 )
        cpu_relax();
    left = apic_timer_get_count();
    t1 = rdtsc_ordered();
    apic_timer_set_count(0);
    return muldiv64(0xffffffffULL - left, tsc_hz, t1 - t0);
}

void apic_timer_init(void)
{
    unsigned int cpu = smp_processor_id();

    if ( cpu == 0 )
    {
        use_tsc_deadline = opt_tdt && (cpuid_ecx(1) & CPUID1_ECX_TSC_DEADLINE);
        apic_timer_hz = calibrate_apic_timer();
        if ( !use_tsc_deadline && !apic_timer_hz )
            panic("The local APIC timer does not count");
        printk("APIC timer: %lu.%03lu MHz, using %s mode\n",
               (unsigned long)(apic_timer_hz / 1000000),
               (unsigned long)(apic_timer_hz / 1000 % 1000),
               use_tsc_deadline ? "TSC-deadline" : "one-shot");
        set_irq_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
    }
    apic_timer_program_lvt(use_tsc_deadline, false);
    apic_timer_ready[cpu] = true;
}

void reprogram_timer(s_time_t deadline)
{
    unsigned int cpu = smp_processor_id();
    uint64_t count;
    s_time_t delta;

    if ( !apic_timer_ready[cpu] )
        return;
    if ( use_tsc_deadline )
    {
        /* 0 disarms; a deadline already passed fires at once. */
        wrmsr(MSR_IA32_TSC_DEADLINE,
              deadline ? boot_tsc + scale(deadline, ns_to_tsc_mul) : 0);
        return;
    }
    if ( !deadline )
    {
        apic_timer_set_count(0);
        return;
    }
    /*
     * A deadline beyond the counter's reach fires early and the softirq
     * re-arms; capping delta first also keeps muldiv64() in range.
     */
    delta = MIN(deadline - NOW(), SECONDS(100));
    count = delta > 0 ? muldiv64(delta, apic_timer_hz, 1000000000ULL) : 1;
    apic_timer_set_count(count == 0 ? 1 : count > 0xffffffffULL ? 0xffffffff : count);
}
