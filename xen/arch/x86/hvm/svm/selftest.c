/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm-selftest (Keel-specific boot option): before any real domain
 * exists, build a tiny domain by hand and run it through the SVM vCPU
 * code, checking that each kind of exit arrives and is handled:
 *
 *   A  cpuid (Xen leaves), out, in, wrmsr (hypercall page), a hypercall
 *      through that page and one by vmmcall, rdmsr (PAT), rep outsb,
 *      rep insb, a write to a 2 MiB p2m mapping, sti; hlt (vCPU blocks);
 *   B  cli; hlt: the vCPU goes down, the domain powers off;
 *   C  rdmsr of an unknown MSR: #GP injected; with no IDT that becomes
 *      a triple fault, the domain crashes;
 *   D  MMIO above guest RAM: a read gives all-ones, a write is dropped,
 *      an instruction the decoder refuses (inc) ends the domain;
 *   E  32-bit PAE paging on, then cpuid and cli; hlt: an intercepted
 *      instruction under guest paging (Xen on TCG once hung exactly
 *      there), guest CR0/CR3/CR4 seen by common code.
 *
 * A guest that stops exiting is caught by a 5 s watchdog timer.
 *
 * The guest runs in the PVH entry state (32-bit protected mode, paging
 * off) from gpa 0x1000.  The result is one line: "HVM self-test: PASS"
 * or "HVM self-test: FAIL: <reason>".  The domain is not on the domain
 * list and is freed here; nothing of it outlives the test.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/param.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <keel/version.h>
#include <keel/xmalloc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/hvm/svm/svm.h>

bool opt_hvm_selftest;
boolean_param("hvm-selftest", opt_hvm_selftest);

#define GUEST_CODE_GPA      0x1000
#define HCALL_PAGE_GPA      0x2000
#define RESULT_GPA          0x3000
#define NR_SMALL_PAGES      16          /* gpa [0, 64 KiB) in 4 KiB pages */
#define BIG_PAGE_GPA        0x200000    /* one 2 MiB page */
#define BEYOND_RAM_GPA      0x8000000

/* The guest: 32-bit code, position-dependent on GUEST_CODE_GPA only through absolute data addresses. */
__asm__(
    "    .pushsection .rodata.hvm_selftest, \"a\"\n"
    "    .code32\n"
    "selftest_guest:\n"
    "selftest_entry_a:\n"
    "    mov $0x5000, %esp\n"
    "    mov $0x40000000, %eax\n"
    "    xor %ecx, %ecx\n"
    "    cpuid\n"
    "    mov %eax, 0x3100\n"
    "    mov %ebx, 0x3104\n"
    "    mov %ecx, 0x3108\n"
    "    mov %edx, 0x310c\n"
    "    mov $0xab, %al\n"
    "    out %al, $0x80\n"
    "    xor %eax, %eax\n"
    "    in $0x80, %al\n"
    "    mov %eax, 0x3110\n"
    "    mov $0x40000000, %ecx\n"
    "    mov $0x2000, %eax\n"
    "    xor %edx, %edx\n"
    "    wrmsr\n"
    "    xor %ebx, %ebx\n"                  /* XENVER_version */
    "    mov $(0x2000 + 17 * 32), %eax\n"   /* __HYPERVISOR_xen_version stub */
    "    call *%eax\n"
    "    mov %eax, 0x3114\n"
    "    mov $17, %eax\n"
    "    xor %ebx, %ebx\n"
    "    vmmcall\n"
    "    mov %eax, 0x3118\n"
    "    mov $0x277, %ecx\n"
    "    rdmsr\n"
    "    mov %eax, 0x311c\n"
    "    mov %edx, 0x3120\n"
    "    cld\n"
    "    mov $0x1000, %esi\n"
    "    mov $16, %ecx\n"
    "    mov $0x80, %dx\n"
    "    rep outsb\n"
    "    mov %ecx, 0x3124\n"
    "    mov %esi, 0x3128\n"
    "    mov $0x3200, %edi\n"
    "    mov $4, %ecx\n"
    "    rep insb\n"
    "    mov %edi, 0x312c\n"
    "    movl $0x4b45454c, 0x201000\n"      /* \"KEEL\" through the 2 MiB mapping */
    "    sti\n"
    "    hlt\n"
    "1:  jmp 1b\n"
    "selftest_entry_b:\n"
    "    cli\n"
    "    hlt\n"
    "2:  jmp 2b\n"
    "selftest_entry_c:\n"
    "    mov $0x12345678, %ecx\n"
    "    rdmsr\n"
    "3:  jmp 3b\n"
    "selftest_entry_d:\n"
    "    mov 0x8000000, %eax\n"
    "    mov %eax, 0x3400\n"
    "    movw $0x1234, 0x8000010\n"
    "    incl 0x8000000\n"                 /* ff 05: not emulated */
    "4:  jmp 4b\n"
    "selftest_entry_e:\n"
    "    movl $0x7001, 0x6000\n"           /* PDPT[0]: the page directory at 0x7000 */
    "    movl $0, 0x6004\n"
    "    movl $0x83, 0x7000\n"             /* PD[0]: [0, 2 MiB), present, writable, 2 MiB */
    "    movl $0, 0x7004\n"
    "    movl $0x200083, 0x7008\n"         /* PD[1]: [2 MiB, 4 MiB) */
    "    movl $0, 0x700c\n"
    "    mov $0x20, %eax\n"
    "    mov %eax, %cr4\n"                 /* PAE */
    "    mov $0x6000, %eax\n"
    "    mov %eax, %cr3\n"
    "    mov %cr0, %eax\n"
    "    or $0x80000000, %eax\n"
    "    mov %eax, %cr0\n"                 /* paging on */
    "    mov $0x40000001, %eax\n"
    "    cpuid\n"
    "    mov %eax, 0x3300\n"
    "    movl $0x4b45454c, 0x201004\n"
    "    cli\n"
    "    hlt\n"
    "5:  jmp 5b\n"
    "selftest_guest_end:\n"
    "    .code64\n"
    "    .popsection\n");

