/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's CPUID leaves.  They start at 0x40000000 (or the next
 * free multiple of 0x100 above it when another interface sits there);
 * guests scan for the signature.  Leaf numbers below are offsets from
 * that base: XEN_CPUID_LEAF(n).
 */
#ifndef KEEL_PUBLIC_ARCH_X86_CPUID_H
#define KEEL_PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF    0x40000000U
#define XEN_CPUID_LEAF(i)       (XEN_CPUID_FIRST_LEAF + (i))

/*
 * Base + 0: EAX = highest leaf (base + N); EBX:ECX:EDX = "XenVMMXenVMM".
 */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558U     /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4dU     /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eU     /* "nVMM" */

/* Base + 1: EAX = (major << 16) | minor version; EBX-EDX zero. */

/*
 * Base + 2: EAX = number of hypercall pages (1), EBX = MSR that installs
 * the hypercall page (write the page's GPA), ECX/EDX = feature bits.
 */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1U << 0)

/*
 * Base + 3: time.  Sub-leaf 0: EAX flags below, EBX TSC mode, ECX guest
 * TSC kHz, EDX incarnation.  Sub-leaf 1: EAX:EBX TSC offset, ECX mul,
 * EDX shift (TSC to ns).  Sub-leaf 2: EAX host TSC kHz.
 */
#define XEN_CPUID_TSC_EMULATED          (1U << 0)
#define XEN_CPUID_HOST_TSC_RELIABLE     (1U << 1)
#define XEN_CPUID_RDTSCP_INSTR_AVAIL    (1U << 2)
#define XEN_CPUID_TSC_MODE_DEFAULT          0U
#define XEN_CPUID_TSC_MODE_ALWAYS_EMULATE   1U
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE    2U
#define XEN_CPUID_TSC_MODE_PVRDTSCP         3U

/*
 * Base + 4: HVM/PVH features.  EAX = flags below, EBX = vCPU id (if
 * VCPU_ID_PRESENT), ECX = domain id (if DOMID_PRESENT).  Linux takes the
 * boot vCPU's Xen vcpu_id from EBX here.
 */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT  (1U << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT       (1U << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS    (1U << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1U << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1U << 4)
#define XEN_HVM_CPUID_EXT_DEST_ID       (1U << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR     (1U << 6)

/* Base + 5: PV only.  EAX = highest sub-leaf, EBX[7:0] = machine address width. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK 0xffU

/* Leaves above the base that exist: base + 0 .. base + 5. */
#define XEN_CPUID_MAX_NUM_LEAVES        5

#endif
