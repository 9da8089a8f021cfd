/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every xen_version sub-op a guest may use: the version agrees with CPUID,
 * the strings are NUL-terminated and non-empty, capabilities name
 * hvm-3.0-x86_64, get_features submap 0 has bits (at least
 * auto_translated_physmap), pagesize is 4096.
 */
#include "guest.h"

DEFINE_TEST("xen_version");

/* A string buffer the hypervisor filled: NUL inside it, and not empty. */
static void check_string(const char *what, const char *s, size_t size, bool may_be_empty)
{
    size_t n = strnlen(s, size);

    if ( n == size )
        fail("%s: no NUL in its %zu-byte buffer", what, size);
    if ( !n && !may_be_empty )
        fail("%s: empty string", what);
    printf("%s: \"%s\"\n", what, s);
}

void test_main(const struct hvm_start_info *si)
{
    static xen_capabilities_info_t caps;
    static xen_commandline_t cmdline;
    struct xen_compile_info ci;
    struct xen_platform_parameters pp;
    struct xen_feature_info fi;
    xen_extraversion_t extra;
    xen_changeset_info_t cs;
    xen_domain_handle_t handle;
    long rc;

    CHECK(have_xen);

    rc = HYPERVISOR_xen_version(XENVER_version, NULL);
    printf("XENVER_version: %#lx (%lu.%lu)\n", rc, rc >> 16, rc & 0xffff);
    CHECK_EQ(rc, cpuid(xen_cpuid_base + 1).eax);

    memset(extra, 0x55, sizeof(extra));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    check_string("extraversion", extra, sizeof(extra), false);

    memset(&ci, 0x55, sizeof(ci));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_compile_info, &ci), 0);
    check_string("compiler", ci.compiler, sizeof(ci.compiler), false);
    check_string("compile_by", ci.compile_by, sizeof(ci.compile_by), true);
    check_string("compile_domain", ci.compile_domain, sizeof(ci.compile_domain), true);
    check_string("compile_date", ci.compile_date, sizeof(ci.compile_date), false);

    memset(caps, 0x55, sizeof(caps));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    check_string("capabilities", caps, sizeof(caps), false);
    CHECK(strstr(caps, "hvm-3.0-x86_64"));

    memset(cs, 0x55, sizeof(cs));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_changeset, cs), 0);
    check_string("changeset", cs, sizeof(cs), false);

    pp.virt_start = 0x5555;
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp), 0);
    printf("platform_parameters: virt_start %#lx\n", pp.virt_start);

    fi.submap_idx = 0;
    fi.submap = 0;
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    printf("get_features submap 0: %#x\n", fi.submap);
    CHECK(fi.submap != 0);
    CHECK(fi.submap & (1u << XENFEAT_auto_translated_physmap));

    CHECK_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);

    memset(handle, 0x55, sizeof(handle));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_guest_handle, handle), 0);
    printf("guest_handle: %02x%02x%02x%02x-...-%02x%02x\n",
           handle[0], handle[1], handle[2], handle[3], handle[14], handle[15]);

    /* The hypervisor's command line is for privileged domains (Xen: -EPERM). */
    memset(cmdline, 0x55, sizeof(cmdline));
    rc = HYPERVISOR_xen_version(XENVER_commandline, cmdline);
    printf("commandline: rc %ld\n", rc);
    if ( rc == 0 )
        check_string("commandline", cmdline, sizeof(cmdline), true);
    else
        CHECK_EQ(rc, -XEN_EPERM);
    (void)si;
}