extern const uint8_t selftest_guest[], selftest_guest_end[];
extern const uint8_t selftest_entry_a[], selftest_entry_b[], selftest_entry_c[],
                     selftest_entry_d[], selftest_entry_e[];

static struct timer watchdog;
static bool watchdog_fired;

static void watchdog_fn(void *unused)
{
    watchdog_fired = true;
}

#define MAX_SEEN    32
static uint64_t seen[MAX_SEEN];
static unsigned int nr_seen;

static void observe(struct vcpu *v, uint64_t code)
{
    /* Host interrupts may land anywhere in the run: they are not part of the script. */
    if ( code == VMEXIT_INTR || code == VMEXIT_NMI )
        return;
    if ( nr_seen < MAX_SEEN )
        seen[nr_seen] = code;
    nr_seen++;
}

struct selftest {
    struct domain *d;
    struct vcpu *v;
    unsigned long small_mfn, big_mfn;
    char why[120];
};

static bool fail(struct selftest *t, const char *fmt, ...) __printf(2, 3);
static bool fail(struct selftest *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(t->why, sizeof(t->why), fmt, ap);
    va_end(ap);
    return false;
}

static void *gpa_ptr(struct selftest *t, uint64_t gpa)
{
    p2m_type_t type;
    unsigned long mfn = p2m_lookup(t->d->p2m, gpa >> PAGE_SHIFT, &type);

    if ( mfn == INVALID_MFN )
        return NULL;
    return (uint8_t *)mfn_to_virt(mfn) + (gpa & ~PAGE_MASK);
}

static uint32_t rd32(struct selftest *t, uint64_t gpa)
{
    const uint32_t *p = gpa_ptr(t, gpa);

    return p ? *p : 0xdeadbeef;
}

