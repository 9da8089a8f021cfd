/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains: creation, guest RAM, and the end of a domain.  A domain ends
 * for a reason (its own shutdown request, a triple fault, bad state); the
 * end is logged with the final registers, its vCPUs leave their CPUs, and
 * its memory returns to the heap.  Other domains are not affected.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/memory.h>
#include <keel/grant_table.h>
#include <keel/xmalloc.h>
#include <keel/cpumask.h>
#include <keel/shutdown.h>
#include <asm/page.h>

static DEFINE_SPINLOCK(domlist_lock);
static struct domain *domain_list;
static unsigned int nr_alive;

/* Summary of ended domains, for the end-of-test report. */
struct ended {
    domid_t id;
    char name[32];
    int reason;
    char detail[96];
};
static struct ended ended[MAX_BOOT_DOMAINS * 4];
static unsigned int nr_ended;

static const char *const reason_names[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

const char *domain_reason_name(int reason)
{
    return reason >= 0 && reason < (int)ARRAY_SIZE(reason_names) ? reason_names[reason] : "unknown";
}

struct domain *domain_by_id(domid_t id)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    for ( d = domain_list; d && d->domain_id != id; d = d->next )
        ;
    spin_unlock(&domlist_lock);
    return d;
}

unsigned int domains_alive(void)
{
    return ACCESS_ONCE(nr_alive);
}

struct domain *domain_create(domid_t domid, const char *name, unsigned int max_vcpus,
                             unsigned long max_pages)
{
    static unsigned int next_cpu;
    struct domain *d;
    unsigned int i;

    if ( domid == 0 || domid >= 0x7ff0 || max_vcpus == 0 || max_vcpus > MAX_VCPUS_PER_DOM )
        return NULL;
    if ( domain_by_id(domid) )
    {
        printk(XENLOG_ERR "Domain %u already exists\n", domid);
        return NULL;
    }
    d = xzalloc(struct domain);
    if ( !d )
        return NULL;
    d->domain_id = domid;
    strlcpy(d->name, name, sizeof(d->name));
    d->max_vcpus = max_vcpus;
    d->max_pages = max_pages;
    d->shutdown_code = -1;
    d->end_reason = -1;
    d->hvm.hypercall_page_gfn = ~0ULL;
    d->page_list = (struct page_list_head)PAGE_LIST_HEAD_INIT;
    spin_lock_init(&d->lock);

    d->p2m = p2m_ops->alloc(d);
    if ( !d->p2m || hvm_funcs->domain_initialise(d) )
        goto fail;
    if ( grant_table_init(d) )
        goto fail;
    /* The xAPIC page, before any vCPU can touch it. */
    if ( vlapic_domain_init(d) )
        goto fail;
    /* shared_info and port 0, before the vCPUs point their vcpu_info into it. */
    if ( domain_events_init(d) )
        goto fail;
    for ( i = 0; i < max_vcpus; i++ )
    {
        struct vcpu *v = xzalloc(struct vcpu);

        if ( !v )
            goto fail;
        v->vcpu_id = i;
        v->domain = d;
        /* Spread vCPUs over the online CPUs; the scheduler issue will balance. */
        do
            v->processor = next_cpu++ % NR_CPUS;
        while ( !cpumask_test_cpu(v->processor, &cpu_online_map) );
        d->vcpu[i] = v;
        vcpu_events_init(v);
        vlapic_vcpu_init(v);
        if ( hvm_funcs->vcpu_initialise(v) )
            goto fail;
    }

    spin_lock(&domlist_lock);
    d->next = domain_list;
    domain_list = d;
    nr_alive++;
    spin_unlock(&domlist_lock);
    return d;

 fail:
    printk(XENLOG_ERR "Domain %u: out of memory while creating it\n", domid);
    domain_destroy(d);
    return NULL;
}

int domain_populate_ram(struct domain *d, uint64_t bytes)
{
    unsigned long nr = bytes >> PAGE_SHIFT, gfn = 0;

    if ( nr == 0 || nr > d->max_pages )
        return -EINVAL;

    /* The domain has not run yet: nothing else touches its memory. */
    while ( gfn < nr )
    {
        unsigned int order = (IS_ALIGNED(gfn, 512) && nr - gfn >= 512) ? 9 : 0;
        unsigned long mfn = alloc_pages(order);

        if ( mfn == INVALID_MFN && order )
            mfn = alloc_pages(order = 0);
        if ( mfn == INVALID_MFN )
            return -ENOMEM;
        /* Owned before it is mapped, so a failure below still frees it. */
        domain_assign_pages(d, mfn, order);
        /* Scrub: a guest never sees what a previous owner left. */
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE << order);
        if ( p2m_set_entry(d->p2m, gfn, mfn, order, p2m_ram_rw) )
            return -ENOMEM;
        gfn += 1UL << order;
    }
    d->ram_bytes = bytes;
    return 0;
}

