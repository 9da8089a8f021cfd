/* SPDX-License-Identifier: GPL-2.0-only */
/* panic(), BUG(), reboot, power-off and the end of a test run. */
#include <keel/lib.h>
#include <keel/param.h>
#include <keel/console.h>
#include <keel/shutdown.h>
#include <keel/acpi.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>

bool opt_test_exit;
boolean_param("test-exit", opt_test_exit);
bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

#define DEBUG_EXIT_PORT 0xf4

static bool have_reset_reg;
static struct acpi_gas reset_reg;
static uint8_t reset_value;

void shutdown_set_acpi(const struct acpi_info *info)
{
    have_reset_reg = info->have_reset_reg;
    reset_reg = info->reset_reg;
    reset_value = info->reset_value;
}

static unsigned int this_cpu_id(void)
{
    return cpu_data[0] ? smp_processor_id() : 0;
}

void test_exit(int code)
{
    printk("KEEL-TEST-EXIT: %d\n", code);
    if ( opt_test_exit )
        outb(code, DEBUG_EXIT_PORT);
    machine_halt();
}

void machine_halt(void)
{
    printk("Keel halted.\n");
    halt_forever();
}

void machine_power_off(void)
{
    /* ACPI S5 needs the DSDT's \_S5 package: not parsed yet, so halt. */
    printk("Power off: no ACPI S5 support yet, halting instead.\n");
    machine_halt();
}

void machine_restart(void)
{
    unsigned int i;

    printk("Rebooting...\n");
    local_irq_disable();
    if ( have_reset_reg && reset_reg.space_id == 1 && reset_reg.address < 0x10000 )
        outb(reset_value, reset_reg.address);
    else if ( have_reset_reg && reset_reg.space_id == 0 )
        *(volatile uint8_t *)ioremap(reset_reg.address, 1) = reset_value;
    /* Keyboard controller pulse of the reset line. */
    for ( i = 0; i < 100; i++ )
    {
        unsigned int j;

        for ( j = 0; j < 0x10000 && (inb(0x64) & 2); j++ )
            cpu_relax();
        outb(0xfe, 0x64);
    }
    /* PCI reset control register, then give up. */
    outb(0x06, 0xcf9);
    halt_forever();
}

static int panicking;

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    local_irq_disable();
    if ( __atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) )
        halt_forever();            /* a panic while panicking: stop here */
    console_force_unlock();

    va_start(ap, fmt);
    vscnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    printk("****************************************\n");
    printk("Panic on CPU %u:\n", this_cpu_id());
    printk("%s\n", buf);
    printk("****************************************\n");
    if ( opt_test_exit )
        test_exit(TEST_EXIT_PANIC);
    if ( opt_noreboot )
    {
        printk("Manual reset required ('noreboot' specified)\n");
        machine_halt();
    }
    printk("Reboot in five seconds...\n");
    {
        /* Time may not be calibrated yet: a crude TSC-based wait is enough. */
        uint64_t end = rdtsc() + 5ULL * 2000000000ULL;

        while ( rdtsc() < end )
            cpu_relax();
    }
    machine_restart();
}

void bug_fail(const char *what, const char *file, int line)
{
    unsigned long rbp;

    __asm__ volatile ("mov %%rbp, %0" : "=r" (rbp));
    printk(XENLOG_ERR "%s at %s:%d\n", what, file, line);
    show_stack_trace(0, rbp);
    panic("%s at %s:%d", what, file, line);
}
