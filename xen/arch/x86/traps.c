/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions taken in the hypervisor are fatal: report the vector, the
 * registers and a symbolised call trace, then panic.  Vectors 32-255 go
 * to the interrupt handlers registered with set_irq_handler().
 */
#include <keel/lib.h>
#include <keel/symbols.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <asm/page.h>

static irq_handler_t irq_handlers[256];

static const char *const exception_names[32] = {
    "divide error", "debug", "nmi", "int3", "overflow", "bounds",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not found",
    "stack error", "general protection fault", "page fault",
    "spurious interrupt bug", "coprocessor error", "alignment check",
    "machine check", "simd error", "virtualisation exception",
    "control protection", NULL, NULL, NULL, NULL, NULL, NULL,
    "hypervisor injection", "vmm communication", "security exception", NULL,
};

void set_irq_handler(unsigned int vec, irq_handler_t h)
{
    BUG_ON(vec < 32 || vec > 255);
    irq_handlers[vec] = h;
}

static void print_symbol(const char *fmt, unsigned long addr)
{
    unsigned long off, size;
    const char *name = symbols_lookup(addr, &off, &size);

    if ( name )
        printk(fmt, addr, name, off, size);
    else
        printk(fmt, addr, "??", 0UL, 0UL);
}

void show_registers(const struct cpu_user_regs *r)
{
    printk("----[ Keel  x86_64 ]----\n");
    printk("CPU:    %u\n", cpu_data[0] ? smp_processor_id() : 0);
    print_symbol("RIP:    [<%016lx>] %s+%#lx/%#lx\n", r->rip);
    printk("RFLAGS: %016lx   CS: %04lx   SS: %04lx\n", r->rflags, r->cs, r->ss);
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(), read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
}

/*
 * Walk the frame-pointer chain.  Each frame must lie above the previous
 * one and within 64 KiB of it, so a corrupt chain ends the walk instead
 * of faulting again.
 */
void show_stack_trace(unsigned long rip, unsigned long rbp)
{
    unsigned int depth;

    printk("Xen call trace:\n");
    if ( rip )
        print_symbol("   [<%016lx>] S %s+%#lx/%#lx\n", rip);
    for ( depth = 0; depth < 32 && rbp; depth++ )
    {
        unsigned long *frame = (unsigned long *)rbp;

        if ( rbp & 7 || rbp < 0xffff800000000000UL )
            break;
        if ( !frame[1] )
            break;
        print_symbol("   [<%016lx>] S %s+%#lx/%#lx\n", frame[1]);
        if ( frame[0] <= rbp || frame[0] - rbp > 0x10000 )
            break;
        rbp = frame[0];
    }
}

/* Guard pages are the even pages below the primary stack (see mm.c). */
static bool in_stack_guard(unsigned long va)
{
    unsigned long off = va - STACKS_VIRT_START;

    if ( va < STACKS_VIRT_START || off >= (unsigned long)NR_CPUS * STACK_SIZE )
        return false;
    off = (off % STACK_SIZE) >> PAGE_SHIFT;
    return off <= 6 && !(off & 1);
}

void do_trap(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( vec >= 32 )
    {
        if ( irq_handlers[vec] )
            irq_handlers[vec](regs);
        else
            printk(XENLOG_WARNING "Unexpected interrupt vector %#x on CPU %u\n",
                   vec, cpu_data[0] ? smp_processor_id() : 0);
        return;
    }

    show_registers(regs);
    show_stack_trace(regs->rip, regs->rbp);
    /* A fault pushing onto a guard page escalates to #DF; CR2 names the page. */
    if ( (vec == 8 || vec == 14) && in_stack_guard(read_cr2()) )
        printk("Stack overflow: %016lx is in a stack guard page\n", read_cr2());
    if ( vec == 14 )
        panic("FATAL PAGE FAULT\n[error_code=%04x]\nFaulting linear address: %016lx",
              regs->error_code, read_cr2());
    panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]", vec,
          exception_names[vec] ? exception_names[vec] : "reserved", regs->error_code);
}
