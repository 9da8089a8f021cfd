# SPDX-License-Identifier: GPL-2.0-only
# Keel: `make run` boots the demo in QEMU, `make test` runs every test.

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

# The demo: Keel on QEMU (AMD-V) with a PVH guest from a device tree.
run: xen guests
	scripts/run-guest --host-cpus 2 --cmdline "demo" tests/build/guests/hello.elf

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
