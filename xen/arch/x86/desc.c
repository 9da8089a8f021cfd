/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU GDT and TSS, and the IDT shared by every CPU. */
#include <keel/lib.h>
#include <asm/percpu.h>

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, rsvd;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern char trap_stubs[];

struct cpu_data *cpu_data[NR_CPUS];

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

void idt_init(void)
{
    unsigned int v;

    for ( v = 0; v < 256; v++ )
    {
        unsigned long a = (unsigned long)trap_stubs + v * 16;

        idt[v].off_lo = a & 0xffff;
        idt[v].sel = __HYPERVISOR_CS;
        idt[v].type = 0x8e;             /* present, DPL0, 64-bit interrupt gate */
        idt[v].off_mid = (a >> 16) & 0xffff;
        idt[v].off_hi = a >> 32;
        idt[v].ist = v == 2 ? IST_NMI : v == 8 ? IST_DF : v == 18 ? IST_MC : 0;
    }
}

void cpu_desc_init(struct cpu_data *c)
{
    unsigned long tss = (unsigned long)&c->tss;
    struct desc_ptr gdtr = { sizeof(c->gdt) - 1, (unsigned long)c->gdt };
    struct desc_ptr idtr = { sizeof(idt) - 1, (unsigned long)idt };
    unsigned int i;

    c->self = c;
    c->gdt[0] = 0;
    c->gdt[1] = 0x00af9a000000ffffULL;      /* 64-bit code */
    c->gdt[2] = 0x00cf92000000ffffULL;      /* data */
    c->gdt[3] = (sizeof(c->tss) - 1) | ((tss & 0xffffff) << 16) |
                (0x89ULL << 40) | (((tss >> 24) & 0xff) << 56);
    c->gdt[4] = tss >> 32;
    memset(&c->tss, 0, sizeof(c->tss));
    for ( i = 0; i < 3; i++ )
        c->tss.ist[i] = c->ist_top[i];
    c->tss.rsp0 = c->stack_top;
    c->tss.iomap_base = sizeof(c->tss);     /* no I/O bitmap */

    __asm__ volatile ("lgdt %0" :: "m" (gdtr));
    __asm__ volatile ("pushq %0; lea 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
                      :: "i" (__HYPERVISOR_CS) : "rax", "memory");
    __asm__ volatile ("mov %0, %%ds; mov %0, %%es; mov %0, %%ss"
                      :: "r" (__HYPERVISOR_DS));
    __asm__ volatile ("ltr %w0" :: "r" (__TSS_SEL));
    __asm__ volatile ("lidt %0" :: "m" (idtr));

    __asm__ volatile ("wrmsr" :: "c" (0xc0000101), "a" ((uint32_t)(unsigned long)c),
                      "d" ((uint32_t)((unsigned long)c >> 32)));
}
