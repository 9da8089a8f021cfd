/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small vsnprintf: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '#' ' ',
 * field width (also '*'), precision for strings, and the h/hh/l/ll/z
 * length modifiers.  Enough for test messages.
 */
#include "guest.h"

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;

    if ( !left && pad == '0' && n && (*s == '-' || *s == '+' || *s == ' ') )
    {
        put(o, *s++);               /* the sign goes before zero padding */
        n--;
    }
    if ( !left && pad == '0' && n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') )
    {
        put(o, *s++);
        put(o, *s++);
        n -= 2;
    }
    if ( !left )
        while ( fill-- > 0 )
            put(o, pad);
    while ( n-- )
        put(o, *s++);
    if ( left )
        while ( fill-- > 0 )
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for ( ; *fmt; fmt++ )
    {
        bool left = false, alt = false, space = false;
        char pad = ' ', tmp[32], *p;
        int width = 0, prec = -1, lng = 0;
        unsigned long long v;
        unsigned int base;
        bool neg = false, upper = false;
        const char *s;

        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }
        for ( ;; )
        {
            fmt++;
            if ( *fmt == '-' )
                left = true;
            else if ( *fmt == '0' )
                pad = '0';
            else if ( *fmt == '#' )
                alt = true;
            else if ( *fmt == ' ' )
                space = true;
            else
                break;
        }
        if ( *fmt == '*' )
        {
            width = va_arg(ap, int);
            fmt++;
        }
        while ( *fmt >= '0' && *fmt <= '9' )
            width = width * 10 + (*fmt++ - '0');
        if ( *fmt == '.' )
        {
            prec = 0;
            fmt++;
            if ( *fmt == '*' )
            {
                prec = va_arg(ap, int);
                fmt++;
            }
            while ( *fmt >= '0' && *fmt <= '9' )
                prec = prec * 10 + (*fmt++ - '0');
        }
        for ( ;; fmt++ )
        {
            if ( *fmt == 'l' )
                lng++;
            else if ( *fmt == 'z' )
                lng = 1;
            else if ( *fmt == 'h' )
                lng = lng > 0 ? lng : lng - 1;
            else
                break;
        }

        switch ( *fmt )
        {
        case '\0':
            fmt--;
            continue;
        case '%':
            put(&o, '%');
            continue;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            put_padded(&o, tmp, 1, width, left, ' ');
            continue;
        case 's':
            s = va_arg(ap, const char *);
            if ( !s )
                s = "(null)";
            put_padded(&o, s, prec >= 0 ? strnlen(s, prec) : strlen(s), width, left, ' ');
            continue;
        case 'p':
            v = (uintptr_t)va_arg(ap, void *);
            alt = true;
            base = 16;
            goto number;
        case 'd':
        case 'i':
            {
                long long sv = lng >= 2 ? va_arg(ap, long long)
                             : lng == 1 ? va_arg(ap, long)
                             : va_arg(ap, int);

                if ( lng == -1 )
                    sv = (short)sv;
                else if ( lng <= -2 )
                    sv = (signed char)sv;
                neg = sv < 0;
                v = neg ? -(unsigned long long)sv : (unsigned long long)sv;
                base = 10;
                alt = false;
                goto number;
            }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            v = lng >= 2 ? va_arg(ap, unsigned long long)
              : lng == 1 ? va_arg(ap, unsigned long)
              : va_arg(ap, unsigned int);
            if ( lng == -1 )
                v = (unsigned short)v;
            else if ( lng <= -2 )
                v = (unsigned char)v;
            base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            upper = *fmt == 'X';
            if ( *fmt == 'u' )
                alt = false;
        number:
            p = tmp + sizeof(tmp);
            do {
                unsigned int d = v % base;

                *--p = d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10;
                v /= base;
            } while ( v );
            if ( alt && base == 16 )
            {
                *--p = upper ? 'X' : 'x';
                *--p = '0';
            }
            else if ( alt && base == 8 && *p != '0' )
                *--p = '0';
            if ( neg )
                *--p = '-';
            else if ( space && base == 10 )
                *--p = ' ';
            put_padded(&o, p, tmp + sizeof(tmp) - p, width, left, left ? ' ' : pad);
            continue;
        default:
            put(&o, '%');
            put(&o, *fmt);
            continue;
        }
    }
    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
