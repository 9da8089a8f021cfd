/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_GUEST_CONSOLE_H
#define KEEL_GUEST_CONSOLE_H

/*
 * Guest consoles: what a guest writes (console_io, or its PV console
 * ring) reaches the hypervisor log as whole lines "(dN) text", and serial
 * input reaches the PV console ring of the domain that has the input
 * focus.
 *
 *   guest_console.c    line assembly (shared by both output paths) and
 *                      the console_io hypercall;
 *   console_ring.c     the ring arithmetic and the CTRL-<char> switch
 *                      detector, pure (unit-tested on the host);
 *   console_backend.c  the ring page and port of each domain, draining,
 *                      serial input and the input focus.
 */
#include <keel/types.h>

struct domain;
struct xencons_interface;

/* One output line being assembled (per domain and per output path). */
#define GUEST_LINE_MAX  160
struct guest_line {
    char buf[GUEST_LINE_MAX];
    unsigned int len;
    unsigned int shown;             /* bytes of buf already shown (guest_line_show()) */
    unsigned long shown_gen;        /* the console's partial line they are on */
};

#ifndef KEEL_HOST_TEST
/*
 * Add @n bytes of @d's output to line @l: each complete line (and any
 * line reaching GUEST_LINE_MAX - 1 characters) is logged as "(dN) text";
 * CR is dropped, tab, backspace and ESC kept, other control bytes shown
 * as '?'.  Takes d->lock.
 */
void guest_line_write(struct domain *d, struct guest_line *l, const char *s, size_t n);
/* Log what is left of a partial line (the domain is going away). */
void guest_line_flush(struct domain *d, struct guest_line *l);
/*
 * Show the partial line now, before its newline (a prompt someone is
 * waiting at); the line still reaches the log whole: its rest continues
 * it, or, if other output came between, it is logged again in full.
 */
void guest_line_show(struct domain *d, struct guest_line *l);
#endif

/* ---- ring arithmetic (console_ring.c) ------------------------------------ */

/*
 * Take what the guest wrote to out[]: up to XENCONS_OUT_SIZE bytes into
 * @buf, out_cons advanced past them; returns how many.  Every index is
 * read once, so a guest changing them meanwhile cannot make this read
 * outside the ring.  Indices that cannot be right (out_prod - out_cons
 * above the ring size) return -EINVAL, with out_cons set to the out_prod
 * read, so the ring is empty and consistent again and nothing loops.
 */
int cons_ring_take_output(struct xencons_interface *r, char *buf);
/*
 * Put up to @n bytes of input into in[] and advance in_prod; returns how
 * many fitted (the rest is dropped by the caller), or -EINVAL for
 * impossible indices, with in_prod reset to in_cons (nothing delivered).
 */
int cons_ring_put_input(struct xencons_interface *r, const char *s, size_t n);

/*
 * The input switch: CTRL-<char> typed three times in a row moves the
 * input focus, as in Xen.  Fewer than three are not lost: they go to the
 * focus ahead of the next other byte.
 */
struct cons_switch {
    char code;                      /* the control character (CTRL-a: 0x01) */
    unsigned int seen;              /* consecutive codes seen so far */
};
/*
 * Feed one input byte.  Returns the number of bytes to deliver to the
 * focus, written to @out (at most 3); *@do_switch tells whether this byte
 * completed the switch sequence.
 */
unsigned int cons_switch_feed(struct cons_switch *s, char c, char out[3], bool *do_switch);

/* ---- the backend (console_backend.c) ------------------------------------- */

#ifndef KEEL_HOST_TEST
/*
 * Give @d a console: a ring page of the hypervisor's at PVH_CONSOLE_GFN
 * of its p2m and an unbound port whose sends the hypervisor answers,
 * published in HVM_PARAM_CONSOLE_PFN / _EVTCHN.  0 or -errno (nothing
 * left behind on failure: console_domain_destroy() is not needed).
 */
int console_domain_init(struct domain *d);
/* Drain what is left, drop the ring from the input cycle, free the page. */
void console_domain_destroy(struct domain *d);
#endif

#endif
