/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SHUTDOWN_H
#define KEEL_SHUTDOWN_H

#include <keel/types.h>

/* Status codes of a test run (test-exit). */
#define TEST_EXIT_PASS      0
#define TEST_EXIT_FAIL      1
#define TEST_EXIT_PANIC     2

extern bool opt_test_exit;
extern bool opt_noreboot;

void __noreturn machine_restart(void);
void __noreturn machine_halt(void);
void __noreturn machine_power_off(void);
/*
 * End a test run: print "KEEL-TEST-EXIT: <code>" and leave the emulator
 * through isa-debug-exit (QEMU exits with status 2*code+1).  Only with the
 * test-exit option; without it this halts.
 */
void __noreturn test_exit(int code);

/* Set by ACPI set-up: how to reset and power off this machine. */
struct acpi_info;
void shutdown_set_acpi(const struct acpi_info *info);

#endif
