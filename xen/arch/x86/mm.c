/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory set-up: the sanitized memory map, the frame table and buddy heap
 * over all RAM, and the hypervisor's own page tables (direct map of RAM,
 * the image with W^X, guarded stacks, uncached MMIO mappings).
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/bootinfo.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <asm/processor.h>

extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __bss_end[];
extern uint64_t boot_l4[];
extern uint32_t boot_have_nx;

uint64_t idle_pg_table_pa;
bool cpu_has_nx;
static uint64_t *idle_l4;
static DEFINE_SPINLOCK(map_lock);
struct e820map e820;                /* sanitized, with Keel's own ranges marked */

/* Page-table pages stay below 4 GiB: the boot map reaches only that far. */
static uint64_t *alloc_pt_page(void)
{
    unsigned long mfn = alloc_pages_bits(0, 32);
    uint64_t *p;

    if ( mfn == INVALID_MFN )
        panic("Out of memory for page tables");
    p = mfn_to_virt(mfn);
    memset(p, 0, PAGE_SIZE);
    return p;
}

static uint64_t flags_fixup(uint64_t flags)
{
    return cpu_has_nx ? flags : (flags & ~_PAGE_NX);
}

/* Return the table below entry @e, creating it (or splitting a 2 MiB page). */
static uint64_t *next_table(uint64_t *e, bool is_l2)
{
    uint64_t *t;
    unsigned int i;

    if ( *e & _PAGE_PRESENT )
    {
        if ( !(*e & _PAGE_PSE) )
            return __va(*e & PADDR_MASK);
        /* Only 2 MiB pages are ever split; 1 GiB pages are not used. */
        BUG_ON(!is_l2);
        t = alloc_pt_page();
        for ( i = 0; i < 512; i++ )
            t[i] = ((*e & PADDR_MASK) + i * PAGE_SIZE) | (*e & ~PADDR_MASK & ~_PAGE_PSE);
        *e = __pa(t) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
        return t;
    }
    t = alloc_pt_page();
    *e = __pa(t) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    return t;
}

static uint64_t *l1e_for(uint64_t *l4, unsigned long va)
{
    uint64_t *l3 = next_table(&l4[(va >> 39) & 511], false);
    uint64_t *l2 = next_table(&l3[(va >> 30) & 511], false);
    uint64_t *l1 = next_table(&l2[(va >> 21) & 511], true);

    return &l1[(va >> 12) & 511];
}

static void map_into(uint64_t *l4, unsigned long va, paddr_t pa,
                     unsigned long nr, uint64_t flags)
{
    flags = flags_fixup(flags);
    while ( nr )
    {
        /* 2 MiB pages where both sides are aligned and enough is left. */
        if ( IS_ALIGNED(va | pa, 1UL << 21) && nr >= 512 )
        {
            uint64_t *l3 = next_table(&l4[(va >> 39) & 511], false);
            uint64_t *l2 = next_table(&l3[(va >> 30) & 511], false);
            uint64_t *e = &l2[(va >> 21) & 511];

            if ( !(*e & _PAGE_PRESENT) || (*e & _PAGE_PSE) )
            {
                *e = pa | flags | _PAGE_PSE;
                va += 1UL << 21;
                pa += 1UL << 21;
                nr -= 512;
                continue;
            }
        }
        *l1e_for(l4, va) = pa | flags;
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
        nr--;
    }
}

static void flush_tlb_all_local(void)
{
    unsigned long cr4 = read_cr4();

    write_cr4(cr4 & ~X86_CR4_PGE);
    write_cr4(cr4);
}

int map_pages(unsigned long va, paddr_t pa, unsigned long nr, uint64_t flags)
{
    unsigned long f;

    spin_lock_irqsave(&map_lock, f);
    map_into(idle_l4, va, pa, nr, flags);
    flush_tlb_all_local();
    spin_unlock_irqrestore(&map_lock, f);
    return 0;
}

void unmap_pages(unsigned long va, unsigned long nr)
{
    unsigned long f;

    spin_lock_irqsave(&map_lock, f);
    for ( ; nr; nr--, va += PAGE_SIZE )
        *l1e_for(idle_l4, va) = 0;
    flush_tlb_all_local();
    spin_unlock_irqrestore(&map_lock, f);
}

void *ioremap(paddr_t pa, size_t len)
{
    paddr_t start = pa & PAGE_MASK, end = ROUNDUP(pa + len, PAGE_SIZE);

    if ( !idle_l4 )         /* still on the boot tables: the low 4 GiB alias works */
        return __va(pa);
    map_pages(DIRECTMAP_VIRT_START + start, start, (end - start) >> PAGE_SHIFT,
              PAGE_HYPERVISOR_UC);
    return __va(pa);
}

