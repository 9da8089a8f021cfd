/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small printf-style formatter for the hypervisor: no floating point,
 * no %n, C99 return value semantics.  Also the number parsers shared by
 * the command line code.
 */
#include <keel/lib.h>
#include <keel/symbols.h>

#define F_LEFT      0x01    /* '-' */
#define F_ZERO      0x02    /* '0' */
#define F_PLUS      0x04    /* '+' */
#define F_SPACE     0x08    /* ' ' */
#define F_ALT       0x10    /* '#' */
#define F_UPPER     0x20    /* %X */
#define F_SIGNED    0x40    /* %d / %i */

/*
 * Output sink.  @pos counts every character the format produces, stored
 * or not, which gives snprintf its "would-be length" result.
 */
struct sink {
    char *buf;
    size_t size;
    size_t pos;
};

static void put(struct sink *s, char c)
{
    if ( s->size && s->pos < s->size - 1 )
        s->buf[s->pos] = c;
    s->pos++;
}

static void put_repeat(struct sink *s, char c, int n)
{
    while ( n-- > 0 )
        put(s, c);
}

static void put_str(struct sink *s, const char *str, int width, int prec,
                    unsigned int flags)
{
    int len = 0;

    if ( !str )
        str = "(null)";
    /* With a precision, never read past it: the string need not end. */
    while ( (prec < 0 || len < prec) && str[len] )
        len++;
    if ( !(flags & F_LEFT) )
        put_repeat(s, ' ', width - len);
    for ( int i = 0; i < len; i++ )
        put(s, str[i]);
    if ( flags & F_LEFT )
        put_repeat(s, ' ', width - len);
}

