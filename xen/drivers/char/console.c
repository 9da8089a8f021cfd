/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: printk, the log ring behind `xl dmesg`, log-level
 * filtering (loglvl=), and the serial port selected by console=/com1=.
 *
 * Lines printed before the serial port is set up are kept in the ring and
 * written out as soon as it is.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/param.h>
#include <keel/serial.h>
#include <keel/spinlock.h>
#include <asm/processor.h>

static char opt_console[32] = "com1";
string_param("console", opt_console);

static struct serial_config com1_cfg = {
    115200, 1843200, 8, 'n', 1, 0x3f8, 0
};
static struct serial_config com2_cfg = {
    115200, 1843200, 8, 'n', 1, 0x2f8, 0
};

static int parse_com1(const char *s)
{
    return serial_parse_config(s, &com1_cfg);
}
custom_param("com1", parse_com1);

static int parse_com2(const char *s)
{
    return serial_parse_config(s, &com2_cfg);
}
custom_param("com2", parse_com2);

/* Lines at or below this level reach the serial port; all go to the ring. */
static int console_loglvl = LOGLVL_INFO;

static int parse_loglvl(const char *s)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    unsigned int i;

    if ( !strncmp(s, "none", 4) )
    {
        console_loglvl = -1;
        return 0;
    }
    if ( !strncmp(s, "all", 3) )
    {
        console_loglvl = LOGLVL_DEBUG;
        return 0;
    }
    for ( i = 0; i < ARRAY_SIZE(names); i++ )
    {
        size_t n = strlen(names[i]);

        /* "loglvl=info/warning": the rate-limited half is accepted and ignored. */
        if ( !strncmp(s, names[i], n) && (s[n] == '\0' || s[n] == '/') )
        {
            console_loglvl = i;
            return 0;
        }
    }
    return -1;
}
custom_param("loglvl", parse_loglvl);

static bool serial_ready;
static DEFINE_SPINLOCK(console_lock);
s_time_t (*console_clock)(void);

static char conring[CONRING_SIZE];
static size_t conring_prod;         /* total bytes ever written */

static void conring_put(const char *s, size_t n)
{
    for ( ; n; n--, s++ )
        conring[conring_prod++ % CONRING_SIZE] = *s;
}

size_t console_ring_used(void)
{
    return conring_prod < CONRING_SIZE ? conring_prod : CONRING_SIZE;
}

size_t console_ring_read(char *buf, size_t offset, size_t len)
{
    size_t used = console_ring_used(), start = conring_prod - used, i;

    if ( offset >= used )
        return 0;
    if ( len > used - offset )
        len = used - offset;
    for ( i = 0; i < len; i++ )
        buf[i] = conring[(start + offset + i) % CONRING_SIZE];
    return len;
}

void console_write_raw(const char *s, size_t len)
{
    if ( !serial_ready )
        return;
    for ( ; len; len--, s++ )
    {
        if ( *s == '\n' )
            ns16550_putc('\r');
        ns16550_putc(*s);
    }
}

void console_init(void)
{
    size_t used, off, n;
    char buf[256];

    if ( !strcmp(opt_console, "com1") )
        ns16550_init(&com1_cfg);
    else if ( !strcmp(opt_console, "com2") )
        ns16550_init(&com2_cfg);
    else if ( !strcmp(opt_console, "none") )
        return;
    else
    {
        /* vga and others are not supported: fall back so the user sees why. */
        ns16550_init(&com1_cfg);
        serial_ready = true;
        printk(XENLOG_WARNING "console=%s is not supported, using com1\n", opt_console);
        return;
    }
    serial_ready = true;

    /* Replay what was logged before the port was ready. */
    used = console_ring_used();
    for ( off = 0; off < used; off += n )
    {
        n = console_ring_read(buf, off, sizeof(buf));
        console_write_raw(buf, n);
    }
}

int console_getc(void)
{
    return serial_ready ? ns16550_getc() : -1;
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
}

static bool at_line_start = true;
/*
 * A guest's unfinished line (an interactive prompt, typed characters
 * echoed back) may end the log for a while: console_partial_begin().
 * Any other output first ends that line, so nothing is appended to it;
 * partial_gen tells the guest's side whether it may still continue it.
 */
static bool partial_open;
static unsigned long partial_gen;

/* The "(XEN) [time] " that starts each line.  Under console_lock. */
static void put_line_prefix(bool show)
{
    char prefix[40];
    s_time_t t = console_clock ? console_clock() : 0;
    int plen = scnprintf(prefix, sizeof(prefix), "(XEN) [%5lu.%06lu] ",
                         (unsigned long)(t / 1000000000),
                         (unsigned long)(t % 1000000000) / 1000);

    conring_put(prefix, plen);
    if ( show )
        console_write_raw(prefix, plen);
}

/* Under console_lock: @n bytes of @s to the ring and the serial line. */
static void put_raw(const char *s, size_t n)
{
    conring_put(s, n);
    console_write_raw(s, n);
}

/* Under console_lock: end the line the output stopped in (a partial one included). */
static void end_line(void)
{
    put_raw("\n", 1);
    at_line_start = true;
    partial_open = false;
}

/* Under console_lock: end a guest's open partial line before other output. */
static void close_partial(void)
{
    if ( partial_open )
        end_line();
}

unsigned long console_partial_begin(const char *s, size_t n)
{
    unsigned long flags, gen;

    spin_lock_irqsave(&console_lock, flags);
    if ( !at_line_start )
        end_line();
    put_line_prefix(true);
    put_raw(s, n);
    at_line_start = false;
    partial_open = true;
    gen = ++partial_gen;
    spin_unlock_irqrestore(&console_lock, flags);
    return gen;
}

bool console_partial_continue(unsigned long gen, const char *s, size_t n, bool end)
{
    unsigned long flags;
    bool ok;

    spin_lock_irqsave(&console_lock, flags);
    ok = partial_open && gen == partial_gen;
    if ( ok )
    {
        put_raw(s, n);
        if ( end )
            end_line();
    }
    spin_unlock_irqrestore(&console_lock, flags);
    return ok;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int level = LOGLVL_INFO;
    unsigned long flags;
    size_t len;
    const char *p, *q;

    if ( fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>' )
    {
        level = fmt[1] - '0';
        fmt += 3;
    }
    len = vscnprintf(buf, sizeof(buf), fmt, ap);

    spin_lock_irqsave(&console_lock, flags);
    close_partial();
    for ( p = buf; p < buf + len; p = q )
    {
        q = p;
        while ( q < buf + len && *q != '\n' )
            q++;
        if ( q < buf + len )
            q++;                            /* include the newline */

        if ( at_line_start )
            put_line_prefix(level <= console_loglvl);
        conring_put(p, q - p);
        if ( level <= console_loglvl )
            console_write_raw(p, q - p);
        at_line_start = q[-1] == '\n';
    }
    spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
