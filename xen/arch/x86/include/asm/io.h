/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <keel/types.h>

static inline void outb(uint8_t v, uint16_t port)
{
    __asm__ volatile ("outb %0, %1" :: "a" (v), "Nd" (port));
}
static inline void outw(uint16_t v, uint16_t port)
{
    __asm__ volatile ("outw %0, %1" :: "a" (v), "Nd" (port));
}
static inline void outl(uint32_t v, uint16_t port)
{
    __asm__ volatile ("outl %0, %1" :: "a" (v), "Nd" (port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile ("inb %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile ("inw %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile ("inl %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}

static inline uint32_t readl(const volatile void *a)
{
    return *(const volatile uint32_t *)a;
}
static inline void writel(uint32_t v, volatile void *a)
{
    *(volatile uint32_t *)a = v;
}
static inline uint64_t readq(const volatile void *a)
{
    return *(const volatile uint64_t *)a;
}
static inline void writeq(uint64_t v, volatile void *a)
{
    *(volatile uint64_t *)a = v;
}

#endif
