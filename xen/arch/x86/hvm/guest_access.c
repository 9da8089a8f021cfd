/* SPDX-License-Identifier: GPL-2.0-only */
/* Checked copies to and from guest memory (see keel/guest_access.h). */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/p2m.h>
#include <keel/guest_walk.h>
#include <keel/guest_access.h>
#include <asm/page.h>

/* Machine address behind a guest-physical page, or NULL if not RAM. */
static uint8_t *gpa_to_virt(struct domain *d, uint64_t gpa, bool write)
{
    p2m_type_t t;
    unsigned long mfn;

    if ( gpa >= d->ram_bytes )
        return NULL;
    mfn = p2m_lookup(d->p2m, gpa >> PAGE_SHIFT, &t);
    if ( mfn == INVALID_MFN || (t != p2m_ram_rw && (write || t != p2m_ram_ro)) )
        return NULL;
    return (uint8_t *)mfn_to_virt(mfn) + (gpa & ~PAGE_MASK);
}

static bool read_gpa64(void *ctx, uint64_t gpa, uint64_t *val)
{
    const uint8_t *p = (gpa & 7) ? NULL : gpa_to_virt(ctx, gpa, false);

    if ( !p )
        return false;
    *val = *(const volatile uint64_t *)p;
    return true;
}

int guest_linear_to_gpa(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
    struct guest_paging pg = {
        v->hvm.guest_cr[0], v->hvm.guest_cr[3], v->hvm.guest_cr[4], v->hvm.guest_efer,
    };

    return guest_walk(&pg, gva, write ? GW_WRITE : 0, read_gpa64, v->domain, gpa) ? -EFAULT : 0;
}

static int copy_guest(struct vcpu *v, struct domain *d, uint64_t addr, void *buf,
                      size_t len, bool write, bool virt)
{
    uint8_t *b = buf;

    if ( addr + len < addr )
        return -EFAULT;
    while ( len )
    {
        size_t chunk = MIN(len, PAGE_SIZE - (addr & ~PAGE_MASK));
        uint64_t gpa = addr;
        uint8_t *p;

        if ( virt )
        {
            struct guest_paging pg = {
                v->hvm.guest_cr[0], v->hvm.guest_cr[3], v->hvm.guest_cr[4], v->hvm.guest_efer,
            };

            if ( guest_walk(&pg, addr, write ? GW_WRITE : 0, read_gpa64, d, &gpa) )
                return -EFAULT;
        }
        p = gpa_to_virt(d, gpa, write);
        if ( !p )
            return -EFAULT;
        if ( write )
            memcpy(p, b, chunk);
        else
            memcpy(b, p, chunk);
        addr += chunk;
        b += chunk;
        len -= chunk;
    }
    return 0;
}

int guest_virt_to_phys(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
    struct guest_paging pg = {
        v->hvm.guest_cr[0], v->hvm.guest_cr[3], v->hvm.guest_cr[4], v->hvm.guest_efer,
    };

    if ( guest_walk(&pg, gva, write ? GW_WRITE : 0, read_gpa64, v->domain, gpa) ||
         !gpa_to_virt(v->domain, *gpa, write) )
        return -EFAULT;
    return 0;
}

int copy_from_guest_virt(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    return copy_guest(v, v->domain, gva, dst, len, false, true);
}

int copy_to_guest_virt(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    return copy_guest(v, v->domain, gva, (void *)src, len, true, true);
}

int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return copy_guest(NULL, d, gpa, (void *)src, len, true, false);
}

int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return copy_guest(NULL, d, gpa, dst, len, false, false);
}