static bool build(struct selftest *t)
{
    struct domain *d;
    struct vcpu *v;
    unsigned int i;

    d = t->d = xzalloc(struct domain);
    v = t->v = xzalloc(struct vcpu);
    if ( !d || !v )
        return fail(t, "out of memory");
    d->domain_id = 0x7fff;
    strlcpy(d->name, "hvm-selftest", sizeof(d->name));
    d->max_vcpus = 1;
    d->vcpu[0] = v;
    d->end_reason = -1;
    d->shutdown_code = -1;
    d->hvm.hypercall_page_gfn = ~0ULL;
    spin_lock_init(&d->lock);
    v->domain = d;
    v->processor = smp_processor_id();

    d->p2m = p2m_ops->alloc(d);
    if ( !d->p2m )
        return fail(t, "no p2m");
    t->small_mfn = alloc_pages(4);
    t->big_mfn = alloc_pages(9);
    if ( t->small_mfn == INVALID_MFN || t->big_mfn == INVALID_MFN )
        return fail(t, "no guest RAM");
    memset(mfn_to_virt(t->small_mfn), 0, NR_SMALL_PAGES * PAGE_SIZE);
    memset(mfn_to_virt(t->big_mfn), 0, PAGE_SIZE << 9);
    for ( i = 0; i < NR_SMALL_PAGES; i++ )
        if ( p2m_set_entry(d->p2m, i, t->small_mfn + i, 0, p2m_ram_rw) )
            return fail(t, "p2m_set_entry(%u) failed", i);
    if ( p2m_set_entry(d->p2m, BIG_PAGE_GPA >> PAGE_SHIFT, t->big_mfn, 9, p2m_ram_rw) )
        return fail(t, "p2m_set_entry(2 MiB) failed");
    d->ram_bytes = BIG_PAGE_GPA + (PAGE_SIZE << 9);
    d->tot_pages = NR_SMALL_PAGES + 512;

    /* Lookups through both leaf sizes, and of what is not mapped. */
    if ( p2m_lookup(d->p2m, 3, NULL) != t->small_mfn + 3 ||
         p2m_lookup(d->p2m, (BIG_PAGE_GPA >> PAGE_SHIFT) + 7, NULL) != t->big_mfn + 7 ||
         p2m_lookup(d->p2m, NR_SMALL_PAGES, NULL) != INVALID_MFN ||
         p2m_lookup(d->p2m, BEYOND_RAM_GPA >> PAGE_SHIFT, NULL) != INVALID_MFN )
        return fail(t, "p2m lookups disagree with what was mapped");

    memcpy(gpa_ptr(t, GUEST_CODE_GPA), selftest_guest, selftest_guest_end - selftest_guest);

    if ( hvm_funcs->domain_initialise(d) || hvm_funcs->vcpu_initialise(v) )
        return fail(t, "vCPU initialisation failed");
    return true;
}

static void teardown(struct selftest *t)
{
    if ( t->v && t->v->hvm.vendor )
        hvm_funcs->vcpu_destroy(t->v);
    if ( t->d )
    {
        hvm_funcs->domain_destroy(t->d);
        if ( t->d->p2m )
            p2m_ops->free(t->d->p2m);
    }
    if ( t->small_mfn != INVALID_MFN )
        free_pages(t->small_mfn, 4);
    if ( t->big_mfn != INVALID_MFN )
        free_pages(t->big_mfn, 9);
    xfree(t->v);
    xfree(t->d);
}

/* Start the vCPU at @entry in the PVH state and run it until it stops for good. */
static void run_from(struct selftest *t, const uint8_t *entry)
{
    struct hvm_vcpu_start s;
    struct domain *d = t->d;
    struct vcpu *v = t->v;

    d->is_dying = false;
    d->end_reason = -1;
    d->end_detail[0] = '\0';
    v->is_up = true;
    v->blocked = false;
    hvm_start_state_pvh(&s, GUEST_CODE_GPA + (entry - selftest_guest), 0);
    hvm_funcs->vcpu_set_start(v, &s);
    nr_seen = 0;

    /* A vCPU that never stops is a failure, not a hang: its timer interrupt ends the run. */
    watchdog_fired = false;
    set_timer(&watchdog, NOW() + SECONDS(5));
    set_current_vcpu(v);
    while ( v->is_up && !v->blocked && !d->is_dying && !watchdog_fired )
    {
        local_irq_disable();
        hvm_funcs->vcpu_run(v);
        local_irq_enable();
        do_softirq();
    }
    set_current_vcpu(NULL);
    stop_timer(&watchdog);
}

