/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console ring page: one page shared by a guest (the frontend,
 * Linux's hvc_xen) and its console backend.  Two byte rings, each with
 * free-running 32-bit indices that are reduced modulo the ring size on
 * use, so "prod - cons" is the number of bytes waiting even after the
 * indices wrap:
 *
 *   in[]   backend -> guest: the backend writes and advances in_prod,
 *          the guest reads and advances in_cons;
 *   out[]  guest -> backend: the guest writes and advances out_prod,
 *          the backend reads and advances out_cons.
 *
 * Either side tells the other with an event on the console's channel
 * (HVM_PARAM_CONSOLE_EVTCHN); the page is at HVM_PARAM_CONSOLE_PFN.
 */
#ifndef KEEL_PUBLIC_IO_CONSOLE_H
#define KEEL_PUBLIC_IO_CONSOLE_H

#include "../xen.h"

typedef uint32_t XENCONS_RING_IDX;

#define XENCONS_IN_SIZE     1024
#define XENCONS_OUT_SIZE    2048

/* Index into a ring of @size bytes (a power of two). */
#define XENCONS_MASK(idx, size) ((idx) & ((size) - 1))

struct xencons_interface {
    char in[XENCONS_IN_SIZE];
    char out[XENCONS_OUT_SIZE];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
    /* Newer interface versions add a connection byte here; Linux 6.1 ignores it. */
};

XEN_PUBLIC_ASSERT(offsetof(struct xencons_interface, out) == 1024, xencons_out);
XEN_PUBLIC_ASSERT(offsetof(struct xencons_interface, in_cons) == 3072, xencons_in_cons);
XEN_PUBLIC_ASSERT(offsetof(struct xencons_interface, in_prod) == 3076, xencons_in_prod);
XEN_PUBLIC_ASSERT(offsetof(struct xencons_interface, out_cons) == 3080, xencons_out_cons);
XEN_PUBLIC_ASSERT(offsetof(struct xencons_interface, out_prod) == 3084, xencons_out_prod);
XEN_PUBLIC_ASSERT(sizeof(struct xencons_interface) == 3088, xencons_size);

#endif
