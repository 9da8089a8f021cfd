# SPDX-License-Identifier: GPL-2.0-only
# Keel: `make run` boots the demo in QEMU, `make test` runs every test.

ROOT := $(CURDIR)
include Config.mk

BUILD := build

.PHONY: all deps xen iso run test unit bench clean

all: xen

deps:
	@scripts/deps

xen: deps
	$(MAKE) -C xen

$(BUILD)/keel.iso: xen scripts/mkiso
	@mkdir -p $(BUILD)
	scripts/mkiso -o $@ --cmdline "console=com1 com1=115200,8n1 loglvl=all" xen/keel.gz

iso: $(BUILD)/keel.iso

run: $(BUILD)/keel.iso
	@echo "Booting Keel under QEMU (Ctrl-A X quits)"
	scripts/qemu --interactive --cpus 2 --memory 1G $<

unit: deps
	$(MAKE) -C tests/unit

test: xen unit
	tests/run

bench: xen
	tests/bench

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tests/unit clean
	rm -rf $(BUILD) tests/build
