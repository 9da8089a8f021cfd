/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SYSTEM_STATE_H
#define KEEL_SYSTEM_STATE_H

/*
 * Where the system is in its life.  Code that is only safe before any
 * guest vCPU runs (libfdt, which may use SSE registers the hypervisor
 * does not save for guests) asserts SYS_STATE_boot.  Whoever first starts
 * a guest vCPU moves the state to SYS_STATE_active.
 */
enum system_state {
    SYS_STATE_boot,
    SYS_STATE_active,
};

extern enum system_state system_state;

#endif
