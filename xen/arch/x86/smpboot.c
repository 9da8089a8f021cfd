/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary CPU bring-up.  Every enabled processor in the MADT (up to
 * maxcpus=) is started, one at a time, with the INIT / start-up / start-up
 * IPI sequence of the Intel SDM (vol. 3, 9.4.4) into trampoline.S, and
 * then given its per-CPU data, guarded stacks, descriptor tables, local
 * APIC and timer before it joins cpu_online_map and idles.
 */
#include <keel/lib.h>
#include <keel/bootdomain.h>
#include <keel/domain.h>
#include <keel/cpumask.h>
#include <keel/page_alloc.h>
#include <keel/shutdown.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>

extern char trampoline_start[], trampoline_end[];
extern char tramp_gdtr[], tramp_pm32_ptr[], tramp_lm_ptr[], tramp_gdt[];
extern char tramp_pm32[], tramp_lm[];
extern char tramp_cr3[], tramp_cr0[], tramp_efer_or[], tramp_stack[], tramp_entry[];

/* How long a started CPU has to report in. */
#define AP_BOOT_TIMEOUT_MS  1000

static paddr_t trampoline_pa;
static struct cpu_data *volatile booting_cpu;
static volatile bool booting_cpu_online;
static unsigned long bsp_cr4, bsp_efer;

void __noreturn cpu_idle_loop(void)
{
    /* Idle means: run whatever vCPUs this CPU has, halt when none can run. */
    sched_idle_loop();
}

static void tramp_put32(const char *field, uint32_t v)
{
    *(uint32_t *)__va(trampoline_pa + (field - trampoline_start)) = v;
}

static void tramp_put64(const char *field, uint64_t v)
{
    *(uint64_t *)__va(trampoline_pa + (field - trampoline_start)) = v;
}

static uint32_t tramp_addr(const char *sym)
{
    return trampoline_pa + (sym - trampoline_start);
}

/* C entry of a secondary CPU, on its own stack, interrupts off. */
static void __noreturn start_secondary(void)
{
    struct cpu_data *c = booting_cpu;
    uint32_t apic_id;

    /* Same control state as the boot CPU (the trampoline set only the minimum). */
    write_cr4(bsp_cr4);
    wrmsr(MSR_EFER, bsp_efer);
    cpu_desc_init(c);
    libfdt_env_cpu_init();

    apic_ap_init();
    apic_id = apic_read_id();
    if ( apic_id != c->apic_id )
        printk(XENLOG_WARNING "CPU%u: APIC id %#x, but the MADT says %#x\n",
               c->cpu_id, apic_id, c->apic_id);
    c->apic_id = apic_id;
    apic_timer_init();
    if ( hvm_cpu_up() )
        printk(XENLOG_ERR "CPU%u: hardware virtualisation could not be enabled\n", c->cpu_id);

    c->online = true;
    cpumask_set_cpu(c->cpu_id, &cpu_online_map);
    smp_mb();
    booting_cpu_online = true;

    cpu_idle_loop();
}

static void copy_trampoline(void)
{
    memcpy(__va(trampoline_pa), trampoline_start, trampoline_end - trampoline_start);
    tramp_put32(tramp_gdtr + 2, tramp_addr(tramp_gdt));
    tramp_put32(tramp_pm32_ptr, tramp_addr(tramp_pm32));
    tramp_put32(tramp_lm_ptr, tramp_addr(tramp_lm));
    tramp_put32(tramp_cr3, idle_pg_table_pa);
    tramp_put32(tramp_cr0, read_cr0());
    tramp_put32(tramp_efer_or, EFER_LME | (cpu_has_nx ? EFER_NXE : 0));
    tramp_put64(tramp_entry, (unsigned long)start_secondary);
}

