/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest ABI for the test guests: Keel's public headers
 * (xen/include/public/, the same ones the hypervisor builds against, so
 * the tests cannot drift from it), plus the few values those headers do
 * not carry yet.
 */
#ifndef GUEST_XEN_H
#define GUEST_XEN_H

#include <stdint.h>

#include <public/xen.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/elfnote.h>
#include <public/arch-x86/cpuid.h>
#include <public/hvm/start_info.h>

/* Error values (Xen's public errno.h), returned negated. */
#ifndef XEN_EPERM
#define XEN_EPERM       1
#define XEN_EFAULT      14
#define XEN_EINVAL      22
#define XEN_ENOSYS      38
#endif

#endif
