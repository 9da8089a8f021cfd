# SPDX-License-Identifier: GPL-2.0-only
# Keel: `make run` boots Keel with a Linux guest in QEMU, `make test` runs every test.

ROOT := $(CURDIR)
include Config.mk

BUILD := build

.PHONY: all deps xen iso guests run test unit bench clean

all: xen

deps:
	@scripts/deps

xen: deps
	$(MAKE) -C xen

$(BUILD)/keel.iso: xen scripts/mkiso
	@mkdir -p $(BUILD)
	scripts/mkiso -o $@ --cmdline "console=com1 com1=115200,8n1 loglvl=all" xen/keel.gz

iso: $(BUILD)/keel.iso

guests: deps
	$(MAKE) -s -C tests/guests

# The demo: Keel on QEMU (AMD-V) with Debian's stock Linux kernel as a PVH
# guest, the serial console on this terminal (Ctrl-] x quits QEMU).  The
# kernel comes from scripts/linux-kernel (downloaded once, then cached), the
# initramfs from scripts/linux-initramfs.  keel.shell=1 asks /init for a
# shell on hvc0 (Keel's console backend); leaving it powers the guest off,
# which ends QEMU.  RUN_VCPUS, RUN_MEMORY (MiB) and
# RUN_CMDLINE_EXTRA change the guest, e.g. make run RUN_CMDLINE_EXTRA=loglevel=8.
LINUX_INITRD := tests/build/linux/initramfs.cpio.gz
RUN_VCPUS ?= 1
RUN_MEMORY ?= 512
RUN_CMDLINE_EXTRA ?=
RUN_CMDLINE = console=hvc0 earlyprintk=xen keel.shell=1 keel.vcpus=$(RUN_VCPUS) $(RUN_CMDLINE_EXTRA)

$(LINUX_INITRD): scripts/linux-initramfs tests/linux/checks.sh
	scripts/linux-initramfs $@ > /dev/null

run: xen $(LINUX_INITRD)
	@vmlinux=$$(scripts/linux-kernel) && \
	scripts/run-guest --interactive --vcpus $(RUN_VCPUS) --memory $(RUN_MEMORY) \
		--cmdline "$(strip $(RUN_CMDLINE))" --initrd $(LINUX_INITRD) "$$vmlinux"

unit: deps
	$(MAKE) -C tests/unit

test: xen unit guests
	tests/run

bench: xen guests
	tests/bench

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tests/unit clean
	rm -rf $(BUILD) tests/build
