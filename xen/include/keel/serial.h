/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SERIAL_H
#define KEEL_SERIAL_H

#include <keel/types.h>

/*
 * A 16550 port as configured by Xen's com1=/com2= syntax:
 *   comN=<baud>[/<clock-hz>][,<data><parity><stop>[,<io-base>[,<irq>]]]
 * where <baud> may be "auto" (keep what the firmware or loader set).
 */
struct serial_config {
    uint32_t baud;          /* 0: auto */
    uint32_t clock_hz;      /* UART input clock, default 1843200 */
    uint8_t data_bits;      /* 5..8 */
    char parity;            /* 'n', 'o', 'e', 'm', 's' */
    uint8_t stop_bits;      /* 1 or 2 */
    uint16_t io_base;
    uint8_t irq;            /* 0: none (polled) */
};

void serial_config_default(struct serial_config *c, unsigned int index);
int serial_parse_config(const char *s, struct serial_config *c);

void ns16550_init(const struct serial_config *c);
void ns16550_putc(char ch);
int ns16550_getc(void);     /* -1 if nothing waiting */

#endif
