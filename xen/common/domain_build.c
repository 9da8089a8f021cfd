/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build and start the boot-time domains described by the device tree
 * (docs/boot-domains.md): RAM, the PVH image and start info, and the boot
 * vCPU in the PVH entry state.  A domain that cannot be built is reported
 * and skipped; the others still start.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>
#include <keel/bootdomain.h>
#include <keel/domain.h>
#include <keel/guest_access.h>
#include <keel/pvh_build.h>
#include <asm/page.h>

/* VMCB-style segment attributes: type, S, DPL, P, AVL, L, D/B, G. */
#define SEG_ATTR_CODE32     0xc9b   /* execute/read, accessed, present, 32-bit, 4 KiB units */
#define SEG_ATTR_DATA32     0xc93   /* read/write, accessed, present, 32-bit, 4 KiB units */
#define SEG_ATTR_TSS32_BUSY 0x08b

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

static void pvh_start_state(struct hvm_vcpu_start *s, const struct pvh_layout *l)
{
    memset(s, 0, sizeof(*s));
    s->rip = l->entry;
    s->rbx = l->start_info;
    s->rflags = 0x2;
    s->cr0 = 0x11;                      /* PE | ET: protected mode, paging off */
    s->cr4 = 0;
    s->cs = (struct segment_register){ 0x10, SEG_ATTR_CODE32, 0xffffffff, 0 };
    s->ds = (struct segment_register){ 0x18, SEG_ATTR_DATA32, 0xffffffff, 0 };
    s->tr = (struct segment_register){ 0x20, SEG_ATTR_TSS32_BUSY, 0x67, 0 };
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

static void build_one(const struct boot_info *bi, const struct boot_domain *cfg)
{
    const struct boot_module *k = module(bi, cfg->kernel_index);
    const struct boot_module *r = module(bi, cfg->ramdisk_index);
    domid_t id = cfg->domid ? cfg->domid : next_free_domid();
    uint64_t ram = cfg->mem_kb * 1024;
    struct guest_mem_ops ops;
    struct hvm_vcpu_start s;
    struct pvh_layout l;
    struct domain *d;
    char err[128];
    int rc;

    if ( !k )
    {
        printk(XENLOG_ERR "Boot domain %s: kernel module %u missing, skipped\n",
               cfg->name, cfg->kernel_index);
        return;
    }
    d = domain_create(id, cfg->name, cfg->vcpus, PFN_DOWN(ram));
    if ( !d )
    {
        printk(XENLOG_ERR "Boot domain %s: cannot create domain %u, skipped\n", cfg->name, id);
        return;
    }
    rc = domain_populate_ram(d, ram);
    if ( rc )
    {
        printk(XENLOG_ERR "Boot domain %s: no memory for %lu MiB of RAM (%d), skipped\n",
               cfg->name, (unsigned long)(ram >> 20), rc);
        goto fail;
    }

    ops = (struct guest_mem_ops){ d, gm_write, gm_zero };
    rc = pvh_build(__va(k->start), k->end - k->start,
                   r ? __va(r->start) : NULL, r ? r->end - r->start : 0,
                   cfg->cmdline, ram, &ops, &l, err, sizeof(err));
    if ( rc )
    {
        printk(XENLOG_ERR "Boot domain %s: %s; skipped\n", cfg->name, err);
        goto fail;
    }

    pvh_start_state(&s, &l);
    hvm_funcs->vcpu_set_start(d->vcpu[0], &s);
    printk("Domain %u (%s): %lu MiB, %u vCPU(s), kernel [%#lx-%#lx), entry %#x, start info %#x\n",
           id, cfg->name, (unsigned long)(ram >> 20), cfg->vcpus,
           (unsigned long)l.kernel_start, (unsigned long)l.kernel_end, l.entry, l.start_info);
    sched_start_vcpu(d->vcpu[0]);
    return;

 fail:
    domain_unlist_and_destroy(d);
}

unsigned int create_boot_domains(const struct boot_info *bi)
{
    static struct boot_domain cfg[MAX_BOOT_DOMAINS];
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
        build_one(bi, &cfg[i]);
    return domains_alive();
}
