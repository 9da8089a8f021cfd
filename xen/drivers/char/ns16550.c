/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Polled 16550 UART: the hypervisor's serial console.  Received bytes are
 * polled too (ns16550_getc(), from the console backend's timer): no UART
 * interrupt is routed.
 */
#include <keel/lib.h>
#include <keel/serial.h>
#include <asm/io.h>
#include <asm/processor.h>

#define UART_RBR    0   /* receive buffer (read) */
#define UART_THR    0   /* transmit holding (write) */
#define UART_IER    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define UART_DLL    0
#define UART_DLM    1

#define LCR_DLAB    0x80
#define LSR_DR      0x01
#define LSR_THRE    0x20

static uint16_t uart_base;

void ns16550_init(const struct serial_config *c)
{
    uint8_t lcr;

    uart_base = c->io_base;
    lcr = (c->data_bits - 5) | ((c->stop_bits - 1) << 2);
    switch ( c->parity )
    {
    case 'o': lcr |= 0x08; break;
    case 'e': lcr |= 0x18; break;
    case 'm': lcr |= 0x28; break;
    case 's': lcr |= 0x38; break;
    default: break;
    }

    outb(0, uart_base + UART_IER);          /* polled: no UART interrupts */
    if ( c->baud )
    {
        uint32_t div = c->clock_hz / (16 * c->baud);

        if ( div == 0 )
            div = 1;
        outb(lcr | LCR_DLAB, uart_base + UART_LCR);
        outb(div & 0xff, uart_base + UART_DLL);
        outb(div >> 8, uart_base + UART_DLM);
    }
    outb(lcr, uart_base + UART_LCR);
    outb(0x07, uart_base + UART_FCR);       /* enable and clear FIFOs */
    outb(0x03, uart_base + UART_MCR);       /* DTR, RTS */
}

void ns16550_putc(char ch)
{
    unsigned int spins = 0;

    if ( !uart_base )
        return;
    /* Bounded wait: a dead UART must not hang the hypervisor. */
    while ( !(inb(uart_base + UART_LSR) & LSR_THRE) && ++spins < 1000000 )
        cpu_relax();
    outb(ch, uart_base + UART_THR);
}

int ns16550_getc(void)
{
    uint8_t lsr;

    if ( !uart_base )
        return -1;
    lsr = inb(uart_base + UART_LSR);
    /* All ones: no UART at this port (an empty bus), not a byte waiting forever. */
    if ( lsr == 0xff || !(lsr & LSR_DR) )
        return -1;
    return inb(uart_base + UART_RBR);
}
