/* SPDX-License-Identifier: GPL-2.0-only */
/* Platform bring-up after memory: firmware tables and what they describe. */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/bootinfo.h>
#include <keel/shutdown.h>
#include <keel/cpumask.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/hvm/hvm.h>

static const void *acpi_map(paddr_t pa, size_t len)
{
    return map_firmware(pa, len);
}

static void acpi_init(struct boot_info *bi)
{
    const void *rsdp = bi->rsdp;
    size_t len = bi->rsdp_len;
    unsigned int i;
    int rc;

    if ( !rsdp )
    {
        paddr_t pa = acpi_find_rsdp_legacy(acpi_map);

        if ( !pa )
            panic("ACPI: no RSDP from the boot loader or in the BIOS areas; "
                  "Keel needs the MADT to find CPUs");
        rsdp = acpi_map(pa, 36);
        len = 36;
    }
    rc = acpi_parse(rsdp, len, acpi_map, &acpi_info);
    if ( rc )
        panic("ACPI: tables unusable (%d); see the messages above", rc);

    printk("ACPI: RSDP rev %u, OEM '%s', %u CPU(s) enabled, %u disabled, %u IOAPIC(s)\n",
           acpi_info.revision, acpi_info.oem_id, acpi_info.nr_cpus,
           acpi_info.nr_disabled_cpus, acpi_info.nr_ioapics);
    for ( i = 0; i < acpi_info.nr_cpus; i++ )
        printk("ACPI: CPU %u: %sAPIC id %#x, uid %u\n", i, acpi_info.cpus[i].x2apic ? "x2" : "",
               acpi_info.cpus[i].apic_id, acpi_info.cpus[i].acpi_uid);
    for ( i = 0; i < acpi_info.nr_ioapics; i++ )
        printk("ACPI: IOAPIC id %u at %#x, GSI base %u\n", acpi_info.ioapics[i].id,
               acpi_info.ioapics[i].addr, acpi_info.ioapics[i].gsi_base);
    for ( i = 0; i < acpi_info.nr_overrides; i++ )
        printk("ACPI: IRQ %u -> GSI %u (flags %#x)\n", acpi_info.overrides[i].source_irq,
               acpi_info.overrides[i].gsi, acpi_info.overrides[i].flags);
    if ( acpi_info.have_hpet )
        printk("ACPI: HPET at %#lx\n", (unsigned long)acpi_info.hpet_addr);
    if ( acpi_info.have_pm_timer )
        printk("ACPI: PM timer at port %#x (%u-bit)\n", acpi_info.pm_tmr_port,
               acpi_info.pm_tmr_32bit ? 32 : 24);
    if ( acpi_info.nr_bad_tables )
        printk(XENLOG_WARNING "ACPI: %u table(s) failed their checks\n", acpi_info.nr_bad_tables);
    shutdown_set_acpi(&acpi_info);
}

void platform_init(struct boot_info *bi)
{
    acpi_init(bi);

    /* Legacy and IOAPIC interrupts off before anything is enabled. */
    i8259_disable();
    io_apic_init();
    apic_bsp_init();

    time_init();
    apic_timer_init();
    softirq_init();
    timer_init();
    local_irq_enable();

    smp_boot_cpus();
    printk("Brought up %u CPUs\n", num_online_cpus());
    smp_selftest();

    /* Keel runs on without it (no guests); the reason has been logged. */
    if ( hvm_init() )
        printk("HVM: not available; no guests will run\n");
}
