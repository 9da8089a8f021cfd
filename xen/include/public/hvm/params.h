/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVM parameters, read and written with HVMOP_get_param/HVMOP_set_param.
 * Only the indices Keel's PVH guests use are listed.
 */
#ifndef KEEL_PUBLIC_HVM_PARAMS_H
#define KEEL_PUBLIC_HVM_PARAMS_H

/*
 * How event-channel upcalls reach the guest.  Bits 63:56 give the type,
 * the low bits its argument (for TYPE_VECTOR: the IDT vector, injected
 * straight into the vCPU without going through the local APIC).
 */
#define HVM_PARAM_CALLBACK_IRQ              0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT   56
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK    0xFF00000000000000ULL
#define HVM_PARAM_CALLBACK_TYPE_GSI         0   /* low bits: GSI number */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX    1   /* low bits: domain/bus/dev/pin */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR      2   /* low 8 bits: vector (x86) */

/* Xenstore ring page (a GFN) and its event channel. */
#define HVM_PARAM_STORE_PFN                 1
#define HVM_PARAM_STORE_EVTCHN              2

#define HVM_PARAM_PAE_ENABLED               4
#define HVM_PARAM_TIMER_MODE               10
#define HVM_PARAM_IDENT_PT                 12

/* Console ring page (a GFN) and its event channel; either 0 = no console. */
#define HVM_PARAM_CONSOLE_PFN              17
#define HVM_PARAM_CONSOLE_EVTCHN           18

#define HVM_PARAM_TRIPLE_FAULT_REASON      31

#define HVM_NR_PARAMS                      39

#endif