static bool expect_exits(struct selftest *t, const char *scenario, const uint64_t *want,
                         unsigned int n)
{
    unsigned int i;

    if ( watchdog_fired )
        return fail(t, "%s: the guest stopped exiting after %u exits (watchdog, 5 s)", scenario,
                    nr_seen);
    if ( nr_seen != n )
        return fail(t, "%s: %u exits, expected %u (first unexpected: %s)", scenario, nr_seen, n,
                    nr_seen > n ? svm_exit_name(seen[n]) : "none");
    for ( i = 0; i < n; i++ )
        if ( seen[i] != want[i] )
            return fail(t, "%s: exit %u was %#lx (%s), expected %#lx (%s)", scenario, i,
                        (unsigned long)seen[i], svm_exit_name(seen[i]),
                        (unsigned long)want[i], svm_exit_name(want[i]));
    return true;
}

static bool scenario_a(struct selftest *t)
{
    static const uint64_t want[] = {
        VMEXIT_CPUID, VMEXIT_IOIO, VMEXIT_IOIO, VMEXIT_MSR, VMEXIT_VMMCALL, VMEXIT_VMMCALL,
        VMEXIT_MSR, VMEXIT_IOIO, VMEXIT_IOIO, VMEXIT_HLT,
    };
    const uint32_t version = (KEEL_XEN_VERSION_MAJOR << 16) | KEEL_XEN_VERSION_MINOR;
    const uint8_t *hc = gpa_ptr(t, HCALL_PAGE_GPA + 17 * 32);

    run_from(t, selftest_entry_a);
    if ( !expect_exits(t, "A", want, ARRAY_SIZE(want)) )
        return false;
    if ( !t->v->blocked || t->d->is_dying )
        return fail(t, "A: sti; hlt did not block the vCPU");
    if ( rd32(t, RESULT_GPA + 0x100) != 0x40000005 || rd32(t, RESULT_GPA + 0x104) != 0x566e6558 ||
         rd32(t, RESULT_GPA + 0x108) != 0x65584d4d || rd32(t, RESULT_GPA + 0x10c) != 0x4d4d566e )
        return fail(t, "A: CPUID 0x40000000 gave %#x %#x %#x %#x", rd32(t, RESULT_GPA + 0x100),
                    rd32(t, RESULT_GPA + 0x104), rd32(t, RESULT_GPA + 0x108),
                    rd32(t, RESULT_GPA + 0x10c));
    if ( rd32(t, RESULT_GPA + 0x110) != 0xff )
        return fail(t, "A: in from port 0x80 gave %#x, expected 0xff", rd32(t, RESULT_GPA + 0x110));
    if ( t->d->hvm.hypercall_page_gfn != HCALL_PAGE_GPA >> PAGE_SHIFT ||
         hc[0] != 0xb8 || hc[1] != 17 || hc[5] != 0x0f || hc[6] != 0x01 || hc[7] != 0xd9 ||
         hc[8] != 0xc3 )
        return fail(t, "A: the hypercall page was not written");
    if ( rd32(t, RESULT_GPA + 0x114) != version || rd32(t, RESULT_GPA + 0x118) != version )
        return fail(t, "A: xen_version gave %#x (page) and %#x (vmmcall), expected %#x",
                    rd32(t, RESULT_GPA + 0x114), rd32(t, RESULT_GPA + 0x118), version);
    if ( rd32(t, RESULT_GPA + 0x11c) != 0x00070406 || rd32(t, RESULT_GPA + 0x120) != 0x00070406 )
        return fail(t, "A: rdmsr PAT gave %#x:%#x", rd32(t, RESULT_GPA + 0x120),
                    rd32(t, RESULT_GPA + 0x11c));
    if ( rd32(t, RESULT_GPA + 0x124) != 0 || rd32(t, RESULT_GPA + 0x128) != 0x1010 )
        return fail(t, "A: rep outsb left ecx %#x esi %#x, expected 0 and 0x1010",
                    rd32(t, RESULT_GPA + 0x124), rd32(t, RESULT_GPA + 0x128));
    if ( rd32(t, RESULT_GPA + 0x200) != 0xffffffff || rd32(t, RESULT_GPA + 0x204) != 0 ||
         rd32(t, RESULT_GPA + 0x12c) != 0x3204 )
        return fail(t, "A: rep insb stored %#x (next %#x), edi %#x", rd32(t, RESULT_GPA + 0x200),
                    rd32(t, RESULT_GPA + 0x204), rd32(t, RESULT_GPA + 0x12c));
    if ( *(uint32_t *)((uint8_t *)mfn_to_virt(t->big_mfn) + 0x1000) != 0x4b45454c )
        return fail(t, "A: the write through the 2 MiB mapping did not land");
    if ( t->v->hvm.guest_cr[0] != (X86_CR0_PE | X86_CR0_ET) || t->v->hvm.guest_efer != 0 )
        return fail(t, "A: guest CR0 %#lx / EFER %#lx not kept current",
                    (unsigned long)t->v->hvm.guest_cr[0], (unsigned long)t->v->hvm.guest_efer);
    return true;
}

