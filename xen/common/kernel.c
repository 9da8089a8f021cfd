/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_version: who the guest is talking to.  Keel reports the Xen
 * interface version it implements (KEEL_XEN_VERSION_*), with Keel named in
 * the extra version, and only the feature bits it really provides.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/domain.h>
#include <keel/guest_access.h>
#include <keel/hypercall.h>
#include <keel/version.h>
#include <public/xen.h>
#include <public/version.h>

#ifndef KEEL_CHANGESET
#define KEEL_CHANGESET "unavailable"
#endif

/* HYPERVISOR_VIRT_START of a 64-bit PV guest; meaningless for HVM, kept for tools. */
#define PLATFORM_VIRT_START 0xffff800000000000UL

static uint32_t features_submap(uint32_t idx)
{
    /*
     * Guest memory is translated by NPT/EPT: the guest only ever sees GFNs.
     * Events arrive through the callback vector (HVM_PARAM_CALLBACK_IRQ
     * type 2), and vcpu_time_info is kept valid for the guest's pvclock.
     */
    return idx == 0 ? (1u << XENFEAT_auto_translated_physmap) |
                      (1u << XENFEAT_hvm_callback_vector) |
                      (1u << XENFEAT_hvm_safe_pvclock) : 0;
}

static long put(struct vcpu *v, unsigned long arg, const void *src, size_t len)
{
    return copy_to_guest_virt(v, arg, src, len) ? -EFAULT : 0;
}

long do_xen_version(unsigned long cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();

    switch ( cmd )
    {
    case XENVER_version:
        return (KEEL_XEN_VERSION_MAJOR << 16) | KEEL_XEN_VERSION_MINOR;

    case XENVER_extraversion:
    {
        xen_extraversion_t ev = KEEL_XEN_EXTRAVERSION;

        return put(v, arg, ev, sizeof(ev));
    }

    case XENVER_compile_info:
    {
        struct xen_compile_info ci;

        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, KEEL_COMPILER, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "keel", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "keel", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(ci.compile_date));
        return put(v, arg, &ci, sizeof(ci));
    }

    case XENVER_capabilities:
    {
        static const xen_capabilities_info_t caps =
            "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p";

        return put(v, arg, caps, sizeof(caps));
    }

    case XENVER_changeset:
    {
        xen_changeset_info_t cs;

        memset(cs, 0, sizeof(cs));
        strlcpy(cs, KEEL_CHANGESET, sizeof(cs));
        return put(v, arg, cs, sizeof(cs));
    }

    case XENVER_platform_parameters:
    {
        struct xen_platform_parameters pp = { PLATFORM_VIRT_START };

        return put(v, arg, &pp, sizeof(pp));
    }

    case XENVER_get_features:
    {
        struct xen_feature_info fi;

        if ( copy_from_guest_virt(v, &fi, arg, sizeof(fi)) )
            return -EFAULT;
        fi.submap = features_submap(fi.submap_idx);
        return put(v, arg, &fi, sizeof(fi));
    }

    case XENVER_pagesize:
        return PAGE_SIZE;

    case XENVER_guest_handle:
    {
        xen_domain_handle_t h;

        /* No UUIDs for boot-time domains yet: the all-zero handle. */
        memset(h, 0, sizeof(h));
        return put(v, arg, h, sizeof(h));
    }

    case XENVER_commandline:
    case XENVER_commandline2:
        return -EPERM;      /* the hypervisor command line is for dom0's tools only */

    default:
        return -ENOSYS;
    }
}
