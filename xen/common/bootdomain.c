/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time domains from a flattened device tree (docs/boot-domains.md).
 *
 * The tree is a boot module, so it is checked before it is believed: the
 * header and the whole structure block are validated (fdt_check_full)
 * before any node is read, and a tree that fails is reported and ignored.
 * Each domain node is then checked completely before it is accepted; a
 * bad one is reported with its name and the reason, and only it is
 * skipped.
 *
 * libfdt is Debian's libfdt.a, built for user space: in the hypervisor it
 * may only run with interrupts off and before any guest vCPU has run (see
 * arch/x86/libfdt_env.c), which bootdomains_parse() enforces.
 */
#include <keel/lib.h>
#include <keel/bootdomain.h>
#include <keel/bootinfo.h>
#include <public/xen.h>
#include <libfdt.h>

#ifndef KEEL_HOST_TEST
#include <keel/system_state.h>
#include <asm/page.h>
#include <asm/processor.h>
#endif

#define FDT_MAGIC_BE    0xd00dfeedU

/* What a property lookup found. */
enum prop_status { PROP_ABSENT, PROP_OK, PROP_BAD };

struct node_ctx {
    const void *fdt;
    const char *name;               /* the domain node's name, for messages */
};

static void __printf(2, 3) reject(const char *name, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "Boot domain %s: %s; skipped\n", name, why);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* A property of exactly @cells 32-bit cells, read as one big-endian number. */
static enum prop_status get_cells(const void *fdt, int node, const char *prop,
                                  unsigned int cells, uint64_t *v)
{
    const uint8_t *p;
    int len;

    p = fdt_getprop(fdt, node, prop, &len);
    if ( !p )
        return PROP_ABSENT;
    if ( len != (int)(cells * 4) )
        return PROP_BAD;
    *v = be32(p);
    if ( cells == 2 )
        *v = (*v << 32) | be32(p + 4);
    return PROP_OK;
}

/* A module node's module-index: must name a loaded module other than the tree. */
static bool get_module_index(const struct node_ctx *c, int node, const char *what,
                             unsigned int nr_modules, unsigned int *index)
{
    uint64_t v;

    switch ( get_cells(c->fdt, node, "module-index", 1, &v) )
    {
    case PROP_ABSENT:
        reject(c->name, "%s node has no module-index", what);
        return false;
    case PROP_BAD:
        reject(c->name, "%s module-index is not one cell", what);
        return false;
    case PROP_OK:
        break;
    }
    if ( v == 0 )
    {
        reject(c->name, "%s module-index 0 is the device tree itself", what);
        return false;
    }
    if ( v >= nr_modules )
    {
        reject(c->name, "%s module-index %u does not exist (%u modules)", what,
               (unsigned int)v, nr_modules);
        return false;
    }
    *index = (unsigned int)v;
    return true;
}

static bool get_bootargs(const struct node_ctx *c, int node, char *buf, size_t size)
{
    const char *p;
    int len;

    p = fdt_getprop(c->fdt, node, "bootargs", &len);
    if ( !p )
        return true;                /* optional: empty command line */
    if ( len <= 0 || !memchr(p, '\0', (size_t)len) )
    {
        reject(c->name, "bootargs is not a string");
        return false;
    }
    if ( strlen(p) >= size )
    {
        reject(c->name, "bootargs longer than %zu characters", size - 1);
        return false;
    }
    strlcpy(buf, p, size);
    return true;
}

/* The kernel and ramdisk child nodes, found by their compatible strings. */
static bool parse_modules(const struct node_ctx *c, int dom_node, unsigned int nr_modules,
                          struct boot_domain *d)
{
    int kernel = -1, ramdisk = -1, child;

    fdt_for_each_subnode(child, c->fdt, dom_node)
    {
        if ( fdt_node_check_compatible(c->fdt, child, "module,kernel") == 0 )
        {
            if ( kernel >= 0 )
            {
                reject(c->name, "more than one kernel node");
                return false;
            }
            kernel = child;
        }
        else if ( fdt_node_check_compatible(c->fdt, child, "module,ramdisk") == 0 )
        {
            if ( ramdisk >= 0 )
            {
                reject(c->name, "more than one ramdisk node");
                return false;
            }
            ramdisk = child;
        }
    }
    if ( kernel < 0 )
    {
        reject(c->name, "no kernel (a child node compatible with \"module,kernel\")");
        return false;
    }
    if ( !get_module_index(c, kernel, "kernel", nr_modules, &d->kernel_index) ||
         !get_bootargs(c, kernel, d->cmdline, sizeof(d->cmdline)) )
        return false;
    if ( ramdisk >= 0 )
    {
        if ( !get_module_index(c, ramdisk, "ramdisk", nr_modules, &d->ramdisk_index) )
            return false;
        if ( d->ramdisk_index == d->kernel_index )
        {
            reject(c->name, "ramdisk and kernel are the same module (%u)", d->kernel_index);
            return false;
        }
    }
    return true;
}

