/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding string helpers (gcc may also emit calls to mem*). */
#include "guest.h"

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;

    while ( n-- )
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;

    while ( n-- )
        *dp++ = *sp++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;

    for ( ; n; n--, x++, y++ )
        if ( *x != *y )
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while ( s[n] )
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while ( n < max && s[n] )
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while ( *a && *a == *b )
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for ( ; n; n--, a++, b++ )
    {
        if ( *a != *b )
            return (uint8_t)*a - (uint8_t)*b;
        if ( !*a )
            return 0;
    }
    return 0;
}

char *strstr(const char *h, const char *n)
{
    size_t len = strlen(n);

    for ( ; *h; h++ )
        if ( !strncmp(h, n, len) )
            return (char *)h;
    return len ? NULL : (char *)h;
}

unsigned long long strtoull(const char *s, const char **end, int base)
{
    unsigned long long v = 0;

    if ( (base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') )
    {
        s += 2;
        base = 16;
    }
    else if ( base == 0 )
        base = 10;
    for ( ;; s++ )
    {
        int d;

        if ( *s >= '0' && *s <= '9' )
            d = *s - '0';
        else if ( *s >= 'a' && *s <= 'z' )
            d = *s - 'a' + 10;
        else if ( *s >= 'A' && *s <= 'Z' )
            d = *s - 'A' + 10;
        else
            break;
        if ( d >= base )
            break;
        v = v * base + d;
    }
    if ( end )
        *end = s;
    return v;
}
