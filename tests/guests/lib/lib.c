/* SPDX-License-Identifier: GPL-2.0-only */
/* Test-guest runtime: start-up, Xen detection, console, verdicts, faults. */
#include "guest.h"

extern const char keel_test_default_name[];
extern const uint64_t exc_stub_table[32];
extern char wrmsr_safe_insn[], rdmsr_safe_insn[];

const char *test_name = keel_test_default_name;
const struct hvm_start_info *start_info;
bool have_xen;
uint32_t xen_cpuid_base;
bool cpu_is_amd;
uint8_t *hypercall_stubs = hypercall_page;

#define DEBUGCON_PORT   0xe9    /* QEMU isa-debugcon / Bochs port_e9_hack */
#define DEBUG_EXIT_PORT 0xf4    /* QEMU isa-debug-exit */

void set_test_name(const char *name)
{
    test_name = name;
}

/* ---- console ------------------------------------------------------------- */

static void debugcon_write(const char *s, size_t len)
{
    while ( len-- )
        outb(DEBUGCON_PORT, (uint8_t)*s++);
}

/*
 * The library's own hypercalls go through the page once it is set up;
 * before that (or if setting it up failed) straight through VMMCALL or
 * VMCALL, so that even a broken hypercall page can be reported.
 */
static long lib_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                          unsigned long a3)
{
    if ( have_xen )
        return hypercall3(nr, a1, a2, a3);
    if ( xen_cpuid_base )
        return hypercall_direct(nr, a1, a2, a3, 0, 0);
    return -XEN_ENOSYS;
}

void console_write(const char *s, size_t len)
{
    /*
     * Without Xen leaves (plain QEMU) port 0xe9 is the only channel.  With
     * them, console_io is the channel; if the hypervisor refuses it, fall
     * back to 0xe9 too so that a broken console_io still leaves a trace.
     */
    if ( lib_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len,
                       (unsigned long)s) != 0 )
        debugcon_write(s, len);
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ( n >= (int)sizeof(buf) )
        n = sizeof(buf) - 1;
    console_write(buf, n);
    return n;
}

/* ---- verdicts ------------------------------------------------------------ */

static void __noreturn halt_forever(void)
{
    for ( ;; )
        __asm__ volatile ("cli; hlt");
}

void guest_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };
    long rc;

    if ( xen_cpuid_base )
    {
        rc = lib_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&s, 0);
        /* Only reached if the hypervisor let the domain run on. */
        printf("KEEL-GUEST: %s FAIL: SCHEDOP_shutdown(%u) returned %ld\n",
               test_name, reason, rc);
    }
    else
    {
        /* QEMU exits with 2 * value + 1: 1 for poweroff, 7 for crash. */
        outb(DEBUG_EXIT_PORT, (uint8_t)reason);
    }
    halt_forever();
}

void pass(void)
{
    printf("KEEL-GUEST: %s PASS\n", test_name);
    guest_shutdown(SHUTDOWN_poweroff);
}

static int failing;

void fail(const char *fmt, ...)
{
    char buf[400];
    va_list ap;

    /* A fault while reporting a failure: the first report is what counts. */
    if ( failing++ )
        guest_shutdown(SHUTDOWN_crash);
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("KEEL-GUEST: %s FAIL: %s\n", test_name, buf);
    guest_shutdown(SHUTDOWN_crash);
}

/* ---- exceptions ---------------------------------------------------------- */

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t zero;
};

/*
 * All 256 vectors: 0-31 are the exception stubs; the rest stay not
 * present (an interrupt there is a #GP, reported as a FAIL) until a test
 * installs a handler with idt_set_gate() (e.g. the event upcall vector).
 */
static struct idt_entry idt[256] __attribute__((aligned(16)));

void idt_set_gate(unsigned int vector, void (*handler)(void))
{
    uint64_t a = (uint64_t)handler;

    idt[vector & 0xff] = (struct idt_entry){
        .offset_lo = a & 0xffff,
        .selector = 0x08,
        .type_attr = 0x8e,              /* present, DPL 0, interrupt gate */
        .offset_mid = (a >> 16) & 0xffff,
        .offset_hi = a >> 32,
    };
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) desc = { sizeof(idt) - 1, (uint64_t)idt };

    __asm__ volatile ("lidt %0" :: "m" (desc));
}

