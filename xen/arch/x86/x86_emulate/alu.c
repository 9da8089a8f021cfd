/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arithmetic of the ALU instructions the MMIO emulator supports, with
 * their RFLAGS results (see x86_alu() in keel/x86_decode.h).  Computed in
 * C from the SDM's flag definitions, so it is host-testable.
 */
#include <keel/lib.h>
#include <keel/x86_decode.h>

static bool parity_even(uint8_t b)
{
    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return !(b & 1);
}

uint64_t x86_alu(unsigned int op, unsigned int size, uint64_t *dst, uint64_t src,
                 uint64_t rflags)
{
    unsigned int bits = size * 8;
    uint64_t mask = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
    uint64_t sign = 1ULL << (bits - 1);
    uint64_t a = *dst & mask, b = src & mask, r;
    uint64_t flags = 0;

    switch ( op )
    {
    case X86_OP_ADD:
        r = (a + b) & mask;
        if ( r < a )
            flags |= X86_EFLAGS_CF;
        /* Overflow: both operands have the same sign and the result differs. */
        if ( (~(a ^ b) & (a ^ r)) & sign )
            flags |= X86_EFLAGS_OF;
        if ( (a ^ b ^ r) & 0x10 )
            flags |= X86_EFLAGS_AF;
        break;
    case X86_OP_SUB:
    case X86_OP_CMP:
        r = (a - b) & mask;
        if ( a < b )
            flags |= X86_EFLAGS_CF;
        /* Overflow: the operands' signs differ and the result's differs from a's. */
        if ( ((a ^ b) & (a ^ r)) & sign )
            flags |= X86_EFLAGS_OF;
        if ( (a ^ b ^ r) & 0x10 )
            flags |= X86_EFLAGS_AF;
        break;
    case X86_OP_AND:
    case X86_OP_TEST:
        r = a & b;
        break;
    case X86_OP_OR:
        r = a | b;
        break;
    case X86_OP_XOR:
        r = a ^ b;
        break;
    default:
        return rflags;
    }
    if ( r == 0 )
        flags |= X86_EFLAGS_ZF;
    if ( r & sign )
        flags |= X86_EFLAGS_SF;
    if ( parity_even((uint8_t)r) )
        flags |= X86_EFLAGS_PF;
    if ( op != X86_OP_CMP && op != X86_OP_TEST )
        *dst = r;
    return (rflags & ~X86_EFLAGS_ARITH) | flags;
}
