/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_BOOTDOMAIN_H
#define KEEL_BOOTDOMAIN_H

#include <keel/types.h>

/* One domain from the boot device tree (docs/boot-domains.md). */
struct boot_domain {
    char name[32];              /* node name, e.g. "domain@1" */
    unsigned int domid;         /* as given, or if not given the lowest id from 1
                                   no other boot domain uses; never 0 on output */
    uint64_t mem_kb;
    unsigned int vcpus;
    unsigned int kernel_index, ramdisk_index;   /* multiboot module numbers; ramdisk 0 = none */
    unsigned int weight;        /* scheduler weight 1-65535; 0 = not given (default 256) */
    unsigned int cap;           /* percent of one pCPU, 0 = no cap */
    uint64_t cpu_affinity;      /* hard affinity, bit n = pCPU n; 0 = not given (all) */
    char cmdline[1024];
};

/* A vCPU count above this is reported as absurd. */
#define BOOT_DOMAIN_MAX_WEIGHT  65535
#define BOOT_DOMAIN_MAX_AFFINITY_CPU 63     /* cpu-affinity names pCPUs 0-63 */
#define BOOT_DOMAIN_MAX_VCPUS   128

/*
 * Parse a flattened device tree of @fdt_len bytes.  Returns the number of
 * good domains written to @out (<= max), reporting each bad node with
 * printk.  A malformed tree is reported and yields 0.
 */
int bootdomains_parse(const void *fdt, size_t fdt_len, unsigned int nr_modules,
                      struct boot_domain *out, unsigned int max);

/* True if @p starts with the FDT magic (0xd00dfeed, big-endian). */
bool bootdomains_is_fdt(const void *p, size_t len);

/*
 * The environment libfdt.a needs (arch/x86/libfdt_env.c): stack-protector
 * canary at %fs:0x28 and SSE enabled.  Call on every CPU as it comes up,
 * before it could parse a device tree.
 */
void libfdt_env_cpu_init(void);

struct boot_info;
/*
 * Boot path: if multiboot module 0 is a device tree, parse it into @out
 * and print one line per good domain; *nr is the count (0 otherwise).
 */
void bootdomains_from_modules(const struct boot_info *bi, struct boot_domain *out,
                              unsigned int max, unsigned int *nr);

#endif
