/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall dispatch for HVM/PVH guests: Xen's numbers and registers
 * (64-bit: rdi rsi rdx r10 r8; 32-bit: ebx ecx edx esi edi), result in
 * rax.  One table; a number with no entry is -ENOSYS.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/hypercall.h>
#include <public/xen.h>

typedef long (*hypercall_fn_t)(unsigned long, unsigned long, unsigned long,
                               unsigned long, unsigned long);

/* Give every handler the table's five-argument type. */
#define ARGS5 unsigned long a1, unsigned long a2, unsigned long a3, \
              unsigned long a4, unsigned long a5
#define WRAP2(fn) static long fn##_5(ARGS5) { (void)a3; (void)a4; (void)a5; return fn(a1, a2); }
#define WRAP3(fn) static long fn##_5(ARGS5) { (void)a4; (void)a5; return fn(a1, a2, a3); }

WRAP2(do_xen_version)
WRAP3(do_console_io)
WRAP3(do_vcpu_op)
WRAP2(do_sched_op)
WRAP2(do_memory_op)
WRAP2(do_event_channel_op)
WRAP2(do_hvm_op)
WRAP3(do_grant_table_op)

static const hypercall_fn_t hvm_hypercall_table[64] = {
    [__HYPERVISOR_xen_version] = do_xen_version_5,
    [__HYPERVISOR_console_io]  = do_console_io_5,
    [__HYPERVISOR_vcpu_op]     = do_vcpu_op_5,
    [__HYPERVISOR_sched_op]    = do_sched_op_5,
    [__HYPERVISOR_memory_op]   = do_memory_op_5,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op_5,
    [__HYPERVISOR_hvm_op]      = do_hvm_op_5,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op_5,
};

#define EFER_LMA    (1ULL << 10)

void hvm_hypercall(struct vcpu *v)
{
    struct cpu_user_regs *r = &v->regs;
    unsigned long nr = r->rax;
    hypercall_fn_t fn = nr < ARRAY_SIZE(hvm_hypercall_table) ? hvm_hypercall_table[nr] : NULL;
    long rc;

    if ( !fn )
    {
        printk(XENLOG_DEBUG "d%u: hypercall %lu not implemented\n", v->domain->domain_id, nr);
        rc = -ENOSYS;
    }
    else if ( v->hvm.guest_efer & EFER_LMA )
        rc = fn(r->rdi, r->rsi, r->rdx, r->r10, r->r8);
    else
        rc = fn((uint32_t)r->rbx, (uint32_t)r->rcx, (uint32_t)r->rdx,
                (uint32_t)r->rsi, (uint32_t)r->rdi);

    r->rax = (v->hvm.guest_efer & EFER_LMA) ? (unsigned long)rc : (uint32_t)rc;
}
