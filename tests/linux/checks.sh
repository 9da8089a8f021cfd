#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Checks run inside a Linux guest on Keel, under busybox sh, from the test
# initramfs's /init (scripts/linux-initramfs).  Each check prints
#     KEEL-LINUX: <check> PASS|FAIL <details>
# then comes one
#     KEEL-LINUX: verdict PASS|FAIL <failed checks>
# and the end action from the kernel command line (keel.end=poweroff|reboot,
# default poweroff), announced as "KEEL-LINUX: end <action>".
# Parameters come from the kernel command line: keel.vcpus=N (expected vCPU
# count), keel.end=..., keel.noend=1 (print the verdict and return).
# The end action is only taken when /init says so (KEEL_LINUX_INIT=1).
#
# No `set -e` here on purpose: a missing file or applet must make its check
# FAIL and the next check run, never stop the script or hang it.
# tests/linux/run judges these lines; docs/linux-guests.md explains them.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
failed=''

say() { echo "KEEL-LINUX: $*"; }
# result CHECK PASS|FAIL DETAILS
result() {
    [ "$2" = PASS ] || failed="$failed $1"
    say "$1 $2 $3"
}
have() { command -v "$1" > /dev/null 2>&1; }

cmdline=$(cat /proc/cmdline 2>/dev/null)
# param NAME: the value of NAME=... on the kernel command line (last wins).
param() {
    _v=''
    for _w in $cmdline; do
        case $_w in "$1"=*) _v=${_w#*=} ;; esac
    done
    echo "$_v"
}
is_uint() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }
# uptime_s: seconds since boot with 10 ms resolution, e.g. "12.34".
uptime_s() { _u=$(cat /proc/uptime 2>/dev/null) && echo "${_u%% *}"; }

online=$(nproc 2>/dev/null)
is_uint "$online" || online=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)
is_uint "$online" || online=1

# ---- nproc: every vCPU the domain was given is online -----------------------
check_nproc() {
    want=$(param keel.vcpus)
    if ! is_uint "$want"; then
        result nproc FAIL "no keel.vcpus=N on the kernel command line (online: $online)"
    elif [ "$online" = "$want" ]; then
        result nproc PASS "$online CPUs online (/sys/devices/system/cpu/online: $(cat /sys/devices/system/cpu/online 2>/dev/null))"
    else
        result nproc FAIL "$online CPUs online, expected $want (/sys/devices/system/cpu/online: $(cat /sys/devices/system/cpu/online 2>/dev/null))"
    fi
}

# ---- hypervisor: Linux recognised Xen (drivers/xen/sys-hypervisor.c) --------
check_hypervisor() {
    t=$(cat /sys/hypervisor/type 2>/dev/null)
    g=$(cat /sys/hypervisor/guest_type 2>/dev/null)
    v="$(cat /sys/hypervisor/version/major 2>/dev/null).$(cat /sys/hypervisor/version/minor 2>/dev/null)$(cat /sys/hypervisor/version/extra 2>/dev/null)"
    if [ "$t" = xen ]; then
        result hypervisor PASS "type=xen guest_type=${g:-?} version=$v"
    else
        result hypervisor FAIL "/sys/hypervisor/type is '${t:-<missing>}', expected xen"
    fi
}

# ---- clock: the guest's clock advances at the right rate ---------------------
# The host compares the arrival times of the lines that carry an uptime
# (clock-mark, clock-start, clock) on the serial log with those uptimes:
# marks a little apart before and after the sleep let it discard lines that
# were delayed on their way out.  Here the guest checks that `sleep 5` took
# 5 s by its own clock (catches timers firing too early or late against the
# clocksource).
clock_marks() {
    for _i in 1 2 3; do
        say "clock-mark $(uptime_s)"
        sleep 0.2 2>/dev/null
    done
}

