/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build and start the boot-time domains described by the device tree
 * (docs/boot-domains.md): RAM, the PVH image and start info, and the boot
 * vCPU in the PVH entry state (the guest starts its other vCPUs itself,
 * common/vcpu.c).  A domain that cannot be built is reported
 * and skipped; the others still start.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>
#include <keel/bootdomain.h>
#include <keel/domain.h>
#include <keel/cpumask.h>
#include <keel/guest_access.h>
#include <keel/pvh_build.h>
#include <keel/acpi_build.h>
#include <asm/page.h>

static int gm_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return copy_to_guest_phys(ctx, gpa, src, len);
}

static int gm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
    static const uint8_t zeros[256];

    while ( len )
    {
        size_t n = MIN(len, sizeof(zeros));

        if ( copy_to_guest_phys(ctx, gpa, zeros, n) )
            return -EFAULT;
        gpa += n;
        len -= n;
    }
    return 0;
}

/*
 * The domain's ACPI tables (keel/acpi_build.h), built for PVH_ACPI_START:
 * one MADT entry per vCPU with UID = vcpu_id and the APIC ID its CPUID
 * reports.  Domains are built one at a time at boot, so one buffer serves.
 */
static int build_acpi(struct domain *d, struct pvh_acpi *acpi)
{
    static uint8_t tables[4096];
    struct acpi_build_cpu cpus[MAX_VCPUS_PER_DOM];
    struct acpi_build_result res;
    unsigned int i;
    int rc;

    for ( i = 0; i < d->max_vcpus; i++ )
        cpus[i] = (struct acpi_build_cpu){ d->vcpu[i]->vcpu_id, hvm_vcpu_apic_id(d->vcpu[i]) };
    rc = acpi_build_tables(tables, sizeof(tables), PVH_ACPI_START, cpus, d->max_vcpus, &res);
    if ( rc )
        return rc;
    *acpi = (struct pvh_acpi){ tables, res.size, res.rsdp_gpa };
    return 0;
}

static domid_t next_free_domid(void)
{
    domid_t id = 1;

    while ( domain_by_id(id) )
        id++;
    return id;
}

static const struct boot_module *module(const struct boot_info *bi, unsigned int idx)
{
    return idx && idx < bi->nr_modules ? &bi->modules[idx] : NULL;
}

/* Build one domain, not yet started; NULL if it was reported and skipped. */
static struct domain *build_one(const struct boot_info *bi, const struct boot_domain *cfg)
{
    const struct boot_module *k = module(bi, cfg->kernel_index);
    const struct boot_module *r = module(bi, cfg->ramdisk_index);
    domid_t id = cfg->domid ? cfg->domid : next_free_domid();
    uint64_t ram = cfg->mem_kb * 1024;
    struct guest_mem_ops ops;
    struct pvh_acpi acpi;
    struct hvm_vcpu_start s;
    struct pvh_layout l;
    struct domain *d;
    char err[128];
    cpumask_t hard;
    unsigned int i;
    int rc;

    if ( !k )
    {
        printk(XENLOG_ERR "Boot domain %s: kernel module %u missing, skipped\n",
               cfg->name, cfg->kernel_index);
        return NULL;
    }
    /* Check the scheduling properties against this machine before building anything. */
    cpumask_clear(&hard);
    for ( i = 0; i < 64 && i < NR_CPUS; i++ )
        if ( (cfg->cpu_affinity >> i) & 1 )
            cpumask_set_cpu(i, &hard);
    if ( cfg->cpu_affinity )
    {
        cpumask_and(&hard, &hard, &cpu_online_map);
        if ( cpumask_empty(&hard) )
        {
            printk(XENLOG_ERR "Boot domain %s: cpu-affinity %#lx names no online pCPU; "
                   "skipped\n", cfg->name, (unsigned long)cfg->cpu_affinity);
            return NULL;
        }
    }
    d = domain_create(id, cfg->name, cfg->vcpus, PFN_DOWN(ram));
    if ( !d )
    {
        printk(XENLOG_ERR "Boot domain %s: cannot create domain %u, skipped\n", cfg->name, id);
        return NULL;
    }
    rc = domain_populate_ram(d, ram);
    if ( rc )
    {
        printk(XENLOG_ERR "Boot domain %s: no memory for %lu MiB of RAM (%d), skipped\n",
               cfg->name, (unsigned long)(ram >> 20), rc);
        goto fail;
    }

