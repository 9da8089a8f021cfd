/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

#define KEEL_VERSION_MAJOR  0
#define KEEL_VERSION_MINOR  1
#define KEEL_VERSION_STRING "0.1"
#define KEEL_COMPILER       "gcc " __VERSION__

/*
 * The Xen interface version Keel implements, as guests see it in CPUID
 * leaf 0x40000001 and XENVER_version: major << 16 | minor.
 */
#define KEEL_XEN_VERSION_MAJOR  4
#define KEEL_XEN_VERSION_MINOR  17
#define KEEL_XEN_EXTRAVERSION   ".0-keel"

#endif
