/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Address space IDs.  The TLB tags guest translations with the ASID of
 * the VMRUN that made them, so each vCPU gets its own ASID on the pCPU it
 * runs on, handed out in generations: when a pCPU runs out, a new
 * generation starts, every vCPU there takes a fresh ASID at its next
 * VMRUN, and the first VMRUN of the generation flushes the whole TLB so no
 * reused ASID finds old entries.  Flushing one vCPU's translations is
 * "take a new ASID", which needs no flush-by-ASID support (QEMU's TCG has
 * none).  ASID 0 is the host's.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/percpu.h>
#include <asm/hvm/svm/svm.h>

static struct {
    uint32_t next;
    uint64_t generation;
    bool flush_all;
} asid_state[NR_CPUS];

void svm_asid_init_cpu(void)
{
    unsigned int cpu = smp_processor_id();

    asid_state[cpu].next = 1;
    asid_state[cpu].generation = 1;
    /* Whatever ran here before (firmware, a previous hypervisor) may have left entries. */
    asid_state[cpu].flush_all = true;
}

void svm_asid_handle_vmrun(struct vcpu *v)
{
    struct svm_vcpu *s = svm_vcpu(v);
    unsigned int cpu = smp_processor_id();
    typeof(asid_state[0]) *a = &asid_state[cpu];

    if ( s->asid_cpu != cpu || s->asid_generation != a->generation )
    {
        if ( a->next >= svm_nr_asids )
        {
            a->generation++;
            a->next = 1;
            a->flush_all = true;
        }
        s->asid = a->next++;
        s->asid_cpu = cpu;
        s->asid_generation = a->generation;
    }
    s->vmcb->asid = s->asid;
    s->vmcb->tlb_control = a->flush_all ? TLB_CTRL_FLUSH_ALL : TLB_CTRL_NO_FLUSH;
    a->flush_all = false;
}

void svm_asid_flush_vcpu(struct vcpu *v)
{
    /* Generation 0 is never current: the next VMRUN picks a new ASID. */
    svm_vcpu(v)->asid_generation = 0;
}