/*
 * Scheduling properties (all optional): weight = <1..65535>, cap = <percent
 * of one pCPU, at most 100 per vCPU>, cpu-affinity = <pCPU numbers...>.
 */
static bool parse_sched(const struct node_ctx *c, int node, struct boot_domain *d)
{
    const uint8_t *p;
    unsigned int i;
    uint64_t v;
    int len;

    switch ( get_cells(c->fdt, node, "weight", 1, &v) )
    {
    case PROP_ABSENT:
        break;
    case PROP_BAD:
        reject(c->name, "weight is not one cell");
        return false;
    case PROP_OK:
        if ( v == 0 || v > BOOT_DOMAIN_MAX_WEIGHT )
        {
            reject(c->name, "weight %u out of range (1-%u)", (unsigned int)v,
                   BOOT_DOMAIN_MAX_WEIGHT);
            return false;
        }
        d->weight = (unsigned int)v;
        break;
    }

    switch ( get_cells(c->fdt, node, "cap", 1, &v) )
    {
    case PROP_ABSENT:
        break;
    case PROP_BAD:
        reject(c->name, "cap is not one cell");
        return false;
    case PROP_OK:
        if ( v > 100ULL * d->vcpus )
        {
            reject(c->name, "cap %u%% is more than %u vCPU(s) can use (at most %u)",
                   (unsigned int)v, d->vcpus, 100 * d->vcpus);
            return false;
        }
        d->cap = (unsigned int)v;
        break;
    }

    p = fdt_getprop(c->fdt, node, "cpu-affinity", &len);
    if ( !p )
        return true;
    if ( len <= 0 || len % 4 )
    {
        reject(c->name, "cpu-affinity must be a non-empty list of cells");
        return false;
    }
    for ( i = 0; i < (unsigned int)len / 4; i++ )
    {
        uint32_t cpu = be32(p + 4 * i);

        if ( cpu > BOOT_DOMAIN_MAX_AFFINITY_CPU )
        {
            reject(c->name, "cpu-affinity names pCPU %u (at most %u)", cpu,
                   BOOT_DOMAIN_MAX_AFFINITY_CPU);
            return false;
        }
        d->cpu_affinity |= 1ULL << cpu;
    }
    return true;
}

/* Check one xen,domain node completely; fill @d only from checked values. */
static bool parse_domain(const void *fdt, int node, unsigned int nr_modules,
                         const struct boot_domain *good, unsigned int nr_good,
                         struct boot_domain *d)
{
    struct node_ctx c = { fdt, d->name };
    unsigned int i;
    uint64_t v;

    switch ( get_cells(fdt, node, "memory", 2, &v) )
    {
    case PROP_ABSENT:
        reject(c.name, "no memory property");
        return false;
    case PROP_BAD:
        reject(c.name, "memory must be two cells <hi lo> in KiB");
        return false;
    case PROP_OK:
        break;
    }
    if ( v == 0 )
    {
        reject(c.name, "memory is zero");
        return false;
    }
    d->mem_kb = v;

    d->vcpus = 1;
    switch ( get_cells(fdt, node, "cpus", 1, &v) )
    {
    case PROP_ABSENT:
        break;
    case PROP_BAD:
        reject(c.name, "cpus is not one cell");
        return false;
    case PROP_OK:
        if ( v == 0 || v > BOOT_DOMAIN_MAX_VCPUS )
        {
            reject(c.name, "absurd vCPU count %u (1-%u)", (unsigned int)v,
                   BOOT_DOMAIN_MAX_VCPUS);
            return false;
        }
        d->vcpus = (unsigned int)v;
        break;
    }

    d->domid = 0;
    switch ( get_cells(fdt, node, "domid", 1, &v) )
    {
    case PROP_ABSENT:
        break;
    case PROP_BAD:
        reject(c.name, "domid is not one cell");
        return false;
    case PROP_OK:
        if ( v == 0 )
        {
            reject(c.name, "domid 0 is not allowed (leave domid out for the next free id)");
            return false;
        }
        if ( v >= DOMID_FIRST_RESERVED )
        {
            reject(c.name, "domid %#x is reserved", (unsigned int)v);
            return false;
        }
        for ( i = 0; i < nr_good; i++ )
            if ( good[i].domid == v )
            {
                reject(c.name, "duplicate domid %u (already used by %s)", (unsigned int)v,
                       good[i].name);
                return false;
            }
        d->domid = (unsigned int)v;
        break;
    }

    return parse_sched(&c, node, d) && parse_modules(&c, node, nr_modules, d);
}

/* Domains without a domid get the lowest ids from 1 that no other one uses. */
static void assign_domids(struct boot_domain *out, unsigned int n)
{
    unsigned int i, j, next = 1;

    for ( i = 0; i < n; i++ )
    {
        if ( out[i].domid )
            continue;
        for ( j = 0; j < n; )
        {
            if ( out[j].domid == next )
            {
                next++;
                j = 0;
            }
            else
                j++;
        }
        out[i].domid = next++;
    }
}