static void idt_init(void)
{
    unsigned int i;

    for ( i = 0; i < 32; i++ )
        idt_set_gate(i, (void (*)(void))exc_stub_table[i]);
    idt_load();
}

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void exc_handler(struct exc_frame *f);
void exc_handler(struct exc_frame *f)
{
    const char *name = f->vector < 32 && exc_names[f->vector] ? exc_names[f->vector] : "?";
    uint64_t cr2 = 0;

    /* A *_safe MSR access: report the vector to its caller, skip the insn. */
    if ( f->rip == (uint64_t)wrmsr_safe_insn || f->rip == (uint64_t)rdmsr_safe_insn )
    {
        f->r8 = f->vector;
        f->rip += 2;
        return;
    }
    if ( f->vector == 14 )
        __asm__ volatile ("mov %%cr2, %0" : "=r" (cr2));
    fail("unexpected exception %lu (%s) error code %#lx at RIP %#lx (RSP %#lx, CR2 %#lx)",
         (unsigned long)f->vector, name, (unsigned long)f->error_code,
         (unsigned long)f->rip, (unsigned long)f->rsp, (unsigned long)cr2);
}

extern uint64_t pt0[512];

void unmap_low_page(uint64_t va)
{
    if ( va >= 0x200000 )
        fail("unmap_low_page(%#lx): only the first 2 MiB has 4 KiB pages", (unsigned long)va);
    pt0[va >> 12] = 0;
    __asm__ volatile ("invlpg (%0)" :: "r" (va) : "memory");
}

/* ---- Xen detection ------------------------------------------------------- */

static void detect_vendor(void)
{
    struct cpuid_regs r = cpuid(0);

    /* "AuthenticAMD" / "HygonGenuine": EBX holds the first four bytes. */
    cpu_is_amd = (r.ebx == 0x68747541 && r.edx == 0x69746e65 && r.ecx == 0x444d4163) ||
                 (r.ebx == 0x6f677948 && r.edx == 0x6e65476e && r.ecx == 0x656e6975);
}

/* Scan 0x40000000..0x40010000 in steps of 0x100, as Linux does. */
static uint32_t find_xen_base(void)
{
    uint32_t base;

    for ( base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000; base += 0x100 )
    {
        struct cpuid_regs r = cpuid(base);

        if ( r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
             r.edx == XEN_CPUID_SIGNATURE_EDX && r.eax - base >= 2 )
            return base;
    }
    return 0;
}

static void setup_hypercall_page(void)
{
    struct cpuid_regs r = cpuid(xen_cpuid_base + 2);

    /* console_io needs the page, so failures here can only go to 0xe9. */
    have_xen = false;
    if ( r.eax < 1 )
        fail("CPUID %#x reports %u hypercall pages", xen_cpuid_base + 2, r.eax);
    if ( wrmsr_safe(r.ebx, (uint64_t)hypercall_page) )
        fail("writing hypercall MSR %#x faulted", r.ebx);
    if ( hypercall_page[0] == 0xcc )
        fail("hypercall page at %p not filled after writing MSR %#x", hypercall_page, r.ebx);
    have_xen = true;
}

void lib_start(uint32_t si_paddr);
void lib_start(uint32_t si_paddr)
{
    start_info = (const struct hvm_start_info *)(uintptr_t)si_paddr;
    idt_init();
    detect_vendor();
    xen_cpuid_base = find_xen_base();
    if ( xen_cpuid_base )
    {
        setup_hypercall_page();
        printf("keel-guest: %s: Xen leaves at %#x, version %#x, %s\n", test_name,
               xen_cpuid_base, cpuid(xen_cpuid_base + 1).eax,
               cpu_is_amd ? "AMD" : "Intel");
    }
    else
        printf("keel-guest: %s: no Xen leaves; console on port 0xe9\n", test_name);
    test_main(start_info);
    pass();
}

/* ---- command line -------------------------------------------------------- */

const char *guest_cmdline(void)
{
    if ( !start_info || !start_info->cmdline_paddr )
        return "";
    return (const char *)(uintptr_t)start_info->cmdline_paddr;
}

bool cmdline_get(const char *key, char *buf, size_t size)
{
    const char *p = guest_cmdline();
    size_t klen = strlen(key);

    while ( *p )
    {
        while ( *p == ' ' )
            p++;
        if ( !strncmp(p, key, klen) && p[klen] == '=' )
        {
            size_t n = 0;

            p += klen + 1;
            while ( p[n] && p[n] != ' ' && n + 1 < size )
            {
                buf[n] = p[n];
                n++;
            }
            buf[n] = '\0';
            return true;
        }
        while ( *p && *p != ' ' )
            p++;
    }
    return false;
}

/* ---- POSIX cksum --------------------------------------------------------- */

static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
    int i;

    crc ^= (uint32_t)b << 24;
    for ( i = 0; i < 8; i++ )
        crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    return crc;
}

uint32_t posix_cksum(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t crc = 0;
    size_t n;

    for ( n = 0; n < len; n++ )
        crc = crc_byte(crc, p[n]);
    /* The length follows, least significant byte first, without zeros. */
    for ( n = len; n; n >>= 8 )
        crc = crc_byte(crc, n & 0xff);
    return ~crc;
}
