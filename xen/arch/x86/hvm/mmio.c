/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's emulated MMIO ranges (asm/hvm/io.h): registration and the
 * dispatch of one decoded access.  What nobody claims behaves like an
 * empty bus: reads return all-ones, writes vanish.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <asm/hvm/io.h>

int hvm_register_mmio(struct domain *d, uint64_t start, uint64_t len,
                      hvm_mmio_read_t read, hvm_mmio_write_t write)
{
    struct hvm_io_handlers *io = &d->hvm.io;
    unsigned int i, n;
    int rc = 0;

    if ( !len || start + len < start || !read || !write )
        return -EINVAL;
    spin_lock(&d->lock);
    n = io->nr_mmio;
    for ( i = 0; i < n; i++ )
        if ( start < io->mmio[i].start + io->mmio[i].len && io->mmio[i].start < start + len )
            rc = -EEXIST;
    if ( !rc && n == HVM_MAX_MMIO_HANDLERS )
        rc = -ENOSPC;
    if ( !rc )
    {
        io->mmio[n] = (struct hvm_mmio_handler){ start, len, read, write };
        /* Exit handlers on other CPUs see the entry complete before the count. */
        __atomic_store_n(&io->nr_mmio, n + 1, __ATOMIC_RELEASE);
    }
    spin_unlock(&d->lock);
    return rc;
}

static const struct hvm_mmio_handler *find(const struct domain *d, uint64_t gpa)
{
    const struct hvm_io_handlers *io = &d->hvm.io;
    unsigned int i, n = __atomic_load_n(&io->nr_mmio, __ATOMIC_ACQUIRE);

    for ( i = 0; i < n; i++ )
        if ( gpa - io->mmio[i].start < io->mmio[i].len )
            return &io->mmio[i];
    return NULL;
}

int hvm_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    const struct hvm_mmio_handler *h = find(v->domain, gpa);

    if ( !h )
    {
        *val = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
        return 0;
    }
    return h->read(v, gpa, size, val);
}

int hvm_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    const struct hvm_mmio_handler *h = find(v->domain, gpa);

    return h ? h->write(v, gpa, size, val) : 0;
}
