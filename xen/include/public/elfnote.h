/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ELF note types a kernel uses to describe itself to a Xen-style loader.
 * Notes have the owner name "Xen"; the descriptor is a string or an
 * integer of 4 or 8 bytes, depending on the note and the kernel.
 */
#ifndef KEEL_PUBLIC_ELFNOTE_H
#define KEEL_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO                0
#define XEN_ELFNOTE_ENTRY               1   /* PV entry (virtual) */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2   /* where to put the hypercall page */
#define XEN_ELFNOTE_VIRT_BASE           3
#define XEN_ELFNOTE_PADDR_OFFSET        4
#define XEN_ELFNOTE_XEN_VERSION         5   /* string, e.g. "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6   /* string, e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION       7   /* string */
#define XEN_ELFNOTE_LOADER              8   /* string, e.g. "generic" */
#define XEN_ELFNOTE_PAE_MODE            9   /* string */
#define XEN_ELFNOTE_FEATURES           10   /* string: '|'-separated features */
#define XEN_ELFNOTE_BSD_SYMTAB         11
#define XEN_ELFNOTE_HV_START_LOW       12
#define XEN_ELFNOTE_L1_MFN_VALID       13
#define XEN_ELFNOTE_SUSPEND_CANCEL     14
#define XEN_ELFNOTE_INIT_P2M           15
#define XEN_ELFNOTE_MOD_START_PFN      16
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17   /* XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY       18   /* PVH: 32-bit physical entry point */
#define XEN_ELFNOTE_PHYS32_RELOC       19   /* PVH: relocation constraints */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_RELOC

/* Note owner name, NUL included in namesz. */
#define XEN_ELFNOTE_NAME               "Xen"

#endif
