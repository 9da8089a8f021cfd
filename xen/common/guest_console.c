/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io: a guest's writes go to the hypervisor console as lines
 * prefixed "(dN) ", the way Xen shows guest output.  Unlike Xen, domUs
 * may use it (it is the best early debug channel a PVH guest has).
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <public/xen.h>

/* At most this much per call: there are no hypercall continuations yet. */
#define CONSOLE_WRITE_MAX   (64 * 1024)

static void flush_line(struct domain *d)
{
    d->console_buf[d->console_len] = '\0';
    printk("(d%u) %s\n", d->domain_id, d->console_buf);
    d->console_len = 0;
}

static void put_char(struct domain *d, char c)
{
    if ( c == '\n' )
    {
        flush_line(d);
        return;
    }
    if ( c == '\r' )
        return;
    /* Control bytes would garble the serial line: show them as '?'. */
    if ( (c < 0x20 && c != '\t') || c == 0x7f )
        c = '?';
    d->console_buf[d->console_len++] = c;
    if ( d->console_len == sizeof(d->console_buf) - 1 )
        flush_line(d);
}

static long console_write(struct vcpu *v, unsigned long buffer, unsigned long count)
{
    struct domain *d = v->domain;
    char chunk[128];

    count = MIN(count, (unsigned long)CONSOLE_WRITE_MAX);
    while ( count )
    {
        size_t n = MIN(count, sizeof(chunk)), i;

        if ( copy_from_guest_virt(v, chunk, buffer, n) )
            return -EFAULT;
        spin_lock(&d->lock);
        for ( i = 0; i < n; i++ )
            put_char(d, chunk[i]);
        spin_unlock(&d->lock);
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
