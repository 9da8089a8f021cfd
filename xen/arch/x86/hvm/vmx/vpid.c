/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual-processor IDs and the TLB flushes around VM entry: the
 * counterpart of svm/asid.c.  With VPIDs the TLB tags guest linear
 * translations with the VPID of the entry that made them, so each vCPU
 * gets its own VPID on the pCPU it runs on, handed out in generations as
 * ASIDs are: a vCPU that moves to another pCPU, or whose pCPU ran out of
 * VPIDs, takes a fresh one at its next entry, and each freshly handed-out
 * VPID is flushed (INVVPID) before use, so no reused VPID finds old
 * entries.  VPID 0 is the host's.  Without VPIDs every entry and exit
 * flushes linear translations anyway.
 *
 * Guest-physical translations are tagged with the EPT pointer instead:
 * they are flushed (INVEPT) whenever a vCPU starts on a pCPU afresh (a
 * new domain may have been given the EPT root page of a dead one) and
 * whenever its domain's p2m changed a present entry since its last flush,
 * or when asked to (vmx_flush_guest_tlbs(), intr.c).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <asm/percpu.h>
#include <asm/hvm/vmx/vmx.h>

#define VPID_MAX    0xffff

static struct {
    uint32_t next;
    uint64_t generation;
} vpid_state[NR_CPUS];

void vmx_vpid_init_cpu(void)
{
    unsigned int cpu = smp_processor_id();

    vpid_state[cpu].next = 1;
    vpid_state[cpu].generation = 1;
}

static void flush_ept(struct vcpu *v)
{
    struct p2m_domain *p2m = v->domain->p2m;
    int rc;

    vmx_vcpu(v)->ept_flush_seen = p2m_ept_flush_generation(p2m);
    /* Taken before the INVEPT: a request made after it is for a later entry. */
    __atomic_store_n(&vmx_vcpu(v)->ept_flush_pending, false, __ATOMIC_SEQ_CST);
    rc = invept(vmx_caps.invept_type, p2m_ops->root(p2m));
    BUG_ON(rc);
}

void vmx_vpid_handle_vmentry(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx_vcpu(v);
    unsigned int cpu = smp_processor_id();
    typeof(vpid_state[0]) *a = &vpid_state[cpu];

    if ( s->vpid_cpu != cpu || s->vpid_generation != a->generation )
    {
        if ( a->next > VPID_MAX )
        {
            a->generation++;
            a->next = 1;
        }
        s->vpid = a->next++;
        s->vpid_cpu = cpu;
        s->vpid_generation = a->generation;
        if ( vmx_caps.vpid )
        {
            BUG_ON(invvpid(vmx_caps.invvpid_type, s->vpid));
            vmwrite(VIRTUAL_PROCESSOR_ID, s->vpid);
        }
        flush_ept(v);
    }
    else if ( s->ept_flush_seen != p2m_ept_flush_generation(v->domain->p2m) ||
              __atomic_load_n(&s->ept_flush_pending, __ATOMIC_SEQ_CST) )
        flush_ept(v);
}

void vmx_vpid_flush_vcpu(struct vcpu *v)
{
    /* Generation 0 is never current: the next entry picks a new VPID (and flushes). */
    vmx_vcpu(v)->vpid_generation = 0;
}
