/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deliberate faults for the boot tests (option "test-fault=<kind>"), so
 * the tests can check that each kind of hypervisor fault is caught and
 * reported with registers and a symbolised call trace:
 *   null       read through a NULL pointer (the low half is unmapped)
 *   write-text write to the hypervisor's own code (W^X)
 *   exec-data  jump into a data page (NX)
 *   overflow   unbounded recursion into the stack's guard page (#DF on its IST stack)
 *   bug        a failed BUG_ON()
 *   ud         an undefined instruction
 */
#include <keel/lib.h>
#include <keel/param.h>
#include <asm/setup.h>

static char opt_test_fault[16];
string_param("test-fault", opt_test_fault);

static volatile unsigned long sink;
static volatile unsigned long depth_limit = ~0UL;   /* opaque to the compiler */
static uint8_t data_page[16] __aligned(16) = { 0xc3 };     /* "ret", in NX data */

static unsigned long __attribute__((noinline)) recurse_forever(unsigned long n)
{
    volatile unsigned long pad[64];

    pad[0] = n;
    if ( n < depth_limit )
        sink = recurse_forever(n + 1) + pad[0];
    return sink;
}

static void __attribute__((noinline)) test_fault_trigger(const char *kind)
{
    printk("test-fault: triggering '%s'\n", kind);
    if ( !strcmp(kind, "null") )
        sink = *(volatile unsigned long *)(unsigned long)sink;
    else if ( !strcmp(kind, "write-text") )
        *(volatile uint8_t *)(unsigned long)test_fault_run = 0xcc;
    else if ( !strcmp(kind, "exec-data") )
        ((void (*)(void))(unsigned long)data_page)();
    else if ( !strcmp(kind, "overflow") )
        recurse_forever(0);
    else if ( !strcmp(kind, "bug") )
        BUG_ON(sink == 0);
    else if ( !strcmp(kind, "ud") )
        __asm__ volatile ("ud2");
    else
    {
        printk(XENLOG_WARNING "test-fault: unknown kind '%s'\n", kind);
        return;
    }
    printk(XENLOG_ERR "test-fault: '%s' did not fault\n", kind);
}

void test_fault_run(void)
{
    if ( opt_test_fault[0] )
        test_fault_trigger(opt_test_fault);
}
