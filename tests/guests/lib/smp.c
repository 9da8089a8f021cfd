/* SPDX-License-Identifier: GPL-2.0-only */
/* Secondary vCPUs for test guests: see smp.h and smp.S. */
#include "smp.h"

#define APIC_BASE       0xfee00000ul
#define MSR_EFER        0xc0000080

#define CR0_PE          (1ul << 0)
#define CR0_ET          (1ul << 4)
#define CR0_NE          (1ul << 5)
#define CR0_PG          (1ul << 31)
#define CR4_PAE         (1ul << 5)
#define EFER_LME        (1ul << 8)

extern char smp_trampoline[], smp_trampoline_end[], smp_tramp_record_off[];
extern char smp_ap_pm32[], smp_ap_entry64[];
extern uint64_t pml4[512];

void (*smp_ap_fn)(unsigned int vcpu_id);

uint32_t apic_read(unsigned int off)
{
    return *(volatile uint32_t *)(APIC_BASE + off);
}

void apic_write(unsigned int off, uint32_t val)
{
    *(volatile uint32_t *)(APIC_BASE + off) = val;
}

void apic_enable(void)
{
    apic_write(APIC_SVR, 0x1ff);
}

unsigned int apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

void apic_send(unsigned int dest_apic_id, uint32_t lo)
{
    apic_write(APIC_ICR_HI, dest_apic_id << 24);
    apic_write(APIC_ICR_LO, lo);
    if ( apic_read(APIC_ICR_LO) & ICR_BUSY )
        fail("ICR %#x to APIC %u: delivery status still busy", lo, dest_apic_id);
}

void smp_init_sipi_sipi(unsigned int dest_apic_id, uint32_t trampoline)
{
    uint32_t vector = trampoline >> 12;

    apic_send(dest_apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    apic_send(dest_apic_id, ICR_INIT | ICR_LEVEL);
    apic_send(dest_apic_id, ICR_STARTUP | vector);
    apic_send(dest_apic_id, ICR_STARTUP | vector);
}

volatile struct smp_tramp_record *smp_install_trampoline(uint32_t paddr)
{
    volatile struct smp_tramp_record *r;

    if ( (paddr & 0xfff) || paddr >= 0x100000 )
        fail("trampoline at %#x: must be a page below 1 MiB", paddr);
    memcpy((void *)(uintptr_t)paddr, smp_trampoline, smp_trampoline_end - smp_trampoline);
    r = (volatile struct smp_tramp_record *)(uintptr_t)(paddr + (uintptr_t)smp_tramp_record_off);
    r->entries = 0;
    return r;
}

void smp_ap_main(unsigned int vcpu_id);
void smp_ap_main(unsigned int vcpu_id)
{
    idt_load();
    if ( !smp_ap_fn )
        fail("vCPU %u started, but the test set no smp_ap_fn", vcpu_id);
    smp_ap_fn(vcpu_id);
}

void smp_context_64(struct vcpu_hvm_context *c, uint64_t rsp)
{
    memset(c, 0, sizeof(*c));
    c->mode = VCPU_HVM_MODE_64B;
    c->cpu_regs.x86_64.rip = (uint64_t)smp_ap_entry64;
    c->cpu_regs.x86_64.rsp = rsp;
    c->cpu_regs.x86_64.rflags = 0x2;
    c->cpu_regs.x86_64.cr0 = CR0_PG | CR0_NE | CR0_ET | CR0_PE;
    c->cpu_regs.x86_64.cr3 = (uint64_t)pml4;
    c->cpu_regs.x86_64.cr4 = CR4_PAE;
    c->cpu_regs.x86_64.efer = EFER_LME;
}

void smp_context_32(struct vcpu_hvm_context *c)
{
    struct vcpu_hvm_x86_32 *r = &c->cpu_regs.x86_32;

    memset(c, 0, sizeof(*c));
    c->mode = VCPU_HVM_MODE_32B;
    r->eip = (uint32_t)(uintptr_t)smp_ap_pm32;
    r->eflags = 0x2;
    r->cr0 = CR0_PE | CR0_ET;
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = 0xc9b;           /* 32-bit code, G, present */
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_limit = 0x67;
    r->tr_ar = 0x8b;            /* busy 32-bit TSS */
}

/* ---- MADT ----------------------------------------------------------------- */

static uint32_t r32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t r64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

unsigned int madt_cpus(struct madt_cpu *out, unsigned int max)
{
    const uint8_t *rsdp = (const void *)(uintptr_t)start_info->rsdp_paddr, *xsdt, *madt = NULL;
    uint32_t off, len;
    unsigned int n = 0;

    if ( !rsdp || memcmp(rsdp, "RSD PTR ", 8) )
        fail("no RSDP");
    xsdt = (const void *)(uintptr_t)r64(rsdp + 24);
    for ( off = 36; off + 8 <= r32(xsdt + 4); off += 8 )
    {
        const uint8_t *t = (const void *)(uintptr_t)r64(xsdt + off);

        if ( !memcmp(t, "APIC", 4) )
            madt = t;
    }
    if ( !madt )
        fail("no MADT");
    len = r32(madt + 4);
    for ( off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1] )
    {
        const uint8_t *e = madt + off;

        if ( n == max )
            break;
        if ( e[0] == 0 )            /* processor local APIC */
            out[n++] = (struct madt_cpu){ e[2], e[3], r32(e + 4) & 1 };
        else if ( e[0] == 9 )       /* processor local x2APIC: id @4, flags @8, UID @12 */
            out[n++] = (struct madt_cpu){ r32(e + 12), r32(e + 4), r32(e + 8) & 1 };
    }
    return n;
}