const void *map_firmware(paddr_t pa, size_t len)
{
    paddr_t start = pa & PAGE_MASK, end = ROUNDUP(pa + len, PAGE_SIZE), p;
    unsigned long f;

    if ( pa + len < pa || end > (1ULL << 52) )
        return NULL;
    if ( !idle_l4 )
        return end <= (1ULL << 32) ? __va(pa) : NULL;
    spin_lock_irqsave(&map_lock, f);
    for ( p = start; p < end; p += PAGE_SIZE )
    {
        unsigned long va = DIRECTMAP_VIRT_START + p;
        uint64_t *l3 = next_table(&idle_l4[(va >> 39) & 511], false);
        uint64_t *l2 = next_table(&l3[(va >> 30) & 511], false);
        uint64_t *l1;

        if ( (l2[(va >> 21) & 511] & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE) )
            continue;
        l1 = next_table(&l2[(va >> 21) & 511], true);
        if ( !(l1[(va >> 12) & 511] & _PAGE_PRESENT) )
            l1[(va >> 12) & 511] = p | flags_fixup(PAGE_HYPERVISOR_RW);
    }
    spin_unlock_irqrestore(&map_lock, f);
    return __va(pa);
}

/*
 * Stack area of one CPU (16 pages of virtual space, guards unmapped):
 *   page 0 guard, 1 NMI IST, 2 guard, 3 #DF IST, 4 guard, 5 #MC IST,
 *   6 guard, 7..14 primary stack, 15 unused.
 */
unsigned long alloc_cpu_stacks(unsigned int cpu, unsigned long ist_tops[3])
{
    unsigned long base = STACKS_VIRT_START + (unsigned long)cpu * STACK_SIZE;
    unsigned long mfn = alloc_pages(STACK_ORDER), i;

    if ( mfn == INVALID_MFN )
        return 0;
    for ( i = 0; i < 3; i++ )
    {
        map_pages(base + (2 * i + 1) * PAGE_SIZE, (paddr_t)(mfn + i) << PAGE_SHIFT,
                  1, PAGE_HYPERVISOR_RW);
        ist_tops[i] = base + (2 * i + 2) * PAGE_SIZE;
    }
    map_pages(base + 7 * PAGE_SIZE, (paddr_t)(mfn + 3) << PAGE_SHIFT,
              PRIMARY_STACK_SIZE >> PAGE_SHIFT, PAGE_HYPERVISOR_RW);
    return base + 7 * PAGE_SIZE + PRIMARY_STACK_SIZE;
}

static bool ranges_overlap(paddr_t s1, paddr_t e1, paddr_t s2, paddr_t e2)
{
    return s1 < e2 && s2 < e1;
}

/* Check and reserve everything the loader handed us; bad input stops the boot. */
static void reserve_boot_ranges(struct boot_info *bi, paddr_t img_s, paddr_t img_e)
{
    unsigned int i, j;

    for ( i = 0; i < bi->nr_modules; i++ )
    {
        struct boot_module *m = &bi->modules[i];

        if ( ranges_overlap(m->start, m->end, img_s, img_e) )
            panic("Boot module %u [%#lx-%#lx) '%s' overlaps the hypervisor image [%#lx-%#lx)",
                  i, (unsigned long)m->start, (unsigned long)m->end, m->string,
                  (unsigned long)img_s, (unsigned long)img_e);
        for ( j = 0; j < i; j++ )
            if ( ranges_overlap(m->start, m->end, bi->modules[j].start, bi->modules[j].end) )
                panic("Boot modules %u and %u overlap", j, i);
        if ( m->end > m->start &&
             e820_change_range_type(&e820, m->start & PAGE_MASK,
                                    ROUNDUP(m->end, PAGE_SIZE), E820_RAM, E820_KEEL) < 0 )
            panic("Memory map too fragmented to reserve module %u", i);
    }
    if ( e820_change_range_type(&e820, img_s, img_e, E820_RAM, E820_KEEL) < 0 ||
         e820_change_range_type(&e820, 0, PAGE_SIZE, E820_RAM, E820_KEEL) < 0 )
        panic("Memory map too fragmented to reserve the hypervisor image");
}