static void put_number(struct sink *s, unsigned long long val, bool negative,
                       unsigned int base, int width, int prec,
                       unsigned int flags)
{
    const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF"
                                           : "0123456789abcdef";
    char tmp[24];               /* 22 octal digits cover 64 bits */
    const char *prefix = "";
    char sign = 0;
    int nd = 0, plen, zeros, pad;

    while ( val )
    {
        tmp[nd++] = digits[val % base];
        val /= base;
    }

    if ( negative )
        sign = '-';
    else if ( flags & F_SIGNED )
        sign = (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;

    /* An explicit precision gives the minimum digit count; 0 prints "" for 0. */
    if ( prec < 0 )
        zeros = nd ? 0 : 1;
    else
        zeros = prec > nd ? prec - nd : 0;

    /* '#': octal gets a leading zero (if it has none), hex a 0x for non-zero. */
    if ( (flags & F_ALT) && base == 8 && !zeros )
        zeros = 1;
    if ( (flags & F_ALT) && base == 16 && nd )
        prefix = (flags & F_UPPER) ? "0X" : "0x";

    plen = (int)strlen(prefix) + (sign ? 1 : 0);
    pad = width - (nd + zeros + plen);

    /* '0' pads with zeros after the sign, unless a precision was given. */
    if ( (flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 )
    {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }

    if ( !(flags & F_LEFT) )
        put_repeat(s, ' ', pad);
    if ( sign )
        put(s, sign);
    while ( *prefix )
        put(s, *prefix++);
    put_repeat(s, '0', zeros);
    while ( nd )
        put(s, tmp[--nd]);
    if ( flags & F_LEFT )
        put_repeat(s, ' ', pad);
}

/* Default %p: the full address in hex, zero-padded, as Xen prints it. */
static void put_pointer(struct sink *s, unsigned long addr, int width,
                        int prec, unsigned int flags)
{
    if ( width < 0 )
    {
        width = 2 * (int)sizeof(void *);
        flags |= F_ZERO;
    }
    put_number(s, addr, false, 16, width, prec, flags & ~F_SIGNED);
}

/*
 * %pS: "name+0x1a/0x40" always; %ps: the same, but just "name" when
 * the address is the start of the symbol.
 */
static void put_symbol(struct sink *s, unsigned long addr, bool always_off,
                       int width, int prec, unsigned int flags)
{
    unsigned long off = 0, size = 0;
    const char *name = symbols_lookup(addr, &off, &size);

    if ( !name )
    {
        put_pointer(s, addr, width, prec, flags);
        return;
    }
    put_str(s, name, 0, -1, 0);
    if ( always_off || off )
    {
        put(s, '+');
        put_number(s, off, false, 16, 0, -1, F_ALT);
        put(s, '/');
        put_number(s, size, false, 16, 0, -1, F_ALT);
    }
}

enum length { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

static unsigned long long get_unsigned(va_list *ap, enum length len)
{
    switch ( len )
    {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:  return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z:  return va_arg(*ap, size_t);
    case LEN_T:  return (unsigned long long)va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, uintmax_t);
    default:     return va_arg(*ap, unsigned int);
    }
}

static long long get_signed(va_list *ap, enum length len)
{
    switch ( len )
    {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H:  return (short)va_arg(*ap, int);
    case LEN_L:  return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    /* The signed counterpart of size_t has the same width as ptrdiff_t. */
    case LEN_Z:  return va_arg(*ap, ptrdiff_t);
    case LEN_T:  return va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, intmax_t);
    default:     return va_arg(*ap, int);
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int format(struct sink *s, const char *fmt, va_list ap_in)
{
    va_list ap;

    /* A local copy so the helpers can take its address portably. */
    va_copy(ap, ap_in);

    while ( *fmt )
    {
        unsigned int flags = 0, base = 10;
        int width = -1, prec = -1;
        enum length len = LEN_INT;
        const char *start = fmt;

        if ( *fmt != '%' )
        {
            put(s, *fmt++);
            continue;
        }
        fmt++;

        for ( ; ; fmt++ )
        {
            if ( *fmt == '-' )
                flags |= F_LEFT;
            else if ( *fmt == '0' )
                flags |= F_ZERO;
            else if ( *fmt == '+' )
                flags |= F_PLUS;
            else if ( *fmt == ' ' )
                flags |= F_SPACE;
            else if ( *fmt == '#' )
                flags |= F_ALT;
            else
                break;
        }

        if ( *fmt == '*' )
        {
            width = va_arg(ap, int);
            if ( width < 0 )
            {
                /* A negative '*' width means left-justify (C99). */
                flags |= F_LEFT;
                width = width == -__INT_MAX__ - 1 ? __INT_MAX__ : -width;
            }
            fmt++;
        }
        else if ( is_digit(*fmt) )
        {
            width = 0;
            while ( is_digit(*fmt) )
            {
                if ( width < 100000 )
                    width = width * 10 + (*fmt - '0');
                fmt++;
            }
        }

        if ( *fmt == '.' )
        {
            fmt++;
            prec = 0;
            if ( *fmt == '*' )
            {
                prec = va_arg(ap, int);
                if ( prec < 0 )
                    prec = -1;      /* as if omitted */
                fmt++;
            }
            else
            {
                while ( is_digit(*fmt) )
                {
                    if ( prec < 100000 )
                        prec = prec * 10 + (*fmt - '0');
                    fmt++;
                }
            }
        }

        switch ( *fmt )
        {
        case 'h':
            len = LEN_H;
            if ( *++fmt == 'h' )
            {
                len = LEN_HH;
                fmt++;
            }
            break;
        case 'l':
            len = LEN_L;
            if ( *++fmt == 'l' )
            {
                len = LEN_LL;
                fmt++;
            }
            break;
        case 'z': len = LEN_Z; fmt++; break;
        case 't': len = LEN_T; fmt++; break;
        case 'j': len = LEN_J; fmt++; break;
        default: break;
        }

        switch ( *fmt )
        {
        case 'd':
        case 'i':
        {
            long long v = get_signed(&ap, len);
            /* Negate in unsigned arithmetic so LLONG_MIN is well defined. */
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
                                           : (unsigned long long)v;

            put_number(s, mag, v < 0, 10, width, prec, flags | F_SIGNED);
            fmt++;
            continue;
        }
        case 'u':
            base = 10;
            break;
        case 'x':
            base = 16;
            break;
        case 'X':
            base = 16;
            flags |= F_UPPER;
            break;
        case 'o':
            base = 8;
            break;
        case 'c':
        {
            char c = (char)va_arg(ap, int);

            if ( !(flags & F_LEFT) )
                put_repeat(s, ' ', width - 1);
            put(s, c);
            if ( flags & F_LEFT )
                put_repeat(s, ' ', width - 1);
            fmt++;
            continue;
        }
        case 's':
            put_str(s, va_arg(ap, const char *), width, prec, flags);
            fmt++;
            continue;
        case 'p':
        {
            unsigned long addr = (unsigned long)va_arg(ap, void *);

            fmt++;
            if ( *fmt == 'S' || *fmt == 's' )
            {
                put_symbol(s, addr, *fmt == 'S', width, prec, flags);
                fmt++;
            }
            else
                put_pointer(s, addr, width, prec, flags);
            continue;
        }
        case '%':
            put(s, '%');
            fmt++;
            continue;
        default:
            /*
             * Unknown conversion or a format ending in '%': print the
             * directive as written rather than guessing at arguments.
             */
            while ( start < fmt )
                put(s, *start++);
            if ( *fmt )
                put(s, *fmt++);
            continue;
        }

        put_number(s, get_unsigned(&ap, len), false, base, width, prec, flags);
        fmt++;
    }

    va_end(ap);

    if ( s->size )
        s->buf[s->pos < s->size ? s->pos : s->size - 1] = '\0';

    /* Callers use int; a > 2 GiB result cannot happen with sane formats. */
    return s->pos > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)s->pos;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { buf, size, 0 };

    return format(&s, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    int ret = vsnprintf(buf, size, fmt, ap);

    if ( !size )
        return 0;
    return (size_t)ret < size ? ret : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vscnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}

static int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 99;
}

/*
 * Base 0 picks 16 for "0x", 8 for a leading "0", else 10.  A "0x" not
 * followed by a hex digit parses as just "0".  Values that do not fit
 * saturate at ULLONG_MAX rather than wrapping to something plausible.
 */
unsigned long long simple_strtoull(const char *s, const char **end,
                                   unsigned int base)
{
    unsigned long long val = 0;
    bool overflow = false;

    if ( (base == 0 || base == 16) && s[0] == '0' &&
         (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16 )
    {
        s += 2;
        base = 16;
    }
    else if ( base == 0 )
        base = s[0] == '0' ? 8 : 10;

    if ( base < 2 || base > 36 )
    {
        if ( end )
            *end = s;
        return 0;
    }

    for ( ; (unsigned int)digit_value(*s) < base; s++ )
    {
        unsigned int d = (unsigned int)digit_value(*s);

        if ( val > (~0ULL - d) / base )
            overflow = true;
        else
            val = val * base + d;
    }

    if ( end )
        *end = s;
    return overflow ? ~0ULL : val;
}

/*
 * "<number>[KMGT][B]", case-insensitive.  As in Xen, a number with no
 * suffix is in KiB and a bare "B" suffix means bytes.  A 'B' after a
 * unit ("4GB") is accepted too.  Saturates instead of overflowing.
 */
unsigned long long parse_size_and_unit(const char *s, const char **end)
{
    const char *p;
    unsigned long long val = simple_strtoull(s, &p, 0);
    unsigned int shift;

    switch ( *p )
    {
    case 'T': case 't': shift = 40; p++; break;
    case 'G': case 'g': shift = 30; p++; break;
    case 'M': case 'm': shift = 20; p++; break;
    case 'K': case 'k': shift = 10; p++; break;
    case 'B': case 'b': shift = 0; break;
    default:            shift = 10; goto done;
    }
    if ( *p == 'B' || *p == 'b' )
        p++;

 done:
    if ( shift && val > (~0ULL >> shift) )
        val = ~0ULL;
    else
        val <<= shift;
    if ( end )
        *end = p;
    return val;
}