/* Start one CPU as number @cpu; false if it did not come up. */
static bool do_boot_cpu(unsigned int cpu, const struct acpi_cpu *ac)
{
    /* A failed attempt's allocation is kept for the next CPU. */
    static struct cpu_data *spare;
    struct cpu_data *c = spare;
    s_time_t start, timeout;
    unsigned int i;

    if ( !c )
    {
        c = xzalloc(struct cpu_data);
        if ( !c )
            return false;
        c->stack_top = alloc_cpu_stacks(cpu, c->ist_top);
        if ( !c->stack_top )
        {
            xfree(c);
            return false;
        }
    }
    spare = NULL;
    c->cpu_id = cpu;
    c->apic_id = ac->apic_id;
    c->acpi_uid = ac->acpi_uid;
    c->online = false;
    cpu_data[cpu] = c;

    booting_cpu = c;
    booting_cpu_online = false;
    tramp_put64(tramp_stack, c->stack_top);
    smp_mb();

    /* INIT, 10 ms, then two start-up IPIs 200 us apart (SDM 9.4.4.1). */
    if ( !apic_send_init(ac->apic_id) )
        printk(XENLOG_WARNING "CPU%u: INIT IPI not accepted\n", cpu);
    mdelay(10);
    start = NOW();
    for ( i = 0; i < 2 && !booting_cpu_online; i++ )
    {
        if ( !apic_send_startup(ac->apic_id, trampoline_pa >> PAGE_SHIFT) )
            printk(XENLOG_WARNING "CPU%u: start-up IPI not accepted\n", cpu);
        udelay(200);
    }

    timeout = start + MILLISECS(AP_BOOT_TIMEOUT_MS);
    while ( !booting_cpu_online && NOW() < timeout )
        cpu_relax();
    if ( booting_cpu_online )
    {
        printk("CPU%u: APIC id %#x online %lu us after its start-up IPI\n", cpu, c->apic_id,
               (unsigned long)((NOW() - start) / 1000));
        return true;
    }

    /* Park it again in wait-for-SIPI, so it cannot run on stale data later. */
    apic_send_init(ac->apic_id);
    mdelay(10);
    printk(XENLOG_WARNING "CPU%u (APIC id %#x) did not come up\n", cpu, ac->apic_id);
    cpu_data[cpu] = NULL;
    spare = c;
    return false;
}

static void flush_tlb_local(void *unused)
{
    unsigned long cr4 = read_cr4();

    /* Toggling PGE flushes global entries too. */
    write_cr4(cr4 & ~X86_CR4_PGE);
    write_cr4(cr4);
}

void smp_boot_cpus(void)
{
    struct cpu_data *bsp = this_cpu();
    unsigned int max = opt_maxcpus ? MIN(opt_maxcpus, NR_CPUS) : NR_CPUS;
    unsigned int i, next = 1;
    unsigned long mfn;
    bool bsp_in_madt = false;

    smp_ipi_init();
    bsp->online = true;
    cpumask_set_cpu(bsp->cpu_id, &cpu_online_map);
    bsp_cr4 = read_cr4();
    bsp_efer = rdmsr(MSR_EFER);

    for ( i = 0; i < acpi_info.nr_cpus; i++ )
        if ( acpi_info.cpus[i].apic_id == bsp->apic_id )
        {
            bsp_in_madt = true;
            bsp->acpi_uid = acpi_info.cpus[i].acpi_uid;
        }
    if ( !bsp_in_madt )
        printk(XENLOG_WARNING "Boot CPU (APIC id %#x) is not in the MADT\n", bsp->apic_id);
    if ( acpi_info.nr_cpus <= 1 || max <= 1 )
        return;

    /* Start-up IPIs name a page below 1 MiB; frame 0 is never handed out. */
    mfn = alloc_pages_bits(0, 20);
    if ( mfn == INVALID_MFN )
    {
        printk(XENLOG_ERR "No page below 1 MiB for the AP trampoline: "
               "secondary CPUs stay offline\n");
        return;
    }
    trampoline_pa = (paddr_t)mfn << PAGE_SHIFT;
    BUG_ON(trampoline_end - trampoline_start > (long)PAGE_SIZE);
    copy_trampoline();
    /*
     * The moment paging comes on, a starting CPU is still executing in the
     * trampoline page at its physical address: map it there, read-only
     * and not global, for the duration of the bring-up.
     */
    map_pages(trampoline_pa, trampoline_pa, 1, _PAGE_PRESENT | _PAGE_ACCESSED);

    for ( i = 0; i < acpi_info.nr_cpus && next < max; i++ )
    {
        const struct acpi_cpu *ac = &acpi_info.cpus[i];

        if ( ac->apic_id == bsp->apic_id )
            continue;
        if ( !x2apic_enabled && ac->apic_id > 0xfe )
        {
            printk(XENLOG_WARNING "CPU with APIC id %#x skipped: needs x2APIC\n",
                   ac->apic_id);
            continue;
        }
        if ( do_boot_cpu(next, ac) )
            next++;
    }
    if ( i < acpi_info.nr_cpus )
        printk("maxcpus=%u: the other %u CPU(s) are left offline\n", opt_maxcpus,
               acpi_info.nr_cpus - i);

    /*
     * Drop the identity mapping and flush it everywhere.  The page stays
     * allocated: a CPU that failed to start was parked with INIT, but the
     * page is also what a later CPU hot-add or resume would start from.
     */
    unmap_pages(trampoline_pa, 1);
    smp_call_function(flush_tlb_local, NULL, true);
}

