/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The image is linked at KEEL_VIRT_BASE + phys and loaded at phys
 * KEEL_LOAD_ADDR.  Text, read-only data and writable data each start on a
 * page so the page tables can give them RX, R and RW+NX (W^X).
 */
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start)

PHDRS
{
    text PT_LOAD FLAGS(5);
    rodata PT_LOAD FLAGS(4);
    data PT_LOAD FLAGS(6);
    note PT_NOTE FLAGS(4);
}

SECTIONS
{
    . = KEEL_VIRT_BASE + KEEL_LOAD_ADDR;
    __image_start = .;
    start_phys = start - KEEL_VIRT_BASE;

    .text : AT(ADDR(.text) - KEEL_VIRT_BASE) {
        __text_start = .;
        *(.text.header)
        *(.text .text.*)
        __text_end = .;
    } :text

    . = ALIGN(4096);
    .rodata : AT(ADDR(.rodata) - KEEL_VIRT_BASE) {
        __rodata_start = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __setup_start = .;
        *(.data.setup)
        __setup_end = .;
        . = ALIGN(8);
        __initcall_start = .;
        *(.initcall)
        __initcall_end = .;
        . = ALIGN(8);
        *(.rodata.symbols)
        __rodata_end = .;
    } :rodata

    .note : AT(ADDR(.note) - KEEL_VIRT_BASE) {
        *(.note .note.*)
    } :rodata :note

    . = ALIGN(4096);
    .data : AT(ADDR(.data) - KEEL_VIRT_BASE) {
        __data_start = .;
        *(.data.page_aligned)
        *(.data .data.*)
    } :data

    . = ALIGN(4096);
    .bss : AT(ADDR(.bss) - KEEL_VIRT_BASE) {
        __bss_start = .;
        *(.bss.page_aligned)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4096);
        __bss_end = .;
    } :data
    __image_end = .;

    /DISCARD/ : {
        *(.comment)
        *(.eh_frame)
        *(.note.GNU-stack)
        *(.note.gnu.property)
    }
}
