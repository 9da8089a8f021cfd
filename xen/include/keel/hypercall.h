/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

/*
 * Hypercall handlers.  Arguments are the guest's registers as unsigned
 * longs; pointers are guest-virtual addresses, only ever touched through
 * keel/guest_access.h.  Results are Xen's: 0 or positive, or -errno.
 */
long do_console_io(unsigned long cmd, unsigned long count, unsigned long buffer);
long do_xen_version(unsigned long cmd, unsigned long arg);
long do_sched_op(unsigned long cmd, unsigned long arg);
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg);
long do_memory_op(unsigned long cmd, unsigned long arg);
long do_event_channel_op(unsigned long cmd, unsigned long arg);
long do_hvm_op(unsigned long op, unsigned long arg);
long do_grant_table_op(unsigned long cmd, unsigned long uop, unsigned long count);

#endif
