#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The "checks" of the benchmark initramfs (tests/bench builds it with
# scripts/linux-initramfs --checks): no checks, just the guest's uptime
# once /init runs, then poweroff.  tests/bench reads the line's times.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
echo "KEEL-LINUX: bench-init uptime $(cut -d' ' -f1 /proc/uptime 2>/dev/null)"
[ "${KEEL_LINUX_INIT:-}" = 1 ] || exit 0
# Let the console drain before the machine goes away.
sleep 1
poweroff -f
