/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOAPICs from the MADT.  Each is reached through an index register
 * (IOREGSEL, offset 0x00) and a data window (IOWIN, 0x10).  Nothing is
 * routed yet: every redirection entry is masked so no device interrupt
 * arrives before a driver asks for it.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/setup.h>

#define IOAPIC_REGSEL       0x00
#define IOAPIC_WINDOW       0x10

#define IOAPIC_REG_ID       0x00
#define IOAPIC_REG_VERSION  0x01
#define IOAPIC_REG_RTE(pin) (0x10 + 2 * (pin))  /* low word; high word at +1 */

#define IOAPIC_RTE_MASKED   (1U << 16)

static uint32_t ioapic_read(volatile uint8_t *base, unsigned int reg)
{
    writel(reg, base + IOAPIC_REGSEL);
    return readl(base + IOAPIC_WINDOW);
}

static void ioapic_write(volatile uint8_t *base, unsigned int reg, uint32_t v)
{
    writel(reg, base + IOAPIC_REGSEL);
    writel(v, base + IOAPIC_WINDOW);
}

void io_apic_init(void)
{
    unsigned int i, pin;

    if ( !acpi_info.nr_ioapics )
        printk(XENLOG_WARNING "IOAPIC: none in the MADT\n");

    for ( i = 0; i < acpi_info.nr_ioapics; i++ )
    {
        const struct acpi_ioapic *io = &acpi_info.ioapics[i];
        volatile uint8_t *base = ioremap(io->addr, PAGE_SIZE);
        uint32_t ver = ioapic_read(base, IOAPIC_REG_VERSION);
        unsigned int pins = ((ver >> 16) & 0xff) + 1;

        /* All ones means nothing answers at that address. */
        if ( ver == 0xffffffff )
        {
            printk(XENLOG_WARNING "IOAPIC[%u]: no device at %#x, ignored\n", i, io->addr);
            continue;
        }
        /* Mask first (low word holds the mask bit), then clear the destination. */
        for ( pin = 0; pin < pins; pin++ )
        {
            ioapic_write(base, IOAPIC_REG_RTE(pin), IOAPIC_RTE_MASKED);
            ioapic_write(base, IOAPIC_REG_RTE(pin) + 1, 0);
        }
        printk("IOAPIC[%u]: apic_id %u, version %u, address %#x, GSI %u-%u, all pins masked\n",
               i, io->id, ver & 0xff, io->addr, io->gsi_base, io->gsi_base + pins - 1);
    }
}
