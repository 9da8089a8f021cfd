/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_HVM_IO_H
#define ASM_HVM_IO_H

/*
 * Emulated devices of a domain: MMIO ranges (hvm/mmio.c) and I/O port
 * ranges (hvm/portio.c) claimed by handlers.  Accesses nobody claims
 * behave as on a machine with nothing there: reads give all-ones, writes
 * are dropped.  Handlers are registered while the domain is built or by
 * device models at vCPU creation; the tables are fixed-size (quotas
 * below, not guest-controlled) and only ever grow, so exit handlers read
 * them without a lock.
 */
#include <keel/types.h>

struct vcpu;
struct domain;

/* Handlers return 0, or a negative errno that ends the domain (reason crash). */
typedef int (*hvm_mmio_read_t)(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val);
typedef int (*hvm_mmio_write_t)(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val);
typedef int (*hvm_portio_read_t)(struct vcpu *v, uint16_t port, unsigned int size,
                                 uint32_t *val);
typedef int (*hvm_portio_write_t)(struct vcpu *v, uint16_t port, unsigned int size,
                                  uint32_t val);

#define HVM_MAX_MMIO_HANDLERS   16      /* per domain */
#define HVM_MAX_PORTIO_HANDLERS 16      /* per domain */

struct hvm_mmio_handler {
    uint64_t start, len;
    hvm_mmio_read_t read;
    hvm_mmio_write_t write;
};

struct hvm_portio_handler {
    uint32_t start, len;
    hvm_portio_read_t read;
    hvm_portio_write_t write;
};

struct hvm_io_handlers {
    unsigned int nr_mmio;               /* published with release order */
    struct hvm_mmio_handler mmio[HVM_MAX_MMIO_HANDLERS];
    unsigned int nr_portio;
    struct hvm_portio_handler portio[HVM_MAX_PORTIO_HANDLERS];
};

/*
 * Claim [start, start + len) for @d.  0; -EINVAL (empty, wrapping, or a
 * NULL handler), -EEXIST (overlaps a claimed range), -ENOSPC (quota).
 * Accesses are 1, 2, 4 or 8 bytes (ports: 1, 2, 4) at the guest's
 * address; an access that starts inside the range goes to the handler.
 */
int hvm_register_mmio(struct domain *d, uint64_t start, uint64_t len,
                      hvm_mmio_read_t read, hvm_mmio_write_t write);
int hvm_register_portio(struct domain *d, uint16_t start, unsigned int len,
                        hvm_portio_read_t read, hvm_portio_write_t write);

/*
 * One access of @size bytes by @v.  Reads fill *val (all-ones when
 * unclaimed); writes of unclaimed addresses are dropped.  0, or the
 * claiming handler's error.
 */
int hvm_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val);
int hvm_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val);
int hvm_portio_read(struct vcpu *v, uint16_t port, unsigned int size, uint32_t *val);
int hvm_portio_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val);

/*
 * A nested page fault / EPT violation at @gpa, which no p2m entry backs:
 * fetch and decode the instruction at CS:RIP, perform its access through
 * the MMIO handlers, write back registers and flags, step RIP.  An
 * instruction that cannot be fetched, decoded or emulated ends the domain
 * (reason crash, "cannot emulate instruction <bytes> at <rip>").  Called
 * by the vendor exit handlers (hvm/emulate.c).
 */
void hvm_emulate_mmio(struct vcpu *v, uint64_t gpa);

#endif
