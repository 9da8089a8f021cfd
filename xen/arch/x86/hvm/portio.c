/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's emulated I/O port ranges (asm/hvm/io.h), consulted by the
 * vendor's I/O exit handler.  Unclaimed ports read all-ones (an absent
 * ISA device) and drop writes.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <asm/hvm/io.h>

int hvm_register_portio(struct domain *d, uint16_t start, unsigned int len,
                        hvm_portio_read_t read, hvm_portio_write_t write)
{
    struct hvm_io_handlers *io = &d->hvm.io;
    unsigned int i, n;
    int rc = 0;

    if ( !len || start + len > 0x10000 || !read || !write )
        return -EINVAL;
    spin_lock(&d->lock);
    n = io->nr_portio;
    for ( i = 0; i < n; i++ )
        if ( start < io->portio[i].start + io->portio[i].len &&
             io->portio[i].start < start + len )
            rc = -EEXIST;
    if ( !rc && n == HVM_MAX_PORTIO_HANDLERS )
        rc = -ENOSPC;
    if ( !rc )
    {
        io->portio[n] = (struct hvm_portio_handler){ start, len, read, write };
        __atomic_store_n(&io->nr_portio, n + 1, __ATOMIC_RELEASE);
    }
    spin_unlock(&d->lock);
    return rc;
}

static const struct hvm_portio_handler *find(const struct domain *d, uint16_t port)
{
    const struct hvm_io_handlers *io = &d->hvm.io;
    unsigned int i, n = __atomic_load_n(&io->nr_portio, __ATOMIC_ACQUIRE);

    for ( i = 0; i < n; i++ )
        if ( (uint32_t)port - io->portio[i].start < io->portio[i].len )
            return &io->portio[i];
    return NULL;
}

int hvm_portio_read(struct vcpu *v, uint16_t port, unsigned int size, uint32_t *val)
{
    const struct hvm_portio_handler *h = find(v->domain, port);

    if ( !h )
    {
        *val = size >= 4 ? ~0u : (1u << (size * 8)) - 1;
        return 0;
    }
    return h->read(v, port, size, val);
}

int hvm_portio_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    const struct hvm_portio_handler *h = find(v->domain, port);

    return h ? h->write(v, port, size, val) : 0;
}
