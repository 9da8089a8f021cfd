/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot CPU's path from the loader to a running system: boot info,
 * command line, console, traps, memory, ACPI, interrupt controllers, time
 * and the other CPUs.
 */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/console.h>
#include <keel/param.h>
#include <keel/acpi.h>
#include <keel/shutdown.h>
#include <keel/version.h>
#include <keel/bootdomain.h>
#include <keel/domain.h>
#include <keel/system_state.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <asm/setup.h>

extern const struct kernel_param __setup_start[], __setup_end[];
extern char __image_start[], __image_end[];

static struct boot_info boot_info;
struct acpi_info acpi_info;
static struct cpu_data bsp_cpu_data;
static uint8_t bsp_ist_stacks[3][IST_STACK_SIZE] __aligned(4096);
extern char boot_stack_top[];
extern uint64_t boot_tsc;

unsigned int opt_maxcpus;
integer_param("maxcpus", opt_maxcpus);
static uint64_t opt_dom0_mem;
size_param("dom0_mem", opt_dom0_mem);

/* Reach the low 4 GiB through the boot-time alias of the direct map. */
static const void *boot_map(paddr_t pa, size_t len)
{
    if ( pa + len < pa || pa + len > (1ULL << 32) )
        return NULL;
    return __va(pa);
}

static void parse_boot_info(uint32_t magic, uint32_t info_pa, char *err, size_t errlen)
{
    struct boot_info *bi = &boot_info;
    int rc;

    if ( magic == MB2_BOOTLOADER_MAGIC )
    {
        const uint32_t *hdr = __va(info_pa);
        size_t avail = MIN((1ULL << 32) - info_pa, 1ULL << 20);

        rc = mb2_parse(hdr, avail, bi, err, errlen);
        bi->info_size = hdr[0];
    }
    else
    {
        rc = mb1_parse(info_pa, boot_map, bi, err, errlen);
        bi->info_size = 88;
    }
    bi->info_pa = info_pa;
    if ( rc )
    {
        /*
         * Keep going far enough to print the reason.  A command line the
         * parser accepted before it met the bad part has been checked, so
         * keep it: console= and test-exit still apply to the report.
         */
        const char *cmdline = bi->cmdline;

        memset(bi, 0, sizeof(*bi));
        bi->loader = "";
        bi->cmdline = cmdline ? cmdline : "";
        return;
    }
    err[0] = '\0';
}

static void __noreturn start_keel_on_stack(void);

void __noreturn __start_keel(uint32_t magic, uint32_t info_pa);
void __noreturn __start_keel(uint32_t magic, uint32_t info_pa)
{
    struct cpu_data *c = &bsp_cpu_data;
    char err[160];
    unsigned int i;
    int bad;

    /* Exceptions first, so anything below that faults is reported. */
    c->cpu_id = 0;
    c->stack_top = (unsigned long)boot_stack_top;
    for ( i = 0; i < 3; i++ )
        c->ist_top[i] = (unsigned long)bsp_ist_stacks[i] + IST_STACK_SIZE;
    idt_init();
    cpu_desc_init(c);
    libfdt_env_cpu_init();
    cpu_data[0] = c;

    parse_boot_info(magic, info_pa, err, sizeof(err));
    bad = cmdline_parse(boot_info.cmdline, __setup_start, __setup_end);
    console_init();

    printk("Keel %s (%s) multiboot%s from '%s'\n", KEEL_VERSION_STRING, KEEL_COMPILER,
           magic == MB2_BOOTLOADER_MAGIC ? "2" : "1", boot_info.loader);
    printk("Command line: %s\n", boot_info.cmdline);
    printk("TSC at hypervisor entry: %lu\n", (unsigned long)boot_tsc);
    if ( bad )
        printk(XENLOG_WARNING "%d problem(s) in the command line, see above\n", bad);
    if ( err[0] )
        panic("Bad boot information: %s", err);
    if ( boot_info.saw_efi )
        panic("Booted through EFI (multiboot2 EFI tags present): EFI boot is not supported yet; "
              "boot through legacy BIOS GRUB");
    if ( boot_info.saw_framebuffer )
        printk("Framebuffer information ignored (serial console only)\n");
    if ( opt_dom0_mem )
        printk("dom0_mem=%luMB noted for dom0 construction\n",
               (unsigned long)(opt_dom0_mem >> 20));
    for ( i = 0; i < boot_info.nr_modules; i++ )
        printk("Module %u: [%#lx-%#lx) '%s'\n", i, (unsigned long)boot_info.modules[i].start,
               (unsigned long)boot_info.modules[i].end, boot_info.modules[i].string);

    if ( !boot_info.have_mmap && boot_info.have_basic_meminfo && !boot_info.memmap.nr_map )
    {
        /* Only basic meminfo: lower and upper memory as two RAM ranges. */
        boot_info.memmap.map[0] = (struct e820entry){ 0, boot_info.mem_lower_kb * 1024ULL, E820_RAM };
        boot_info.memmap.map[1] = (struct e820entry){ 1ULL << 20,
                                                      boot_info.mem_upper_kb * 1024ULL, E820_RAM };
        boot_info.memmap.nr_map = 2;
    }
    mm_init(&boot_info);

    /* Move to the guarded stacks and continue there. */
    c->stack_top = alloc_cpu_stacks(0, c->ist_top);
    if ( !c->stack_top )
        panic("No memory for the boot CPU's stacks");
    for ( i = 0; i < 3; i++ )
        c->tss.ist[i] = c->ist_top[i];
    c->tss.rsp0 = c->stack_top;
    switch_stack_and_jump(c->stack_top, start_keel_on_stack);
}

static void __noreturn start_keel_on_stack(void)
{
    unsigned int nr;

    platform_init(&boot_info);
    test_fault_run();

    sched_init();
    nr = create_boot_domains(&boot_info);
    /* From here on guest vCPUs run: boot-only code (libfdt) must not. */
    system_state = SYS_STATE_active;
    if ( nr == 0 )
    {
        if ( opt_test_exit )
            test_exit(TEST_EXIT_PASS);
        printk("Keel: boot complete, no domains to run; idling.\n");
    }
    cpu_idle_loop();
}
