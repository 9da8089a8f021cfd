/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <keel/types.h>
#include <keel/spinlock.h>
#include <keel/sched.h>
#include <public/vcpu.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <keel/event.h>
#include <keel/page_alloc.h>
#include <public/memory.h>
#include <keel/guest_console.h>

typedef uint16_t domid_t;
#define MAX_BOOT_DOMAINS    16
#define MAX_VCPUS_PER_DOM   64

/* Why a domain ended (SHUTDOWN_* numbers from the public ABI, plus ours). */
#define DOMEND_POWEROFF     0
#define DOMEND_REBOOT       1
#define DOMEND_SUSPEND      2
#define DOMEND_CRASH        3
#define DOMEND_WATCHDOG     4
#define DOMEND_SOFT_RESET   5

struct domain;

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    unsigned int processor;         /* pCPU it runs on */
    bool is_up;                     /* started (VCPUOP_is_up) */
    /*
     * Has a register state to run from: built (vCPU 0), VCPUOP_initialise
     * or a STARTUP IPI.  INIT clears it (the vCPU then waits for a
     * STARTUP IPI).  Under the domain's lock (common/vcpu.c).
     */
    bool initialised;
    bool blocked;                   /* waiting for an event (SCHEDOP_block, HLT) */
    bool paused;                    /* taken off the CPU for good (domain ending) */
    bool running;                   /* inside vcpu_run() on its CPU */
    struct vcpu *sched_next;        /* list of vCPUs known to the scheduler (sched/core.c) */
    struct sched_unit sched;        /* the policy's view (keel/sched.h) */
    /* Where its time went (sched_runstate_change()), and the pCPUs it ran on. */
    struct vcpu_runstate_info runstate;
    spinlock_t runstate_lock;
    cpumask_t ran_on;
    struct cpu_user_regs regs;      /* guest general registers, saved at exit */
    struct hvm_vcpu hvm;            /* vendor state: VMCB/VMCS, control registers */
    struct vcpu_events events;      /* vcpu_info, VIRQs, timers, runstate (keel/event.h) */
};

struct domain {
    domid_t domain_id;
    char name[32];
    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VCPUS_PER_DOM];
    spinlock_t lock;

    /*
     * Memory (keel/memory.h): frames owned (on page_list, under
     * memory_lock()), the limit, and the guest-physical map.
     */
    unsigned long tot_pages, max_pages;
    uint64_t ram_bytes;             /* guest RAM as built: [0, ram_bytes) */
    struct p2m_domain *p2m;
    struct page_list_head page_list;
    struct grant_table *grant_table; /* keel/grant_table.h */
    /* The memory map the builder gave the guest (XENMEM_memory_map). */
    struct xen_e820_entry memmap[8];
    unsigned int nr_memmap;

    /* Lifecycle. */
    bool is_dying;
    int end_reason;                 /* DOMEND_* once ending */
    int shutdown_code;              /* SCHEDOP_shutdown_code, -1 if none */
    char end_detail[96];            /* e.g. "triple fault" */
    unsigned int vcpus_on_cpu;      /* vCPUs the scheduler still holds (sched/core.c) */
    struct sched_dom sched;         /* weight, cap and cap budget (keel/sched.h) */

    struct guest_line console_io_line;  /* console_io output being assembled */
    struct console_ring *console;   /* PV console ring backend, NULL if none */

    struct hvm_domain hvm;          /* hypercall page, vendor data */
    struct domain_events events;    /* shared_info, event channels (keel/event.h) */
    struct domain *next;            /* list of all domains */
};

/* Create an empty domain with @max_vcpus vCPUs (not started); NULL on failure. */
struct domain *domain_create(domid_t domid, const char *name, unsigned int max_vcpus,
                             unsigned long max_pages);
/* Populate guest RAM [0, bytes) from the heap (2 MiB pages where possible). */
int domain_populate_ram(struct domain *d, uint64_t bytes);
/*
 * End @d: every vCPU stops (on its own pCPU at its next exit), the reason
 * is logged with the vCPU's final registers, and the domain is freed once
 * nothing runs it.  Safe from any vCPU of @d or from the hypervisor.
 */
void domain_end(struct domain *d, int reason, const char *detail);
struct domain *domain_by_id(domid_t id);
const char *domain_reason_name(int reason);
/* Free everything of a domain nothing runs any more (also for a failed create). */
void domain_destroy(struct domain *d);
/* Called by the scheduler once the last vCPU of a dying domain left its CPU. */
void domain_reap(struct domain *d);
/* Undo domain_create() for a domain that never ran. */
void domain_unlist_and_destroy(struct domain *d);
/* Build and start the domains of the boot device tree; returns how many run. */
struct boot_info;
unsigned int create_boot_domains(const struct boot_info *bi);
void sched_init(void);
/* Remember the heap's free frames before building domains (leak check at the end). */
void domain_note_heap_baseline(void);
unsigned int domains_alive(void);

/* The vCPU running on this pCPU, or NULL in the idle loop. */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);

/*
 * Scheduling (common/sched/core.c).  vcpu_wake() makes a blocked vCPU
 * runnable (from any CPU, any context but NMI); vcpu_block() and
 * vcpu_yield() are for the running vCPU itself.
 */
void vcpu_wake(struct vcpu *v);
void vcpu_block(struct vcpu *v);
void vcpu_yield(struct vcpu *v);
/*
 * Enter RUNSTATE_* @new_state now, charging the time since the last
 * change to the old state: the one place per-vCPU time is accounted.
 */
void sched_runstate_change(struct vcpu *v, int new_state);
/* Domain parameters: weight 1-65535 (0 = default 256), cap in % of one pCPU (0 = none). */
int sched_set_domain_params(struct domain *d, unsigned int weight, unsigned int cap);
/* The pCPUs @v may run on; -EINVAL if none of them is in use by the scheduler. */
int sched_set_hard_affinity(struct vcpu *v, const cpumask_t *hard);
/* The guest took @v down (HLT with interrupts off); the last one down is poweroff. */
void vcpu_down(struct vcpu *v);
/*
 * Make @v runnable (is_up), inserting it into the scheduler the first
 * time; nothing if it is up already or its domain is ending.  Any CPU.
 */
void sched_start_vcpu(struct vcpu *v);
/*
 * Take @v down (not is_up): it leaves its pCPU at its next exit.  Returns
 * true if no vCPU of its domain is up any more (the caller ends it).
 */
bool sched_stop_vcpu(struct vcpu *v);
/*
 * Secondary vCPU start (common/vcpu.c), from the virtual LAPIC: INIT puts
 * @v in wait-for-STARTUP (down, register state dropped; the last vCPU of
 * the domain down is poweroff); STARTUP starts a waiting vCPU in real
 * mode at @vector << 12 and is ignored otherwise.
 */
void vcpu_init_ipi(struct vcpu *v);
void vcpu_startup_ipi(struct vcpu *v, uint8_t vector);
/* Make the CPU running @v take an exit and look at its run list. */
void sched_kick_vcpu(struct vcpu *v);
/* Every CPU's idle loop: run the vCPUs on this CPU's list, halt when none can run. */
void __noreturn sched_idle_loop(void);

#endif
