/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding string and memory routines.  The compiler may emit calls
 * to memset/memcpy/memmove/memcmp on its own, so these must exist even
 * if no C code names them.  Host tests use the C library instead.
 */
#include <keel/lib.h>

void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;

    while ( n-- )
        *p++ = (unsigned char)c;
    return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    while ( n-- )
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    if ( dp == sp || n == 0 )
        return d;
    if ( dp < sp )
    {
        while ( n-- )
            *dp++ = *sp++;
    }
    else
    {
        /* Copy backwards so an overlapping tail is read before written. */
        dp += n;
        sp += n;
        while ( n-- )
            *--dp = *--sp;
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *pa = a, *pb = b;

    for ( ; n; n--, pa++, pb++ )
        if ( *pa != *pb )
            return *pa < *pb ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while ( *p )
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t n)
{
    size_t i = 0;

    while ( i < n && s[i] )
        i++;
    return i;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *pa = (const unsigned char *)a;
    const unsigned char *pb = (const unsigned char *)b;

    while ( *pa && *pa == *pb )
    {
        pa++;
        pb++;
    }
    return (*pa > *pb) - (*pa < *pb);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *pa = (const unsigned char *)a;
    const unsigned char *pb = (const unsigned char *)b;

    for ( ; n; n--, pa++, pb++ )
    {
        if ( *pa != *pb )
            return *pa < *pb ? -1 : 1;
        if ( !*pa )
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for ( ; ; s++ )
    {
        if ( *s == (char)c )
            return (char *)s;
        if ( !*s )
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for ( ; ; s++ )
    {
        if ( *s == (char)c )
            last = s;
        if ( !*s )
            return (char *)last;
    }
}

/* Copy with truncation; returns strlen(s) so callers can detect it. */
size_t strlcpy(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);

    if ( n )
    {
        size_t copy = len < n - 1 ? len : n - 1;

        memcpy(d, s, copy);
        d[copy] = '\0';
    }
    return len;
}

char *strstr(const char *h, const char *n)
{
    size_t nl = strlen(n);

    if ( !nl )
        return (char *)h;
    for ( ; *h; h++ )
        if ( *h == *n && !strncmp(h, n, nl) )
            return (char *)h;
    return NULL;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for ( ; n; n--, p++ )
        if ( *p == (unsigned char)c )
            return (void *)p;
    return NULL;
}

static int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 36;
}

/*
 * C library strtoul(), for libfdt: leading space, an optional sign, a
 * "0x" prefix for base 16 or 0, a leading 0 meaning octal for base 0.
 * Saturates at ULONG_MAX on overflow (there is no errno to set).
 */
unsigned long strtoul(const char *s, char **end, int base)
{
    const char *p = s, *digits;
    unsigned long v = 0;
    bool neg = false, overflow = false;
    int d;

    while ( *p == ' ' || (*p >= '\t' && *p <= '\r') )
        p++;
    if ( *p == '+' || *p == '-' )
        neg = *p++ == '-';
    if ( (base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
         digit_value(p[2]) < 16 )
    {
        p += 2;
        base = 16;
    }
    else if ( base == 0 )
        base = p[0] == '0' ? 8 : 10;
    if ( base < 2 || base > 36 )
    {
        if ( end )
            *end = (char *)s;
        return 0;
    }

    digits = p;
    while ( (d = digit_value(*p)) < base )
    {
        if ( v > (~0UL - (unsigned long)d) / (unsigned long)base )
            overflow = true;
        v = v * (unsigned long)base + (unsigned long)d;
        p++;
    }
    if ( end )
        *end = (char *)(p == digits ? s : p);
    if ( overflow )
        return ~0UL;
    return neg ? -v : v;
}