    rc = build_acpi(d, &acpi);
    if ( rc )
    {
        printk(XENLOG_ERR "Boot domain %s: cannot build ACPI tables (%d), skipped\n",
               cfg->name, rc);
        goto fail;
    }
    ops = (struct guest_mem_ops){ d, gm_write, gm_zero };
    rc = pvh_build_acpi(__va(k->start), k->end - k->start,
                        r ? __va(r->start) : NULL, r ? r->end - r->start : 0,
                        cfg->cmdline, ram, &acpi, &ops, &l, err, sizeof(err));
    if ( rc )
    {
        printk(XENLOG_ERR "Boot domain %s: %s; skipped\n", cfg->name, err);
        goto fail;
    }

    /* What XENMEM_memory_map gives back: the map the start info holds. */
    for ( i = 0; i < l.memmap_entries && i < ARRAY_SIZE(d->memmap); i++ )
        d->memmap[i] = (struct xen_e820_entry){ l.memmap[i].addr, l.memmap[i].size,
                                                 l.memmap[i].type };
    d->nr_memmap = i;

    /* The PV console (hvc0): ring page and port, before the guest can ask for them. */
    rc = console_domain_init(d);
    if ( rc )
    {
        printk(XENLOG_ERR "Boot domain %s: cannot set up its console (%d), skipped\n",
               cfg->name, rc);
        goto fail;
    }

    /* vCPU 0 starts at the PVH entry; the others wait for a STARTUP IPI or VCPUOP_up. */
    hvm_start_state_pvh(&s, l.entry, l.start_info);
    hvm_funcs->vcpu_set_start(d->vcpu[0], &s);
    d->vcpu[0]->initialised = true;
    printk("Domain %u (%s): %lu MiB, %u vCPU(s), kernel [%#lx-%#lx), entry %#x, start info %#x\n",
           id, cfg->name, (unsigned long)(ram >> 20), cfg->vcpus,
           (unsigned long)l.kernel_start, (unsigned long)l.kernel_end, l.entry, l.start_info);
    if ( sched_set_domain_params(d, cfg->weight, cfg->cap) )
    {
        printk(XENLOG_ERR "Boot domain %s: weight %u / cap %u refused; skipped\n", cfg->name,
               cfg->weight, cfg->cap);
        goto fail;
    }
    for ( i = 0; cfg->cpu_affinity && i < cfg->vcpus; i++ )
        if ( sched_set_hard_affinity(d->vcpu[i], &hard) )
            goto fail;
    return d;

 fail:
    domain_unlist_and_destroy(d);
    return NULL;
}

unsigned int create_boot_domains(const struct boot_info *bi)
{
    static struct boot_domain cfg[MAX_BOOT_DOMAINS];
    static struct domain *built[MAX_BOOT_DOMAINS];
    unsigned int nr = 0, i;

    bootdomains_from_modules(bi, cfg, ARRAY_SIZE(cfg), &nr);
    if ( !nr )
        return 0;
    if ( !hvm_funcs )
    {
        printk(XENLOG_ERR "No hardware virtualisation: %u boot domain(s) not started\n", nr);
        return 0;
    }
    domain_note_heap_baseline();
    for ( i = 0; i < nr; i++ )
        built[i] = build_one(bi, &cfg[i]);
    /*
     * Start them together once all are built: building takes this pCPU a
     * while, and a vCPU queued here meanwhile would wait for nothing.
     */
    for ( i = 0; i < nr; i++ )
        if ( built[i] )
            sched_start_vcpu(built[i]->vcpu[0]);
    return domains_alive();
}
