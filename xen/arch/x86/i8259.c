/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two cascaded 8259A PICs.  Keel routes nothing through them, but
 * after the BIOS they deliver on vectors 0x08-0x0f, which collide with
 * exceptions.  Re-initialise both to 0x20-0x2f and mask every line, so a
 * stray legacy interrupt is at worst an unexpected vector.
 */
#include <keel/lib.h>
#include <asm/io.h>
#include <asm/setup.h>
#include <asm/traps.h>

#define PIC_MASTER_CMD      0x20
#define PIC_MASTER_DATA     0x21
#define PIC_SLAVE_CMD       0xa0
#define PIC_SLAVE_DATA      0xa1

#define ICW1_INIT           0x10
#define ICW1_NEED_ICW4      0x01
#define ICW4_8086           0x01

/* Port 0x80 is the traditional I/O delay for old, slow PICs. */
static void pic_out(uint8_t v, uint16_t port)
{
    outb(v, port);
    outb(0, 0x80);
}

void i8259_disable(void)
{
    /* Mask first, so nothing is delivered mid-initialisation. */
    pic_out(0xff, PIC_MASTER_DATA);
    pic_out(0xff, PIC_SLAVE_DATA);

    /* ICW1: edge triggered, cascaded, ICW4 follows. */
    pic_out(ICW1_INIT | ICW1_NEED_ICW4, PIC_MASTER_CMD);
    pic_out(ICW1_INIT | ICW1_NEED_ICW4, PIC_SLAVE_CMD);
    /* ICW2: vector bases. */
    pic_out(FIRST_LEGACY_VECTOR, PIC_MASTER_DATA);
    pic_out(FIRST_LEGACY_VECTOR + 8, PIC_SLAVE_DATA);
    /* ICW3: the slave hangs off master line 2. */
    pic_out(1U << 2, PIC_MASTER_DATA);
    pic_out(2, PIC_SLAVE_DATA);
    /* ICW4: 8086 mode, normal EOI. */
    pic_out(ICW4_8086, PIC_MASTER_DATA);
    pic_out(ICW4_8086, PIC_SLAVE_DATA);

    /* OCW1: every line masked. */
    pic_out(0xff, PIC_MASTER_DATA);
    pic_out(0xff, PIC_SLAVE_DATA);

    printk("8259A: remapped to vectors %#x-%#x, all lines masked\n",
           FIRST_LEGACY_VECTOR, FIRST_LEGACY_VECTOR + 15);
}