/* Take @size bytes from the top of the highest RAM range below 4 GiB. */
static paddr_t boot_alloc(size_t size)
{
    int i;

    size = ROUNDUP(size, PAGE_SIZE);
    for ( i = e820.nr_map - 1; i >= 0; i-- )
    {
        struct e820entry *e = &e820.map[i];
        paddr_t end = MIN(e->addr + e->size, 1ULL << 32) & PAGE_MASK;
        paddr_t start = ROUNDUP(e->addr, PAGE_SIZE);

        if ( e->type != E820_RAM || end <= start || end - start < size )
            continue;
        if ( e820_change_range_type(&e820, end - size, end, E820_RAM, E820_KEEL) < 0 )
            break;
        return end - size;
    }
    panic("No room below 4 GiB for %lu kB of boot-time tables", (unsigned long)size >> 10);
}

void mm_init(struct boot_info *bi)
{
    paddr_t img_s = __pa(__image_start), img_e = __pa(__image_end);
    unsigned long max_mfn = 0, nr_frames, i;
    paddr_t ft;
    uint64_t ram;

    cpu_has_nx = boot_have_nx;
    e820 = bi->memmap;
    if ( e820.nr_map == 0 )
        panic("The boot loader gave no memory map (mmap tag missing or empty): cannot continue");
    if ( e820_sanitize(&e820) < 0 )
        panic("The memory map has no usable RAM");

    printk("Xen-e820 RAM map:\n");
    e820_print(&e820);
    ram = e820_total(&e820, E820_RAM);
    printk("System RAM: %luMB (%lukB)\n", (unsigned long)(ram >> 20),
           (unsigned long)(ram >> 10));

    reserve_boot_ranges(bi, img_s, img_e);

    for ( i = 0; i < e820.nr_map; i++ )
        if ( e820.map[i].type == E820_RAM || e820.map[i].type == E820_KEEL )
            max_mfn = MAX(max_mfn, PFN_DOWN(e820.map[i].addr + e820.map[i].size));
    nr_frames = max_mfn;
    ft = boot_alloc(nr_frames * sizeof(struct page_info));
    heap_init(__va(ft), nr_frames);

    for ( i = 0; i < e820.nr_map; i++ )
    {
        struct e820entry *e = &e820.map[i];
        unsigned long s = PFN_UP(e->addr), end = PFN_DOWN(e->addr + e->size);

        if ( e->type == E820_RAM && end > s )
            heap_add_range(s, end - s);
    }

    /* The hypervisor's page tables. */
    idle_l4 = alloc_pt_page();
    for ( i = 0; i < e820.nr_map; i++ )
    {
        struct e820entry *e = &e820.map[i];
        paddr_t s = e->addr & PAGE_MASK, end = ROUNDUP(e->addr + e->size, PAGE_SIZE);

        if ( e->type == E820_RESERVED || e->type == E820_UNUSABLE )
            continue;
        map_into(idle_l4, DIRECTMAP_VIRT_START + s, s, (end - s) >> PAGE_SHIFT,
                 PAGE_HYPERVISOR_RW);
    }
    map_into(idle_l4, (unsigned long)__text_start, __pa(__text_start),
             PFN_UP(__pa(__text_end)) - PFN_DOWN(__pa(__text_start)), PAGE_HYPERVISOR_RX);
    map_into(idle_l4, (unsigned long)__rodata_start, __pa(__rodata_start),
             PFN_UP(__pa(__rodata_end)) - PFN_DOWN(__pa(__rodata_start)), PAGE_HYPERVISOR_RO);
    map_into(idle_l4, (unsigned long)__data_start, __pa(__data_start),
             PFN_UP(__pa(__bss_end)) - PFN_DOWN(__pa(__data_start)), PAGE_HYPERVISOR_RW);

    idle_pg_table_pa = __pa(idle_l4);
    write_cr4(read_cr4() | X86_CR4_PGE);
    write_cr3(idle_pg_table_pa);
    write_cr0(read_cr0() | X86_CR0_WP);

    printk("Frame table: %lu frames, %lu kB; heap: %lu MB free\n", nr_frames,
           (unsigned long)(ROUNDUP(nr_frames * sizeof(struct page_info), PAGE_SIZE) >> 10),
           heap_free_frames() >> (20 - PAGE_SHIFT));
}

/* Pages for xmalloc() and other hypervisor-internal users, via the direct map. */
void *alloc_xenheap_pages(unsigned int order)
{
    unsigned long mfn = alloc_pages(order);

    return mfn == INVALID_MFN ? NULL : mfn_to_virt(mfn);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    if ( v )
        free_pages(virt_to_mfn(v), order);
}