static bool scenario_end(struct selftest *t, const char *name, const uint8_t *entry,
                         const uint64_t *want, unsigned int n, int reason, const char *detail)
{
    run_from(t, entry);
    if ( !expect_exits(t, name, want, n) )
        return false;
    if ( !t->d->is_dying || t->d->end_reason != reason )
        return fail(t, "%s: domain %s, reason %d, expected reason %d", name,
                    t->d->is_dying ? "ended" : "still running", t->d->end_reason, reason);
    if ( strncmp(t->d->end_detail, detail, strlen(detail)) )
        return fail(t, "%s: detail '%s', expected '%s'", name, t->d->end_detail, detail);
    return true;
}

static bool scenario_e(struct selftest *t)
{
    static const uint64_t want[] = { VMEXIT_CPUID, VMEXIT_HLT };
    const uint32_t version = (KEEL_XEN_VERSION_MAJOR << 16) | KEEL_XEN_VERSION_MINOR;
    const struct hvm_vcpu *h = &t->v->hvm;

    if ( !scenario_end(t, "E", selftest_entry_e, want, ARRAY_SIZE(want), DOMEND_POWEROFF, "") )
        return false;
    if ( rd32(t, RESULT_GPA + 0x300) != version )
        return fail(t, "E: CPUID 0x40000001 under PAE paging gave %#x", rd32(t, RESULT_GPA + 0x300));
    if ( *(uint32_t *)((uint8_t *)mfn_to_virt(t->big_mfn) + 0x1004) != 0x4b45454c )
        return fail(t, "E: the write through guest and nested paging did not land");
    if ( !(h->guest_cr[0] & X86_CR0_PG) || h->guest_cr[3] != 0x6000 ||
         h->guest_cr[4] != X86_CR4_PAE )
        return fail(t, "E: guest CR0 %#lx CR3 %#lx CR4 %#lx not kept current",
                    (unsigned long)h->guest_cr[0], (unsigned long)h->guest_cr[3],
                    (unsigned long)h->guest_cr[4]);
    return true;
}

void svm_selftest(void)
{
    static const uint64_t want_b[] = { VMEXIT_HLT };
    static const uint64_t want_c[] = { VMEXIT_MSR, VMEXIT_SHUTDOWN };
    static const uint64_t want_d[] = { VMEXIT_NPF, VMEXIT_NPF, VMEXIT_NPF };
    struct selftest t = { .small_mfn = INVALID_MFN, .big_mfn = INVALID_MFN };
    bool ok;

    printk("HVM self-test: running a hand-built guest on CPU%u\n", smp_processor_id());
    init_timer(&watchdog, watchdog_fn, NULL, smp_processor_id());
    svm_exit_observer = observe;
    ok = build(&t) &&
         scenario_a(&t) &&
         scenario_end(&t, "B", selftest_entry_b, want_b, ARRAY_SIZE(want_b), DOMEND_POWEROFF, "") &&
         scenario_end(&t, "C", selftest_entry_c, want_c, ARRAY_SIZE(want_c), DOMEND_CRASH,
                      "triple fault") &&
         scenario_end(&t, "D", selftest_entry_d, want_d, ARRAY_SIZE(want_d), DOMEND_CRASH,
                      "cannot emulate instruction ff 05 00 00 00 08") &&
         (rd32(&t, RESULT_GPA + 0x400) == 0xffffffff ||
          fail(&t, "D: MMIO read gave %#x, expected all-ones", rd32(&t, RESULT_GPA + 0x400))) &&
         scenario_e(&t);
    svm_exit_observer = NULL;
    kill_timer(&watchdog);
    teardown(&t);

    if ( ok )
        printk("HVM self-test: PASS\n");
    else
        printk(XENLOG_ERR "HVM self-test: FAIL: %s\n", t.why);
}
