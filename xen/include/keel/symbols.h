/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SYMBOLS_H
#define KEEL_SYMBOLS_H

/*
 * Name of the function containing @addr, with the offset into it and its
 * size, or NULL if @addr is not in the hypervisor's text.  The table is
 * generated from the linked image and embedded by a second link.
 */
const char *symbols_lookup(unsigned long addr, unsigned long *offset,
                           unsigned long *size);

#endif
