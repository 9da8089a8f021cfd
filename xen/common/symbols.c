/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Symbol lookup for stack traces.  The table (sorted addresses and the
 * offset of each name in one string blob) is generated after a first link
 * and placed in .rodata.symbols by the second; the first link sees the
 * weak empty table below.
 */
#include <keel/lib.h>
#include <keel/symbols.h>

extern const unsigned long symbols_addrs[] __attribute__((weak));
extern const unsigned int symbols_name_offs[] __attribute__((weak));
extern const char symbols_names[] __attribute__((weak));
extern const unsigned int symbols_count __attribute__((weak));
extern char __text_start[], __text_end[];

const char *symbols_lookup(unsigned long addr, unsigned long *offset,
                           unsigned long *size)
{
    unsigned int lo = 0, hi, mid;

    if ( !&symbols_count || !symbols_count ||
         addr < (unsigned long)__text_start || addr >= (unsigned long)__text_end )
        return NULL;
    hi = symbols_count;
    /* Find the last symbol at or below addr. */
    while ( hi - lo > 1 )
    {
        mid = lo + (hi - lo) / 2;
        if ( symbols_addrs[mid] <= addr )
            lo = mid;
        else
            hi = mid;
    }
    if ( symbols_addrs[lo] > addr )
        return NULL;
    *offset = addr - symbols_addrs[lo];
    *size = (lo + 1 < symbols_count ? symbols_addrs[lo + 1]
                                    : (unsigned long)__text_end) - symbols_addrs[lo];
    return &symbols_names[symbols_name_offs[lo]];
}