/* ---- self-check ---------------------------------------------------------- */

static struct {
    volatile uint32_t cpu_id;
    volatile uint32_t apic_id;
    volatile bool called;
} check_call[NR_CPUS];

static struct {
    struct timer timer;
    s_time_t expires;
    volatile s_time_t fired_at;
    volatile uint32_t fired_on;
} check_timer[NR_CPUS];

static void record_cpu(void *unused)
{
    unsigned int cpu = smp_processor_id();

    check_call[cpu].cpu_id = cpu;
    check_call[cpu].apic_id = apic_read_id();
    smp_wmb();
    check_call[cpu].called = true;
}

static void record_timer(void *data)
{
    unsigned int cpu = (unsigned long)data;

    check_timer[cpu].fired_on = smp_processor_id();
    check_timer[cpu].fired_at = NOW();
}

/*
 * Prove the machinery works end to end: a cross-call reaches every CPU
 * (IPIs and handlers), and a software timer armed from the boot CPU fires
 * on each CPU at the right time (remote softirq kick, each CPU's LAPIC
 * timer, TIMER_SOFTIRQ in its idle loop).
 */
void smp_selftest(void)
{
    unsigned int cpu, n = num_online_cpus(), called = 0, fired = 0;
    s_time_t now, deadline, worst_late = 0;
    bool ok;

    smp_call_function(record_cpu, NULL, true);
    record_cpu(NULL);
    for_each_online_cpu ( cpu )
    {
        if ( check_call[cpu].called && check_call[cpu].cpu_id == cpu &&
             check_call[cpu].apic_id == cpu_data[cpu]->apic_id )
            called++;
        else
            printk(XENLOG_ERR "CPU%u: cross-call %s (cpu %u, APIC id %#x, expected %#x)\n",
                   cpu, check_call[cpu].called ? "gave wrong ids" : "not run",
                   check_call[cpu].cpu_id, check_call[cpu].apic_id, cpu_data[cpu]->apic_id);
    }
    printk("Cross-calls: %u of %u CPUs answered\n", called, n);

    /* Staggered deadlines 20 ms + 2 ms per CPU from now. */
    now = NOW();
    for_each_online_cpu ( cpu )
    {
        check_timer[cpu].fired_at = 0;
        check_timer[cpu].fired_on = ~0U;
        check_timer[cpu].expires = now + MILLISECS(20 + 2 * cpu);
        init_timer(&check_timer[cpu].timer, record_timer, (void *)(unsigned long)cpu, cpu);
        set_timer(&check_timer[cpu].timer, check_timer[cpu].expires);
    }
    deadline = now + SECONDS(2);
    do {
        process_pending_softirqs();
        fired = 0;
        for_each_online_cpu ( cpu )
            fired += check_timer[cpu].fired_at != 0;
        /*
         * PAUSE also matters to emulators: QEMU's single-threaded icount
         * mode only switches to another vCPU early when this one pauses.
         */
        cpu_relax();
    } while ( fired < n && NOW() < deadline );

    fired = 0;
    for_each_online_cpu ( cpu )
    {
        s_time_t at = check_timer[cpu].fired_at;

        kill_timer(&check_timer[cpu].timer);
        if ( at && check_timer[cpu].fired_on == cpu && at >= check_timer[cpu].expires )
        {
            fired++;
            worst_late = MAX(worst_late, at - check_timer[cpu].expires);
        }
        else
            printk(XENLOG_ERR "CPU%u: timer %s\n", cpu,
                   !at ? "never fired" : check_timer[cpu].fired_on != cpu ?
                   "fired on the wrong CPU" : "fired early");
    }
    printk("Timers: %u of %u CPUs fired (latest %lu us after its deadline)\n",
           fired, n, (unsigned long)(worst_late / 1000));

    ok = called == n && fired == n;
    if ( !ok && opt_test_exit )
        panic("SMP self-check failed: %u/%u cross-calls, %u/%u timers", called, n, fired, n);
    if ( !ok )
        printk(XENLOG_ERR "SMP self-check failed\n");
}