check_clock() {
    t0=$(uptime_s)
    if [ -z "$t0" ]; then
        result clock FAIL "cannot read /proc/uptime"
        return
    fi
    clock_marks
    t0=$(uptime_s)
    say "clock-start $t0"
    sleep 5
    t1=$(uptime_s)
    say "clock $t0 $t1"
    clock_marks
    d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    if awk -v d="$d" 'BEGIN { exit !(d >= 4.75 && d <= 5.25) }'; then
        result clock PASS "sleep 5 took ${d}s by the guest clock (clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null))"
    else
        result clock FAIL "sleep 5 took ${d}s by the guest clock, expected 5 +- 0.25 (clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null))"
    fi
}

# ---- cpu-load: a CPU-heavy job runs on every vCPU ----------------------------
# cpu_user: "cpuN user+nice" per CPU from /proc/stat (USER_HZ = 100 ticks/s).
cpu_user() { awk '/^cpu[0-9]+ / { print $1, $2 + $3 }' /proc/stat 2>/dev/null; }

check_cpu_load() {
    busy=4
    before=$(cpu_user)
    if [ -z "$before" ]; then
        result cpu-load FAIL "no per-CPU lines in /proc/stat"
        return
    fi
    t0=$(uptime_s)
    pids=''
    i=0
    while [ "$i" -lt "$online" ]; do
        ( while :; do :; done ) &
        pids="$pids $!"
        i=$((i + 1))
    done
    sleep "$busy"
    # shellcheck disable=SC2086 # one word per pid
    kill $pids 2>/dev/null
    wait 2>/dev/null
    t1=$(uptime_s)
    after=$(cpu_user)
    # Each CPU must have spent at least a tenth of the busy time in user
    # mode, and at least a quarter of what the busiest CPU got: slack for
    # vCPUs sharing emulated CPUs and for an emulator slowed down by a busy
    # host (its guests' clocks keep the host's pace), none for a CPU left
    # idle or starved.
    report=$(printf '%s\n--\n%s\n' "$before" "$after" | awk -v t0="$t0" -v t1="$t1" '
        $1 == "--" { after = 1; next }
        !after { b[$1] = $2; next }
        { d[$1] = $2 - b[$1]; order[++n] = $1; if (d[$1] > max) max = d[$1] }
        END {
            for (i = 1; i <= n; i++) {
                c = order[i]; list = list sprintf(" %s+%d", c, d[c])
                if (d[c] < (t1 - t0) * 100 / 10 || d[c] * 4 < max) { bad++; badlist = badlist " " c }
            }
            printf "%s|%d|%d|%s", (bad || !n) ? "FAIL" : "PASS", n, bad, list
            if (bad) printf " (too little user time on%s)", badlist }')
    status=${report%%|*}
    rest=${report#*|}
    n=${rest%%|*}
    rest=${rest#*|}
    rest=${rest#*|}
    result cpu-load "$status" "$online busy loops for ${busy}s on $n CPUs, user ticks:$rest"
}

# ---- interrupts: Xen timer and IPI event channels on every CPU ---------------
# A PVH guest gets, per CPU i, a VIRQ_TIMER event channel named "timer<i>"
# and IPI event channels "resched<i>", "callfunc<i>", "callfuncsingle<i>"
# (arch/x86/xen/time.c, smp.c), shown in /proc/interrupts as xen-percpu
# lines with the count of CPU i in column i.
check_interrupts() {
    if [ ! -r /proc/interrupts ]; then
        result interrupts FAIL "cannot read /proc/interrupts"
        return
    fi
    # Move a task onto each CPU in turn: waking a task on an idle remote CPU
    # takes a reschedule or call-function IPI, so with several CPUs every
    # CPU has received IPIs by now.
    if have taskset; then
        i=0
        while [ "$i" -lt "$online" ]; do
            taskset -c "$i" true 2>/dev/null
            i=$((i + 1))
        done
    fi
    report=$(awk -v ncpu="$online" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^CPU[0-9]+$/) col[substr($i, 4)] = i; next }
        /xen/ && $NF ~ /^(timer|resched|callfunc|callfuncsingle)[0-9]+$/ {
            name = $NF; cpu = name; sub(/^[a-z]+/, "", cpu); kind = name; sub(/[0-9]+$/, "", kind)
            if (!(cpu in col)) next
            c = $(col[cpu] + 1)   # data lines start with "N:", the header does not
            if (kind == "timer") { timer[cpu] = c; has_t[cpu] = 1 }
            else { ipi[cpu] += c; has_i[cpu] = 1 }
        }
        END {
            ok = 1
            for (i = 0; i < ncpu; i++) {
                d = d sprintf(" cpu%d:timer=%s,ipi=%s", i, has_t[i] ? timer[i] : "none", has_i[i] ? ipi[i] : "none")
                if (!has_t[i] || timer[i] + 0 == 0) ok = 0
                # With one CPU nothing sends IPIs: the channels must exist.
                if (!has_i[i] || (ncpu > 1 && ipi[i] + 0 == 0)) ok = 0
            }
            printf "%s%s", ok ? "PASS" : "FAIL", d
        }' /proc/interrupts 2>/dev/null)
    status=${report%% *}
    case $status in PASS|FAIL) ;; *) status=FAIL; report="FAIL awk failed" ;; esac
    result interrupts "$status" "${report#* }"
    if [ "$status" = FAIL ]; then
        # What there is instead, for whoever reads the log.
        grep -E 'xen|CPU' /proc/interrupts 2>/dev/null | head -n 20 | sed 's/^/KEEL-LINUX-INFO: /'
    fi
}

# ---- cpu-hotplug: secondary CPUs go offline and come back ---------------------
# Offline ends a CPU in HLT with interrupts off (a vCPU down for Keel);
# online starts it again with INIT/STARTUP, its timer and IPI event
# channels bound anew.  Two rounds: the second needs the first's ports
# closed cleanly.  With one CPU there is nothing to do.
check_cpu_hotplug() {
    [ "$online" -gt 1 ] || return 0
    rounds=2 r=1 why=''
    while [ "$r" -le "$rounds" ] && [ -z "$why" ]; do
        for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
            [ -w "$f" ] || { why="cannot write $f"; break; }
            echo 0 > "$f" 2>/dev/null || { why="round $r: offlining ${f%/online} failed"; break; }
        done
        [ -n "$why" ] || [ "$(nproc)" = 1 ] || why="round $r: $(nproc) CPUs still online after offlining"
        for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
            [ -n "$why" ] && break
            echo 1 > "$f" 2>/dev/null || why="round $r: onlining ${f%/online} failed"
        done
        [ -n "$why" ] || [ "$(nproc)" = "$online" ] || why="round $r: $(nproc) of $online CPUs back online"
        r=$((r + 1))
    done
    if [ -n "$why" ]; then
        result cpu-hotplug FAIL "$why"
    else
        result cpu-hotplug PASS "CPUs 1-$((online - 1)) offline and online again, $rounds rounds"
    fi
}

check_nproc
check_hypervisor
check_clock
check_cpu_load
check_interrupts
check_cpu_hotplug

if [ -z "$failed" ]; then
    say "verdict PASS"
else
    say "verdict FAIL$failed"
    # The kernel's own view of what went wrong (console output was
    # silenced by /init to keep these lines whole).
    dmesg 2>/dev/null | grep -iE 'xen|error|fail|warn|bug' | tail -n 25 | sed 's/^/KEEL-LINUX-INFO: /'
fi

[ "$(param keel.noend)" = 1 ] && exit 0
# The end action is `poweroff -f`: never on a machine that merely ran this
# script by hand, only under the test initramfs's /init.
if [ "${KEEL_LINUX_INIT:-}" != 1 ]; then
    say "end skipped (not started by the test initramfs's /init)"
    exit 0
fi
end=$(param keel.end)
case $end in
    poweroff|reboot) ;;
    '') end=poweroff ;;
    *) say "end FAIL unknown keel.end=$end, powering off"; end=poweroff ;;
esac
say "end $end"
# Let the console drain (tty output is buffered in the kernel) before the
# machine goes away.
sleep 1
sync
if [ "$end" = reboot ]; then
    reboot -f
else
    poweroff -f
fi
say "end FAIL '$end -f' returned"