void domain_destroy(struct domain *d)
{
    unsigned int i;

    if ( !d )
        return;
    /* The console first: its last output is logged, and its port is raised no more. */
    console_domain_destroy(d);
    /* Timers first (they raise events), then every port, while the vCPUs still exist. */
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
        {
            vlapic_vcpu_destroy(d->vcpu[i]);
            vcpu_events_destroy(d->vcpu[i]);
        }
    domain_events_destroy(d);
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
        {
            hvm_funcs->vcpu_destroy(d->vcpu[i]);
            xfree(d->vcpu[i]);
        }
    hvm_funcs->domain_destroy(d);
    /* Grant mappings in both directions, then the RAM (frames others still map stay). */
    grant_table_destroy(d);
    domain_relinquish_memory(d);
    if ( d->p2m )
        p2m_ops->free(d->p2m);
    xfree(d);
}

void domain_unlist_and_destroy(struct domain *d)
{
    struct domain **pp;

    spin_lock(&domlist_lock);
    for ( pp = &domain_list; *pp && *pp != d; pp = &(*pp)->next )
        ;
    if ( *pp )
    {
        *pp = d->next;
        nr_alive--;
    }
    spin_unlock(&domlist_lock);
    domain_destroy(d);
}

/* Heap frames free before the first domain was built, to check nothing leaked. */
static unsigned long heap_free_at_start;

/* Frames free, counting those xmalloc holds as free: it keeps empty slabs. */
static unsigned long frames_free_or_cached(void)
{
    return heap_free_frames() + xmalloc_pages_held();
}

void domain_note_heap_baseline(void)
{
    heap_free_at_start = frames_free_or_cached();
}

static void report_summary_and_exit(void)
{
    unsigned int i;
    bool all_poweroff = true;

    printk("All boot domains have ended; frames free (or cached by xmalloc): "
           "%lu before the domains, %lu now\n", heap_free_at_start, frames_free_or_cached());
    for ( i = 0; i < nr_ended; i++ )
    {
        printk("Domain %u (%s) ended: %s%s%s%s\n", ended[i].id, ended[i].name,
               domain_reason_name(ended[i].reason), ended[i].detail[0] ? " (" : "",
               ended[i].detail, ended[i].detail[0] ? ")" : "");
        if ( ended[i].reason != DOMEND_POWEROFF )
            all_poweroff = false;
    }
    if ( opt_test_exit )
        test_exit(all_poweroff ? TEST_EXIT_PASS : TEST_EXIT_FAIL);
}

void domain_end(struct domain *d, int reason, const char *detail)
{
    struct vcpu *cur = current_vcpu();
    unsigned int i;

    spin_lock(&d->lock);
    if ( d->is_dying )
    {
        spin_unlock(&d->lock);
        return;
    }
    d->is_dying = true;
    d->end_reason = reason;
    strlcpy(d->end_detail, detail ? detail : "", sizeof(d->end_detail));
    spin_unlock(&d->lock);

    printk("Domain %u (%s) is ending: reason %s%s%s%s\n", d->domain_id, d->name,
           domain_reason_name(reason), d->end_detail[0] ? " (" : "", d->end_detail,
           d->end_detail[0] ? ")" : "");
    if ( reason != DOMEND_POWEROFF && reason != DOMEND_REBOOT && cur && cur->domain == d )
        hvm_funcs->dump_state(cur);

    /* Every vCPU of d leaves its CPU at its next exit; kick the CPUs running them. */
    for ( i = 0; i < d->max_vcpus; i++ )
        sched_kick_vcpu(d->vcpu[i]);
}

/*
 * The scheduler calls this when the last vCPU of a dying domain has left
 * its CPU: nothing runs it any more, so it can be freed.
 */
void domain_reap(struct domain *d)
{
    struct domain **pp;
    bool last;

    spin_lock(&domlist_lock);
    for ( pp = &domain_list; *pp && *pp != d; pp = &(*pp)->next )
        ;
    if ( *pp )
        *pp = d->next;
    if ( nr_ended < ARRAY_SIZE(ended) )
    {
        struct ended *e = &ended[nr_ended++];

        e->id = d->domain_id;
        strlcpy(e->name, d->name, sizeof(e->name));
        e->reason = d->end_reason;
        strlcpy(e->detail, d->end_detail, sizeof(e->detail));
    }
    last = --nr_alive == 0;
    spin_unlock(&domlist_lock);

    printk("Domain %u (%s) destroyed, %lu pages returned\n", d->domain_id, d->name,
           d->tot_pages);
    domain_destroy(d);
    if ( last )
        report_summary_and_exit();
}
