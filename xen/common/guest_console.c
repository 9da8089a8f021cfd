/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest output as hypervisor log lines prefixed "(dN) ", the way Xen
 * shows guest output: the line assembly that both output paths share
 * (console_io here, the PV console ring in console_backend.c; each has
 * its own line buffer so their partial lines never mix), and the
 * console_io hypercall.  Unlike Xen, domUs may use console_io (it is the
 * best early debug channel a PVH guest has).
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/guest_access.h>
#include <keel/guest_console.h>
#include <keel/console.h>
#include <keel/hypercall.h>
#include <public/xen.h>

/* At most this much per call: there are no hypercall continuations yet. */
#define CONSOLE_WRITE_MAX   (64 * 1024)

/* Log the line assembled so far.  Under d->lock. */
static void flush_line(struct domain *d, struct guest_line *l)
{
    l->buf[l->len] = '\0';
    /* Shown in part already: end that line, or, if it was broken, log it whole. */
    if ( !l->shown ||
         !console_partial_continue(l->shown_gen, l->buf + l->shown, l->len - l->shown, true) )
        printk("(d%u) %s\n", d->domain_id, l->buf);
    l->len = l->shown = 0;
}

void guest_line_show(struct domain *d, struct guest_line *l)
{
    char text[GUEST_LINE_MAX + 16];
    int n;

    spin_lock(&d->lock);
    if ( l->len > l->shown &&
         (!l->shown ||
          !console_partial_continue(l->shown_gen, l->buf + l->shown, l->len - l->shown, false)) )
    {
        n = scnprintf(text, sizeof(text), "(d%u) %.*s", d->domain_id, (int)l->len, l->buf);
        l->shown_gen = console_partial_begin(text, n);
    }
    l->shown = l->len;
    spin_unlock(&d->lock);
}

static void put_char(struct domain *d, struct guest_line *l, char c)
{
    if ( c == '\n' )
    {
        flush_line(d, l);
        return;
    }
    if ( c == '\r' )
        return;
    /*
     * Control bytes would garble the serial line: show them as '?', except
     * what a shell's line editing needs on a terminal (backspace, and ESC
     * for cursor movement and its cursor-position query).
     */
    if ( (c < 0x20 && c != '\t' && c != '\b' && c != 0x1b) || c == 0x7f )
        c = '?';
    l->buf[l->len++] = c;
    if ( l->len == sizeof(l->buf) - 1 )
        flush_line(d, l);
}

void guest_line_write(struct domain *d, struct guest_line *l, const char *s, size_t n)
{
    spin_lock(&d->lock);
    for ( ; n; n--, s++ )
        put_char(d, l, *s);
    spin_unlock(&d->lock);
}

void guest_line_flush(struct domain *d, struct guest_line *l)
{
    spin_lock(&d->lock);
    if ( l->len )
        flush_line(d, l);
    spin_unlock(&d->lock);
}

static long console_write(struct vcpu *v, unsigned long buffer, unsigned long count)
{
    struct domain *d = v->domain;
    char chunk[128];

    count = MIN(count, (unsigned long)CONSOLE_WRITE_MAX);
    while ( count )
    {
        size_t n = MIN(count, sizeof(chunk));

        if ( copy_from_guest_virt(v, chunk, buffer, n) )
            return -EFAULT;
        guest_line_write(d, &d->console_io_line, chunk, n);
        buffer += n;
        count -= n;
    }
    return 0;
}

long do_console_io(unsigned long cmd, unsigned long count, unsigned long buffer)
{
    struct vcpu *v = current_vcpu();

    switch ( cmd )
    {
    case CONSOLEIO_write:
        return console_write(v, buffer, count);
    case CONSOLEIO_read:
        return 0;           /* no console input for domUs yet */
    default:
        return -ENOSYS;
    }
}
