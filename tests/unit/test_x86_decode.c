/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MMIO instruction decoder (xen/arch/x86/x86_emulate/decode.c) and
 * its ALU helper (alu.c): a table of encodings (checked against GNU as)
 * with what each must decode to, the effective-address arithmetic, and
 * random byte strings that must never crash, never read past what they
 * were given and never depend on bytes past the instruction or past the
 * 15-byte limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/x86_decode.h>
#include "harness.h"

#define N   X86_REG_NONE

struct known {
    const char *text;           /* what GNU as printed for the bytes */
    enum x86_decode_mode mode;
    uint8_t bytes[16];
    uint8_t nbytes;
    /* expected */
    uint8_t len, op, op_size, reg_size, addr_size;
    int8_t reg;
    bool high, has_imm;
    uint64_t imm;
    uint8_t seg;
    int8_t base, index;
    uint8_t scale;
    int64_t disp;
    bool rip_rel, rd, wr_mem, wr_reg, rep, lock;
};

#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

static const struct known known[] = {
    /* 64-bit: what Linux's readl/writel and the APIC/IOAPIC/HPET accessors emit. */
    { "mov 0x20(%rax),%eax", X86_MODE_64, B(0x8b, 0x40, 0x20),
      3, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0x20, 0, 1, 0, 1, 0, 0 },
    { "mov %eax,0x300(%rdi)", X86_MODE_64, B(0x89, 0x87, 0x00, 0x03, 0x00, 0x00),
      6, X86_OP_MOV_STORE, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 7, N, 1, 0x300, 0, 0, 1, 0, 0, 0 },
    { "movl $0x12345678,0xb0(%rdx)", X86_MODE_64,
      B(0xc7, 0x82, 0xb0, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12),
      10, X86_OP_MOV_STORE, 4, 0, 8, N, 0, 1, 0x12345678, X86_SEG_DS, 2, N, 1, 0xb0,
      0, 0, 1, 0, 0, 0 },
    { "mov (%rsi),%al", X86_MODE_64, B(0x8a, 0x06),
      2, X86_OP_MOV_LOAD, 1, 1, 8, 0, 0, 0, 0, X86_SEG_DS, 6, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "mov %r9b,(%r10)", X86_MODE_64, B(0x45, 0x88, 0x0a),
      3, X86_OP_MOV_STORE, 1, 1, 8, 9, 0, 0, 0, X86_SEG_DS, 10, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "mov 0x10(%rsp),%ah", X86_MODE_64, B(0x8a, 0x64, 0x24, 0x10),
      4, X86_OP_MOV_LOAD, 1, 1, 8, 4, 1, 0, 0, X86_SEG_SS, 4, N, 1, 0x10, 0, 1, 0, 1, 0, 0 },
    { "mov %r15,0x8(%rbx,%r12,4)", X86_MODE_64, B(0x4e, 0x89, 0x7c, 0xa3, 0x08),
      5, X86_OP_MOV_STORE, 8, 8, 8, 15, 0, 0, 0, X86_SEG_DS, 3, 12, 4, 8, 0, 0, 1, 0, 0, 0 },
    { "movzbl 0x4(%rcx),%edx", X86_MODE_64, B(0x0f, 0xb6, 0x51, 0x04),
      4, X86_OP_MOVZX, 1, 4, 8, 2, 0, 0, 0, X86_SEG_DS, 1, N, 1, 4, 0, 1, 0, 1, 0, 0 },
    { "movzwl 0x10(%rdi),%r8d", X86_MODE_64, B(0x44, 0x0f, 0xb7, 0x47, 0x10),
      5, X86_OP_MOVZX, 2, 4, 8, 8, 0, 0, 0, X86_SEG_DS, 7, N, 1, 0x10, 0, 1, 0, 1, 0, 0 },
    { "movsbq (%rax),%rax", X86_MODE_64, B(0x48, 0x0f, 0xbe, 0x00),
      4, X86_OP_MOVSX, 1, 8, 8, 0, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "movswl 0x2(%rbp),%ecx", X86_MODE_64, B(0x0f, 0xbf, 0x4d, 0x02),
      4, X86_OP_MOVSX, 2, 4, 8, 1, 0, 0, 0, X86_SEG_SS, 5, N, 1, 2, 0, 1, 0, 1, 0, 0 },
    { "movabs 0xfed00000,%eax", X86_MODE_64,
      B(0xa1, 0x00, 0x00, 0xd0, 0xfe, 0x00, 0x00, 0x00, 0x00),
      9, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0xfed00000, 0, 1, 0, 1, 0, 0 },
    { "movabs %eax,0xfec00010", X86_MODE_64,
      B(0xa3, 0x10, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
      9, X86_OP_MOV_STORE, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0xfec00010, 0, 0, 1, 0, 0, 0 },
    { "movnti %ecx,(%rdi)", X86_MODE_64, B(0x0f, 0xc3, 0x0f),
      3, X86_OP_MOV_STORE, 4, 4, 8, 1, 0, 0, 0, X86_SEG_DS, 7, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "movnti %rcx,(%rdi)", X86_MODE_64, B(0x48, 0x0f, 0xc3, 0x0f),
      4, X86_OP_MOV_STORE, 8, 8, 8, 1, 0, 0, 0, X86_SEG_DS, 7, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "orl $0x100,0xf0(%rax)", X86_MODE_64,
      B(0x81, 0x88, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00),
      10, X86_OP_OR, 4, 0, 8, N, 0, 1, 0x100, X86_SEG_DS, 0, N, 1, 0xf0, 0, 1, 1, 0, 0, 0 },
    { "andl $0xfffffff0,(%rax)", X86_MODE_64, B(0x83, 0x20, 0xf0),
      3, X86_OP_AND, 4, 0, 8, N, 0, 1, 0xfffffff0, X86_SEG_DS, 0, N, 1, 0, 0, 1, 1, 0, 0, 0 },
    { "add %eax,(%rbx)", X86_MODE_64, B(0x01, 0x03),
      2, X86_OP_ADD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 3, N, 1, 0, 0, 1, 1, 0, 0, 0 },
    { "sub (%rbx),%eax", X86_MODE_64, B(0x2b, 0x03),
      2, X86_OP_SUB, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 3, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "xorb $0x80,(%rcx)", X86_MODE_64, B(0x80, 0x31, 0x80),
      3, X86_OP_XOR, 1, 0, 8, N, 0, 1, 0x80, X86_SEG_DS, 1, N, 1, 0, 0, 1, 1, 0, 0, 0 },
    { "cmpl $0x5,0x30(%rax)", X86_MODE_64, B(0x83, 0x78, 0x30, 0x05),
      4, X86_OP_CMP, 4, 0, 8, N, 0, 1, 5, X86_SEG_DS, 0, N, 1, 0x30, 0, 1, 0, 0, 0, 0 },
    { "testl $0x1000,0x300(%rdx)", X86_MODE_64,
      B(0xf7, 0x82, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00),
      10, X86_OP_TEST, 4, 0, 8, N, 0, 1, 0x1000, X86_SEG_DS, 2, N, 1, 0x300, 0, 1, 0, 0, 0, 0 },
    { "test %al,(%rdx)", X86_MODE_64, B(0x84, 0x02),
      2, X86_OP_TEST, 1, 1, 8, 0, 0, 0, 0, X86_SEG_DS, 2, N, 1, 0, 0, 1, 0, 0, 0, 0 },
    { "xchg %eax,(%rdx)", X86_MODE_64, B(0x87, 0x02),
      2, X86_OP_XCHG, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 2, N, 1, 0, 0, 1, 1, 1, 0, 0 },
    { "lock orl $0x1,(%rax)", X86_MODE_64, B(0xf0, 0x83, 0x08, 0x01),
      4, X86_OP_OR, 4, 0, 8, N, 0, 1, 1, X86_SEG_DS, 0, N, 1, 0, 0, 1, 1, 0, 0, 1 },
    { "mov 0x1000(%rip),%eax", X86_MODE_64, B(0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
      6, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0x1000, 1, 1, 0, 1, 0, 0 },
    { "movw $0x1234,(%rax)", X86_MODE_64, B(0x66, 0xc7, 0x00, 0x34, 0x12),
      5, X86_OP_MOV_STORE, 2, 0, 8, N, 0, 1, 0x1234, X86_SEG_DS, 0, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "mov %fs:0x10,%eax", X86_MODE_64, B(0x64, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00),
      8, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_FS, N, N, 1, 0x10, 0, 1, 0, 1, 0, 0 },
    { "rep movsb", X86_MODE_64, B(0xf3, 0xa4),
      2, X86_OP_MOVS, 1, 1, 8, N, 0, 0, 0, X86_SEG_DS, N, N, 1, 0, 0, 1, 1, 0, 1, 0 },
    { "rep stos %eax,%es:(%rdi)", X86_MODE_64, B(0xf3, 0xab),
      2, X86_OP_STOS, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0, 0, 0, 1, 0, 1, 0 },
    { "stos %rax,%es:(%rdi)", X86_MODE_64, B(0x48, 0xab),
      2, X86_OP_STOS, 8, 8, 8, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "mov (%eax),%ecx", X86_MODE_64, B(0x67, 0x8b, 0x08),
      3, X86_OP_MOV_LOAD, 4, 4, 4, 1, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "movq $0xffffffffffffffff,(%rax)", X86_MODE_64,
      B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
      7, X86_OP_MOV_STORE, 8, 0, 8, N, 0, 1, ~0ULL, X86_SEG_DS, 0, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "mov 0x0(,%rcx,8),%rax", X86_MODE_64,
      B(0x48, 0x8b, 0x04, 0xcd, 0x00, 0x00, 0x00, 0x00),
      8, X86_OP_MOV_LOAD, 8, 8, 8, 0, 0, 0, 0, X86_SEG_DS, N, 1, 8, 0, 0, 1, 0, 1, 0, 0 },
    { "mov (%r12),%eax", X86_MODE_64, B(0x41, 0x8b, 0x04, 0x24),
      4, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 12, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "mov 0x0(%r13),%eax", X86_MODE_64, B(0x41, 0x8b, 0x45, 0x00),
      4, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 13, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "cmp %cl,(%rsi)", X86_MODE_64, B(0x38, 0x0e),
      2, X86_OP_CMP, 1, 1, 8, 1, 0, 0, 0, X86_SEG_DS, 6, N, 1, 0, 0, 1, 0, 0, 0, 0 },
    { "mov (%rax),%sil (REX makes reg 6 SIL, not DH)", X86_MODE_64, B(0x40, 0x8a, 0x30),
      3, X86_OP_MOV_LOAD, 1, 1, 8, 6, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "REX before 0x66 is ignored: mov %ax,(%rax)", X86_MODE_64, B(0x48, 0x66, 0x89, 0x00),
      4, X86_OP_MOV_STORE, 2, 2, 8, 0, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "ds-override in 64-bit mode is recorded", X86_MODE_64, B(0x3e, 0x8b, 0x00),
      3, X86_OP_MOV_LOAD, 4, 4, 8, 0, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0, 0, 1, 0, 1, 0, 0 },

    /* 32-bit protected mode. */
    { "mov 0x20(%eax),%eax", X86_MODE_32, B(0x8b, 0x40, 0x20),
      3, X86_OP_MOV_LOAD, 4, 4, 4, 0, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0x20, 0, 1, 0, 1, 0, 0 },
    { "mov %ax,(%ebx)", X86_MODE_32, B(0x66, 0x89, 0x03),
      3, X86_OP_MOV_STORE, 2, 2, 4, 0, 0, 0, 0, X86_SEG_DS, 3, N, 1, 0, 0, 0, 1, 0, 0, 0 },
    { "mov (%bx),%eax (addr16)", X86_MODE_32, B(0x67, 0x8b, 0x07),
      3, X86_OP_MOV_LOAD, 4, 4, 2, 0, 0, 0, 0, X86_SEG_DS, 3, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "mov 0xfed00000,%eax", X86_MODE_32, B(0xa1, 0x00, 0x00, 0xd0, 0xfe),
      5, X86_OP_MOV_LOAD, 4, 4, 4, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0xfed00000, 0, 1, 0, 1, 0, 0 },
    { "mov 0xfee00020,%eax (disp32, no RIP-relative outside 64-bit)", X86_MODE_32,
      B(0x8b, 0x05, 0x20, 0x00, 0xe0, 0xfe),
      6, X86_OP_MOV_LOAD, 4, 4, 4, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, (int32_t)0xfee00020, 0,
      1, 0, 1, 0, 0 },
    { "mov 0x8(%ebp),%eax", X86_MODE_32, B(0x8b, 0x45, 0x08),
      3, X86_OP_MOV_LOAD, 4, 4, 4, 0, 0, 0, 0, X86_SEG_SS, 5, N, 1, 8, 0, 1, 0, 1, 0, 0 },
    { "mov %es:(%esp),%eax", X86_MODE_32, B(0x26, 0x8b, 0x04, 0x24),
      4, X86_OP_MOV_LOAD, 4, 4, 4, 0, 0, 0, 0, X86_SEG_ES, 4, N, 1, 0, 0, 1, 0, 1, 0, 0 },

    /* 16-bit (real mode). */
    { "mov (%bx),%ax", X86_MODE_16, B(0x8b, 0x07),
      2, X86_OP_MOV_LOAD, 2, 2, 2, 0, 0, 0, 0, X86_SEG_DS, 3, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "mov (%bx),%eax", X86_MODE_16, B(0x66, 0x8b, 0x07),
      3, X86_OP_MOV_LOAD, 4, 4, 2, 0, 0, 0, 0, X86_SEG_DS, 3, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "mov 0x2(%bp),%ax", X86_MODE_16, B(0x8b, 0x46, 0x02),
      3, X86_OP_MOV_LOAD, 2, 2, 2, 0, 0, 0, 0, X86_SEG_SS, 5, N, 1, 2, 0, 1, 0, 1, 0, 0 },
    { "mov 0x1234,%ax", X86_MODE_16, B(0x8b, 0x06, 0x34, 0x12),
      4, X86_OP_MOV_LOAD, 2, 2, 2, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0x1234, 0, 1, 0, 1, 0, 0 },
    { "mov 0x1234,%ax (moffs16)", X86_MODE_16, B(0xa1, 0x34, 0x12),
      3, X86_OP_MOV_LOAD, 2, 2, 2, 0, 0, 0, 0, X86_SEG_DS, N, N, 1, 0x1234, 0, 1, 0, 1, 0, 0 },
    { "mov -0x10(%bx,%si),%al", X86_MODE_16, B(0x8a, 0x40, 0xf0),
      3, X86_OP_MOV_LOAD, 1, 1, 2, 0, 0, 0, 0, X86_SEG_DS, 3, 6, 1, -16, 0, 1, 0, 1, 0, 0 },
    { "mov (%eax),%ax (addr32)", X86_MODE_16, B(0x67, 0x8b, 0x00),
      3, X86_OP_MOV_LOAD, 2, 2, 4, 0, 0, 0, 0, X86_SEG_DS, 0, N, 1, 0, 0, 1, 0, 1, 0, 0 },
    { "movw $0xbeef,%es:(%di)", X86_MODE_16, B(0x26, 0xc7, 0x05, 0xef, 0xbe),
      5, X86_OP_MOV_STORE, 2, 0, 2, N, 0, 1, 0xbeef, X86_SEG_ES, 7, N, 1, 0, 0, 0, 1, 0, 0, 0 },
};

static void check_known(const struct known *k)
{
    struct x86_insn in;
    uint8_t *buf = malloc(k->nbytes);
    int rc;

    REQUIRE(buf);
    memcpy(buf, k->bytes, k->nbytes);
    rc = x86_decode(buf, k->nbytes, k->mode, &in);
    if ( rc )
        printf("  %s: rc %d\n", k->text, rc);
    CHECK(rc == 0);
    if ( rc == 0 && (in.len != k->len || in.op != k->op || in.op_size != k->op_size ||
                     (k->reg_size && in.reg_size != k->reg_size) ||
                     in.addr_size != k->addr_size ||
                     in.reg != k->reg || in.reg_high_byte != k->high ||
                     in.has_imm != k->has_imm || in.imm != k->imm || in.seg != k->seg ||
                     in.rep != k->rep || in.lock != k->lock ||
                     in.reads_mem != k->rd || in.writes_mem != k->wr_mem ||
                     in.writes_reg != k->wr_reg) )
    {
        printf("  %s: len %u op %u size %u/%u asize %u reg %d high %d imm %d/%#llx seg %u "
               "rep %d lock %d r/w/wr %d%d%d\n", k->text, in.len, in.op, in.op_size,
               in.reg_size, in.addr_size, in.reg, in.reg_high_byte, in.has_imm,
               (unsigned long long)in.imm, in.seg, in.rep, in.lock, in.reads_mem,
               in.writes_mem, in.writes_reg);
        CHECK(!"decoded fields differ");
    }
    /* The address of string forms is implied; the others' must match. */
    if ( rc == 0 && in.op != X86_OP_MOVS && in.op != X86_OP_STOS &&
         (in.ea.base != k->base || in.ea.index != k->index || in.ea.scale != k->scale ||
          in.ea.disp != k->disp || in.ea.rip_relative != k->rip_rel) )
    {
        printf("  %s: base %d index %d scale %u disp %#llx rip %d\n", k->text, in.ea.base,
               in.ea.index, in.ea.scale, (unsigned long long)in.ea.disp, in.ea.rip_relative);
        CHECK(!"effective address differs");
    }
    /* One byte short: the decoder asks for more, it never guesses. */
    if ( k->nbytes > 1 )
        CHECK(x86_decode(buf, k->nbytes - 1, k->mode, &in) == -ENODATA);
    free(buf);
}

TEST(known_encodings)
{
    for ( size_t i = 0; i < ARRAY_SIZE(known); i++ )
        check_known(&known[i]);
}

static int decode_bytes(enum x86_decode_mode mode, const uint8_t *b, size_t n)
{
    struct x86_insn in;
    uint8_t *buf = malloc(n ? n : 1);
    int rc;

    if ( n )
        memcpy(buf, b, n);
    rc = x86_decode(buf, n, mode, &in);
    free(buf);
    return rc;
}

TEST(refused_encodings)
{
    static const uint8_t mod3[] = { 0x8b, 0xc0 };               /* mov %eax,%eax */
    static const uint8_t ud2[] = { 0x0f, 0x0b };
    static const uint8_t inc[] = { 0xff, 0x00 };                /* incl (%rax) */
    static const uint8_t lock_mov[] = { 0xf0, 0x8b, 0x00 };
    static const uint8_t lock_cmp[] = { 0xf0, 0x39, 0x00 };
    static const uint8_t c7_1[] = { 0xc7, 0x08, 0, 0, 0, 0 };
    static const uint8_t movnti16[] = { 0x66, 0x0f, 0xc3, 0x0f };
    static const uint8_t adc[] = { 0x11, 0x00 };
    static const uint8_t grp1_adc[] = { 0x83, 0x10, 0x01 };
    static const uint8_t not_[] = { 0xf7, 0x10 };
    static const uint8_t inc32[] = { 0x40 };                    /* not a REX outside 64-bit */
    uint8_t longest[16];

    CHECK(decode_bytes(X86_MODE_64, mod3, sizeof(mod3)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_64, ud2, sizeof(ud2)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_64, inc, sizeof(inc)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_64, lock_mov, sizeof(lock_mov)) == -EINVAL);
    CHECK(decode_bytes(X86_MODE_64, lock_cmp, sizeof(lock_cmp)) == -EINVAL);
    CHECK(decode_bytes(X86_MODE_64, c7_1, sizeof(c7_1)) == -EINVAL);
    CHECK(decode_bytes(X86_MODE_64, movnti16, sizeof(movnti16)) == -EINVAL);
    CHECK(decode_bytes(X86_MODE_64, adc, sizeof(adc)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_64, grp1_adc, sizeof(grp1_adc)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_64, not_, sizeof(not_)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_32, inc32, sizeof(inc32)) == -EOPNOTSUPP);
    CHECK(decode_bytes(X86_MODE_64, NULL, 0) == -ENODATA);

    /* 13 operand-size prefixes + mov (%rax),%ax = 15 bytes: fine; one more is too long. */
    memset(longest, 0x66, sizeof(longest));
    longest[13] = 0x8b;
    longest[14] = 0x00;
    CHECK(decode_bytes(X86_MODE_64, longest, 15) == 0);
    memset(longest, 0x66, sizeof(longest));
    longest[14] = 0x8b;
    longest[15] = 0x00;
    CHECK(decode_bytes(X86_MODE_64, longest, 16) == -EINVAL);
    /* Only 15 bytes were ever readable: still "too long", not "need more". */
    CHECK(decode_bytes(X86_MODE_64, longest, 15) == -EINVAL);
}

TEST(effective_address)
{
    uint64_t gpr[16] = { 0 };
    struct x86_insn in;
    static const uint8_t riprel[] = { 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00 };
    static const uint8_t sib[] = { 0x4e, 0x89, 0x7c, 0xa3, 0x08 };     /* 0x8(%rbx,%r12,4) */
    static const uint8_t neg[] = { 0x8b, 0x40, 0xf0 };                 /* -0x10(%rax) */
    static const uint8_t a32[] = { 0x67, 0x8b, 0x40, 0x10 };           /* 0x10(%eax) */
    static const uint8_t bp_si[] = { 0x8b, 0x02 };                     /* (%bp,%si) */
    static const uint8_t moffs[] = { 0xa1, 0x00, 0x00, 0xd0, 0xfe, 0, 0, 0, 0 };

    REQUIRE(x86_decode(riprel, sizeof(riprel), X86_MODE_64, &in) == 0);
    CHECK(x86_ea_offset(&in, gpr, 0xffffffff81000000ULL) == 0xffffffff81001006ULL);

    gpr[X86_REG_RBX] = 0xfee00000;
    gpr[12] = 0x8;
    REQUIRE(x86_decode(sib, sizeof(sib), X86_MODE_64, &in) == 0);
    CHECK(x86_ea_offset(&in, gpr, 0) == 0xfee00028);

    gpr[X86_REG_RAX] = 0xfed00100;
    REQUIRE(x86_decode(neg, sizeof(neg), X86_MODE_64, &in) == 0);
    CHECK(x86_ea_offset(&in, gpr, 0) == 0xfed000f0);

    /* 32-bit addressing in 64-bit mode wraps at 4 GiB. */
    gpr[X86_REG_RAX] = 0x1fffffff8ULL;
    REQUIRE(x86_decode(a32, sizeof(a32), X86_MODE_64, &in) == 0);
    CHECK(x86_ea_offset(&in, gpr, 0) == 0x8);

    /* 16-bit addressing wraps at 64 KiB. */
    gpr[X86_REG_RBP] = 0xffff;
    gpr[X86_REG_RSI] = 0x3;
    REQUIRE(x86_decode(bp_si, sizeof(bp_si), X86_MODE_16, &in) == 0);
    CHECK(in.seg == X86_SEG_SS);
    CHECK(x86_ea_offset(&in, gpr, 0) == 0x2);

    REQUIRE(x86_decode(moffs, sizeof(moffs), X86_MODE_64, &in) == 0);
    CHECK(x86_ea_offset(&in, gpr, 0x1234) == 0xfed00000);
}

TEST(alu_flags)
{
    uint64_t d, f;

    d = 0xff;
    f = x86_alu(X86_OP_ADD, 1, &d, 1, 0);
    CHECK(d == 0);
    CHECK(f == (X86_EFLAGS_CF | X86_EFLAGS_ZF | X86_EFLAGS_PF | X86_EFLAGS_AF));

    d = 0x7fffffff;
    f = x86_alu(X86_OP_ADD, 4, &d, 1, 0x202);
    CHECK(d == 0x80000000);
    CHECK(f == (0x202 | X86_EFLAGS_OF | X86_EFLAGS_SF | X86_EFLAGS_AF | X86_EFLAGS_PF));

    d = 0;
    f = x86_alu(X86_OP_SUB, 4, &d, 1, 0);
    CHECK(d == 0xffffffff);
    CHECK(f == (X86_EFLAGS_CF | X86_EFLAGS_SF | X86_EFLAGS_PF | X86_EFLAGS_AF));

    /* CMP sets flags and writes nothing. */
    d = 5;
    f = x86_alu(X86_OP_CMP, 8, &d, 5, X86_EFLAGS_CF | X86_EFLAGS_OF);
    CHECK(d == 5);
    CHECK(f == (X86_EFLAGS_ZF | X86_EFLAGS_PF));

    /* Logical ops clear CF and OF; TEST writes nothing. */
    d = 0xf0;
    f = x86_alu(X86_OP_OR, 2, &d, 0x8001, X86_EFLAGS_CF | X86_EFLAGS_OF);
    CHECK(d == 0x80f1);
    CHECK(f == X86_EFLAGS_SF);
    d = 0x1000;
    f = x86_alu(X86_OP_TEST, 4, &d, 0x1000, 0);
    CHECK(d == 0x1000);
    CHECK(f == X86_EFLAGS_PF);
    d = 0x1234;
    f = x86_alu(X86_OP_AND, 4, &d, 0xff00, 0);
    CHECK(d == 0x1200);
    d = 0xff;
    f = x86_alu(X86_OP_XOR, 1, &d, 0xff, 0);
    CHECK(d == 0 && f == (X86_EFLAGS_ZF | X86_EFLAGS_PF));
    /* Results are confined to the operand size. */
    d = 0xffffffffffff0000ULL;
    x86_alu(X86_OP_ADD, 2, &d, 0x10001, 0);
    CHECK(d == 0x1);
}

static uint64_t rng_state = 0x4b45454c5f444543ULL;     /* fixed seed: runs are repeatable */

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Bytes that steer random strings into the interesting parts of the opcode map. */
static const uint8_t interesting[] = {
    0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x40, 0x41, 0x44, 0x48,
    0x4c, 0x4f, 0x0f, 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
    0xaa, 0xab, 0x80, 0x81, 0x83, 0x84, 0x85, 0x86, 0x87, 0xf6, 0xf7, 0xb6, 0xb7, 0xbe, 0xbf,
    0xc3, 0x04, 0x05, 0x24, 0x25, 0x44, 0x84, 0x00, 0xff,
};

TEST(random_bytes_never_overrun)
{
    static const enum x86_decode_mode modes[] = { X86_MODE_16, X86_MODE_32, X86_MODE_64 };
    unsigned long decoded = 0;
    bool ok = true;

    for ( unsigned int iter = 0; iter < 200000 && ok; iter++ )
    {
        uint8_t src[24];
        size_t n = rng() % (sizeof(src) + 1);
        enum x86_decode_mode mode = modes[rng() % 3];
        struct x86_insn in, again;
        uint8_t *buf;
        int rc, rc2;

        for ( size_t i = 0; i < sizeof(src); i++ )
        {
            uint64_t r = rng();

            src[i] = (r & 3) ? interesting[(r >> 8) % sizeof(interesting)] : (uint8_t)(r >> 16);
        }
        /* Exactly n readable bytes on the heap: ASan reports any read past them. */
        buf = malloc(n ? n : 1);
        memcpy(buf, src, n);
        rc = x86_decode(buf, n, mode, &in);
        free(buf);

        if ( rc != 0 && rc != -ENODATA && rc != -EOPNOTSUPP && rc != -EINVAL )
            ok = false;
        if ( rc == -ENODATA && n >= X86_MAX_INSN_LEN )
            ok = false;                 /* 15 bytes always suffice to decide */
        if ( rc != 0 )
            continue;
        decoded++;
        if ( in.len == 0 || in.len > n || in.len > X86_MAX_INSN_LEN ||
             (in.op_size != 1 && in.op_size != 2 && in.op_size != 4 && in.op_size != 8) ||
             (in.addr_size != 2 && in.addr_size != 4 && in.addr_size != 8) ||
             in.seg > X86_SEG_GS || in.op > X86_OP_STOS || in.reg > 15 ||
             (in.ea.base != X86_REG_NONE && in.ea.base > 15) ||
             (in.ea.index != X86_REG_NONE && in.ea.index > 15) )
            ok = false;
        /* The result depends on the instruction's own bytes only. */
        buf = malloc(in.len);
        memcpy(buf, src, in.len);
        rc2 = x86_decode(buf, in.len, mode, &again);
        free(buf);
        if ( rc2 != 0 || memcmp(&in, &again, sizeof(in)) )
            ok = false;
        if ( !ok )
            printf("  iteration %u: mode %d, %zu bytes, rc %d/%d len %u\n", iter, mode, n, rc,
                   rc2, in.len);
    }
    CHECK(ok);
    /* The steering worked: a good share of the strings were instructions. */
    CHECK(decoded > 10000);
}

TEST(alu_operand_order)
{
    static const uint8_t cmp_mem_reg[] = { 0x39, 0x03 };       /* cmp %eax,(%rbx): mem - eax */
    static const uint8_t cmp_reg_mem[] = { 0x3b, 0x03 };       /* cmp (%rbx),%eax: eax - mem */
    static const uint8_t or_imm[] = { 0x83, 0x08, 0x01 };
    struct x86_insn in;

    REQUIRE(x86_decode(cmp_mem_reg, sizeof(cmp_mem_reg), X86_MODE_64, &in) == 0);
    CHECK(!in.mem_second && !in.writes_reg && !in.writes_mem);
    REQUIRE(x86_decode(cmp_reg_mem, sizeof(cmp_reg_mem), X86_MODE_64, &in) == 0);
    CHECK(in.mem_second && !in.writes_reg && !in.writes_mem);
    REQUIRE(x86_decode(or_imm, sizeof(or_imm), X86_MODE_64, &in) == 0);
    CHECK(!in.mem_second && in.writes_mem);
}
