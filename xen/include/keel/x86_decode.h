/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_X86_DECODE_H
#define KEEL_X86_DECODE_H

/*
 * Decoder for the instructions guests use on MMIO (x86_emulate/decode.c).
 *
 * Without decode assists (QEMU's SVM has none) a nested page fault on
 * emulated MMIO tells Keel only the guest-physical address: the
 * instruction itself must be decoded to learn the access size, the
 * direction and the register or immediate involved.  The decoder is pure
 * (bytes in, a description out) so it is unit-tested and fuzzed on the
 * host; it never reads past the bytes it is given nor past the 15-byte
 * architectural limit.
 *
 * Supported (what Linux's xAPIC/IOAPIC/HPET accessors and compiled
 * readl/writel emit): MOV r/m<->reg (88-8B), MOV r/m,imm (C6/C7 /0),
 * MOV moffs (A0-A3), MOVZX/MOVSX (0F B6/B7/BE/BF), MOVNTI (0F C3),
 * ADD/OR/AND/SUB/XOR/CMP with a memory operand (00-03, 08-0B, 20-23,
 * 28-2B, 30-33, 38-3B, 80/81/83), TEST (84/85, F6/F7 /0), XCHG (86/87),
 * and MOVS/STOS (A4/A5/AA/AB, with REP).  Everything else is refused.
 */
#include <keel/types.h>

#define X86_MAX_INSN_LEN    15

/* Modes that decide default operand and address size. */
enum x86_decode_mode {
    X86_MODE_16,        /* real mode, virtual-8086, 16-bit protected code segment */
    X86_MODE_32,        /* 32-bit protected code segment (also compatibility mode) */
    X86_MODE_64,        /* 64-bit code segment in long mode */
};

/* Segment numbers: the architectural sreg encoding (prefixes map onto it). */
#define X86_SEG_ES  0
#define X86_SEG_CS  1
#define X86_SEG_SS  2
#define X86_SEG_DS  3
#define X86_SEG_FS  4
#define X86_SEG_GS  5

/* General registers by their encoding number (rAX = 0 ... r15 = 15). */
#define X86_REG_RAX 0
#define X86_REG_RCX 1
#define X86_REG_RDX 2
#define X86_REG_RBX 3
#define X86_REG_RSP 4
#define X86_REG_RBP 5
#define X86_REG_RSI 6
#define X86_REG_RDI 7
#define X86_REG_NONE (-1)

enum x86_mem_op {
    X86_OP_MOV_LOAD,    /* reg <- mem (also MOV moffs to rAX) */
    X86_OP_MOV_STORE,   /* mem <- reg or imm */
    X86_OP_MOVZX,       /* reg <- zero-extended mem */
    X86_OP_MOVSX,       /* reg <- sign-extended mem */
    X86_OP_ADD,
    X86_OP_OR,
    X86_OP_AND,
    X86_OP_SUB,
    X86_OP_XOR,
    X86_OP_CMP,         /* flags only */
    X86_OP_TEST,        /* flags only */
    X86_OP_XCHG,        /* mem <-> reg */
    X86_OP_MOVS,        /* [ES:rDI] <- [seg:rSI], string */
    X86_OP_STOS,        /* [ES:rDI] <- rAX, string */
};

/* The memory operand's address: seg:(base + index * scale + disp) truncated to addr_size. */
struct x86_ea {
    int8_t base;            /* X86_REG_*, or X86_REG_NONE */
    int8_t index;           /* X86_REG_*, or X86_REG_NONE */
    uint8_t scale;          /* 1, 2, 4, 8 */
    bool rip_relative;      /* disp is relative to the next instruction's RIP */
    int64_t disp;           /* sign-extended (moffs: zero-extended) */
};

struct x86_insn {
    uint8_t len;            /* bytes, prefixes included */
    uint8_t op;             /* enum x86_mem_op */
    uint8_t op_size;        /* bytes of the memory access: 1, 2, 4 or 8 */
    uint8_t reg_size;       /* bytes of the register operand (MOVZX/MOVSX: the destination) */
    uint8_t addr_size;      /* 2, 4 or 8 */
    bool writes_mem;        /* the memory operand is written (stores, RMW, XCHG) */
    bool reads_mem;         /* the memory operand is read (loads, RMW, CMP/TEST, XCHG) */
    bool writes_reg;        /* the register operand receives a result */
    bool mem_second;        /* ALU forms: "reg OP mem" (02/03, 3A/3B...), not "mem OP src" */
    bool has_imm;
    int8_t reg;             /* register operand (X86_REG_*), X86_REG_NONE with an immediate */
    bool reg_high_byte;     /* reg 4-7 mean AH, CH, DH, BH (byte op without REX) */
    uint64_t imm;           /* sign-extended to op_size, then masked to op_size */
    uint8_t seg;            /* X86_SEG_* of the memory operand (MOVS: the source) */
    bool seg_override;      /* an override prefix chose seg */
    bool rep;               /* F3 on MOVS/STOS */
    bool lock;
    struct x86_ea ea;       /* unused by MOVS/STOS (rSI/rDI are implied) */
};

/*
 * Decode the instruction at @bytes (@avail bytes are readable; more than
 * 15 are never looked at).  Returns 0, -ENODATA when the instruction runs
 * past @avail (fetch more and retry), -EOPNOTSUPP for a valid instruction
 * the emulator does not handle (or one without a memory operand), and
 * -EINVAL for bytes that cannot be an instruction (over 15 bytes, LOCK on
 * a non-RMW form).
 */
int x86_decode(const uint8_t *bytes, size_t avail, enum x86_decode_mode mode,
               struct x86_insn *insn);

/*
 * The effective address (the offset inside the segment) of @insn's memory
 * operand, from the guest's registers (by encoding number) and the RIP of
 * the instruction itself; truncated to the address size.
 */
uint64_t x86_ea_offset(const struct x86_insn *insn, const uint64_t gpr[16], uint64_t rip);

/*
 * Arithmetic for the emulated ALU forms: *@dst = @dst OP @src for
 * X86_OP_ADD/OR/AND/SUB/XOR (CMP and TEST leave *@dst alone), in @size
 * bytes; returns the new RFLAGS with CF, PF, AF, ZF, SF and OF set as the
 * instruction does (AF is cleared by the logical ones, where the CPU
 * leaves it undefined).
 */
uint64_t x86_alu(unsigned int op, unsigned int size, uint64_t *dst, uint64_t src,
                 uint64_t rflags);

/* RFLAGS bits the ALU forms change. */
#define X86_EFLAGS_CF   0x0001UL
#define X86_EFLAGS_PF   0x0004UL
#define X86_EFLAGS_AF   0x0010UL
#define X86_EFLAGS_ZF   0x0040UL
#define X86_EFLAGS_SF   0x0080UL
#define X86_EFLAGS_OF   0x0800UL
#define X86_EFLAGS_ARITH (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
                          X86_EFLAGS_SF | X86_EFLAGS_OF)

#endif
