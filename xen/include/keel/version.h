/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

#define KEEL_VERSION_MAJOR  0
#define KEEL_VERSION_MINOR  1
#define KEEL_VERSION_STRING "0.1"
#define KEEL_COMPILER       "gcc " __VERSION__

#endif
