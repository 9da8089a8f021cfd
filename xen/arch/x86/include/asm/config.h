/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

/*
 * Virtual memory layout of the hypervisor (see docs/design.md).
 *
 *  0xffffffff80000000 + phys   the hypervisor image (kernel code model)
 *  0xffff830000000000          direct map of all RAM (up to 4 TiB)
 *  0xffff82e000000000          per-CPU stacks, each below an unmapped guard page
 *  low half                    identity map of the first 4 GiB during boot only
 */
#define KEEL_VIRT_BASE          0xffffffff80000000
#define KEEL_LOAD_ADDR          0x200000
#define DIRECTMAP_VIRT_START    0xffff830000000000
#define DIRECTMAP_SIZE          (4ULL << 40)
#define STACKS_VIRT_START       0xffff82e000000000

#define NR_CPUS                 64

/* Stack: 8 pages of primary stack, and one page each for the NMI, #DF and #MC IST stacks. */
#define STACK_ORDER             4
#define STACK_SIZE              (0x1000 << STACK_ORDER)
#define PRIMARY_STACK_SIZE      (8 * 0x1000)
#define IST_STACK_SIZE          0x1000

#define __HYPERVISOR_CS         0x08
#define __HYPERVISOR_DS         0x10
#define __TSS_SEL               0x18

#ifndef __ASSEMBLY__
#define sym_phys(s)             ((unsigned long)(s) - KEEL_VIRT_BASE)
#else
#define sym_phys(s)             ((s) - KEEL_VIRT_BASE)
#endif

#endif
