/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_ELF_H
#define KEEL_ELF_H

#include <keel/types.h>

/*
 * A validated ELF32 or ELF64 little-endian x86 executable held in memory.
 * elf_init() checks every header the other calls read, so they need no
 * further bounds checks and cannot fail on the image's structure.
 */
struct elf_image {
    const uint8_t *data;
    size_t len;
    bool is64;
    uint16_t machine;               /* EM_386 or EM_X86_64 */
    uint64_t entry;                 /* e_entry (not used for PVH) */
    uint64_t phoff, shoff;
    unsigned int phnum, shnum;
    unsigned int nr_load;           /* PT_LOAD segments with p_memsz > 0 */
    uint64_t load_start, load_end;  /* lowest p_paddr, highest p_paddr + p_memsz */
};

/* One PT_LOAD segment, already checked against the image. */
struct elf_segment {
    uint64_t paddr, vaddr;
    uint64_t offset, filesz, memsz;
    uint32_t flags;                 /* PF_X/PF_W/PF_R */
};

/* What the "Xen" ELF notes say.  Strings are NUL-terminated (truncated if long). */
struct elf_xen_notes {
    bool have_phys32_entry;
    uint32_t phys32_entry;
    bool have_phys32_reloc;         /* present, but Keel loads at p_paddr anyway */
    bool have_supported_features;
    uint32_t supported_features;    /* XENFEAT_* bitmap */
    char guest_os[32];
    char guest_version[32];
    char xen_version[32];
    char loader[32];
    unsigned int nr_notes;          /* "Xen" notes seen */
};

/* Refuse images with more headers than any real kernel has. */
#define ELF_MAX_PHDRS   64
#define ELF_MAX_SHDRS   4096

#define EM_386          3
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4
#define SHT_NOTE        7
#define SHT_NOBITS      8
#define PF_X            1
#define PF_W            2
#define PF_R            4

/*
 * Validate @len bytes at @data.  On failure returns -ENOEXEC with a
 * one-line reason in @err.  @data must stay valid while @elf is used.
 */
int elf_init(struct elf_image *elf, const void *data, size_t len,
             char *err, size_t errlen);

/*
 * PT_LOAD segments with a non-zero p_memsz, in program header order:
 * start with *cursor = 0; returns true and fills @seg while there are more.
 */
bool elf_next_load(const struct elf_image *elf, unsigned int *cursor,
                   struct elf_segment *seg);

/*
 * Collect the "Xen" notes from PT_NOTE segments (or, if the image has no
 * PT_NOTE segment, SHT_NOTE sections).  A note that overruns its segment
 * or a PHYS32_ENTRY of the wrong size is an error (-ENOEXEC, reason in @err).
 */
int elf_xen_notes(const struct elf_image *elf, struct elf_xen_notes *notes,
                  char *err, size_t errlen);

/* PHYS32_ENTRY, or -ENOEXEC "not a PVH kernel: ..." in @err when it is absent. */
int elf_pvh_entry(const struct elf_xen_notes *notes, uint32_t *entry,
                  char *err, size_t errlen);

#endif
