# SPDX-License-Identifier: GPL-2.0-only
# Toolchain and flags shared by xen/ and tools/.

CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy
NM      ?= nm
HOSTCC  ?= gcc

# The hypervisor: freestanding, no SSE, kernel code model (linked in the
# top 2 GiB), no red zone (interrupts land on the same stack).
XEN_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mgeneral-regs-only -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx \
	-fno-strict-aliasing -fno-common \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
XEN_ASFLAGS := -D__ASSEMBLY__
XEN_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# Host tools and unit tests.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror
SANITIZE    := -fsanitize=address,undefined -fno-sanitize-recover=all