static int parse_tree(const void *fdt, size_t fdt_len, unsigned int nr_modules,
                      struct boot_domain *out, unsigned int max)
{
    struct boot_domain d;
    unsigned int n = 0;
    const char *name;
    int hv, node, rc, len;

    if ( !bootdomains_is_fdt(fdt, fdt_len) )
    {
        printk(XENLOG_ERR "Boot device tree: bad magic; no boot domains\n");
        return 0;
    }
    if ( fdt_len < sizeof(struct fdt_header) )
    {
        printk(XENLOG_ERR "Boot device tree: %zu bytes is too short for a header; "
               "no boot domains\n", fdt_len);
        return 0;
    }
    if ( fdt_totalsize(fdt) > fdt_len )
    {
        printk(XENLOG_ERR "Boot device tree: truncated (%u bytes in the header, %zu in the "
               "module); no boot domains\n", fdt_totalsize(fdt), fdt_len);
        return 0;
    }
    rc = fdt_check_header(fdt);
    if ( rc == 0 )
        rc = fdt_check_full(fdt, fdt_totalsize(fdt));
    if ( rc )
    {
        printk(XENLOG_ERR "Boot device tree: malformed (libfdt error %d, %s); "
               "no boot domains\n", -rc, fdt_strerror(rc));
        return 0;
    }

    hv = fdt_path_offset(fdt, "/chosen/hypervisor");
    if ( hv < 0 )
    {
        printk(XENLOG_WARNING "Boot device tree: no /chosen/hypervisor node; no boot domains\n");
        return 0;
    }
    if ( fdt_node_check_compatible(fdt, hv, "hypervisor,xen") != 0 )
    {
        printk(XENLOG_ERR "Boot device tree: /chosen/hypervisor is not compatible with "
               "\"hypervisor,xen\"; no boot domains\n");
        return 0;
    }

    fdt_for_each_subnode(node, fdt, hv)
    {
        if ( fdt_node_check_compatible(fdt, node, "xen,domain") != 0 )
            continue;
        memset(&d, 0, sizeof(d));
        name = fdt_get_name(fdt, node, &len);
        strlcpy(d.name, name ? name : "?", sizeof(d.name));
        if ( !parse_domain(fdt, node, nr_modules, out, n, &d) )
            continue;
        if ( n == max )
        {
            reject(d.name, "more than %u boot domains", max);
            continue;
        }
        out[n++] = d;
    }
    /* fdt_check_full passed, so the walk can only end by running out of nodes. */
    if ( node != -FDT_ERR_NOTFOUND )
    {
        printk(XENLOG_ERR "Boot device tree: walk failed (%s); no boot domains\n",
               fdt_strerror(node));
        return 0;
    }
    assign_domids(out, n);
    return (int)n;
}

bool bootdomains_is_fdt(const void *p, size_t len)
{
    return p && len >= 4 && be32(p) == FDT_MAGIC_BE;
}

int bootdomains_parse(const void *fdt, size_t fdt_len, unsigned int nr_modules,
                      struct boot_domain *out, unsigned int max)
{
#ifdef KEEL_HOST_TEST
    return parse_tree(fdt, fdt_len, nr_modules, out, max);
#else
    unsigned long flags;
    int n;

    /*
     * libfdt.a is user-space code: it may use SSE registers, which the
     * hypervisor does not preserve for guests, and the red zone, which an
     * interrupt would overwrite.  So: boot only, interrupts off.
     */
    ASSERT(system_state == SYS_STATE_boot);
    local_irq_save(flags);
    n = parse_tree(fdt, fdt_len, nr_modules, out, max);
    local_irq_restore(flags);
    return n;
#endif
}

#ifndef KEEL_HOST_TEST
void bootdomains_from_modules(const struct boot_info *bi, struct boot_domain *out,
                              unsigned int max, unsigned int *nr)
{
    const struct boot_module *m = &bi->modules[0];
    const void *fdt;
    unsigned int i;
    int n;

    *nr = 0;
    if ( !bi->nr_modules )
        return;
    /* Modules are reserved RAM, mapped in the direct map. */
    fdt = __va(m->start);
    if ( !bootdomains_is_fdt(fdt, m->end - m->start) )
        return;
    n = bootdomains_parse(fdt, m->end - m->start, bi->nr_modules, out, max);
    for ( i = 0; i < (unsigned int)n; i++ )
    {
        printk("Boot domain %s: domid %u, %lu MiB, %u vCPU(s), kernel module %u, "
               "ramdisk %u, cmdline \"%s\"\n", out[i].name, out[i].domid,
               (unsigned long)(out[i].mem_kb >> 10), out[i].vcpus, out[i].kernel_index,
               out[i].ramdisk_index, out[i].cmdline);
        if ( out[i].weight || out[i].cap || out[i].cpu_affinity )
            printk("Boot domain %s: weight %u, cap %u%%, cpu-affinity %#lx\n", out[i].name,
                   out[i].weight ? out[i].weight : 256, out[i].cap,
                   (unsigned long)out[i].cpu_affinity);
    }
    *nr = (unsigned int)n;
}
#endif
