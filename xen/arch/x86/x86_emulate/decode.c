/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoder for memory-operand instructions on emulated MMIO (see
 * keel/x86_decode.h).  Written from the SDM/APM opcode maps: legacy
 * prefixes, REX (64-bit mode only, and only directly before the opcode),
 * one- and two-byte opcodes, ModRM/SIB with 16-, 32- and 64-bit
 * addressing, displacements and immediates.
 *
 * Every byte goes through next_byte(), which refuses to read beyond the
 * bytes supplied or the 15-byte limit, so arbitrary guest bytes can never
 * make the decoder read out of bounds.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/x86_decode.h>

struct cursor {
    const uint8_t *bytes;
    size_t avail;
    size_t pos;
    int error;              /* first error seen; sticky */
};

static uint8_t next_byte(struct cursor *c)
{
    if ( c->error )
        return 0;
    if ( c->pos >= X86_MAX_INSN_LEN )
    {
        c->error = -EINVAL;     /* longer than any instruction may be */
        return 0;
    }
    if ( c->pos >= c->avail )
    {
        c->error = -ENODATA;
        return 0;
    }
    return c->bytes[c->pos++];
}

/* @n little-endian bytes, sign-extended from n*8 bits when @sign. */
static uint64_t next_le(struct cursor *c, unsigned int n, bool sign)
{
    uint64_t v = 0;
    unsigned int i;

    for ( i = 0; i < n; i++ )
        v |= (uint64_t)next_byte(c) << (8 * i);
    if ( sign && n < 8 && (v >> (8 * n - 1)) & 1 )
        v |= ~0ULL << (8 * n);
    return v;
}

static uint64_t size_mask(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

struct prefixes {
    bool opsize, addrsize, rep, repne, lock, seg_override;
    uint8_t seg;
    uint8_t rex;            /* 0 if none */
};

/*
 * ModRM (and SIB, displacement) of a memory operand.  Register operands
 * (mod 3) are refused: such an instruction touches no memory, so it
 * cannot be what faulted on MMIO.
 */
static int decode_modrm(struct cursor *c, enum x86_decode_mode mode, unsigned int asize,
                        const struct prefixes *p, struct x86_insn *insn, uint8_t *reg_field)
{
    uint8_t modrm = next_byte(c);
    unsigned int mod = modrm >> 6, rm = modrm & 7;
    struct x86_ea *ea = &insn->ea;
    bool rex_b = p->rex & 1, rex_x = p->rex & 2, rex_r = p->rex & 4;

    if ( c->error )
        return c->error;
    *reg_field = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
    if ( mod == 3 )
        return -EOPNOTSUPP;

    ea->base = X86_REG_NONE;
    ea->index = X86_REG_NONE;
    ea->scale = 1;
    ea->rip_relative = false;
    ea->disp = 0;
    insn->seg = X86_SEG_DS;

    if ( asize == 2 )
    {
        /* The 16-bit forms: fixed base/index pairs; BP-based default to SS. */
        static const int8_t base16[8] = { X86_REG_RBX, X86_REG_RBX, X86_REG_RBP, X86_REG_RBP,
                                          X86_REG_RSI, X86_REG_RDI, X86_REG_RBP, X86_REG_RBX };
        static const int8_t index16[8] = { X86_REG_RSI, X86_REG_RDI, X86_REG_RSI, X86_REG_RDI,
                                           X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
                                           X86_REG_NONE };

        if ( mod == 0 && rm == 6 )
            ea->disp = next_le(c, 2, true);
        else
        {
            ea->base = base16[rm];
            ea->index = index16[rm];
            if ( ea->base == X86_REG_RBP )
                insn->seg = X86_SEG_SS;
            if ( mod == 1 )
                ea->disp = next_le(c, 1, true);
            else if ( mod == 2 )
                ea->disp = next_le(c, 2, true);
        }
        return c->error;
    }

    if ( rm == 4 )
    {
        uint8_t sib = next_byte(c);
        unsigned int base = sib & 7, index = ((sib >> 3) & 7) | (rex_x ? 8 : 0);

        if ( c->error )
            return c->error;
        ea->scale = 1u << (sib >> 6);
        if ( index != 4 )           /* index 4 (rSP) means none; r12 is a real index */
            ea->index = index;
        if ( base == 5 && mod == 0 )
            ea->disp = next_le(c, 4, true);
        else
            ea->base = base | (rex_b ? 8 : 0);
    }
    else if ( rm == 5 && mod == 0 )
    {
        ea->disp = next_le(c, 4, true);
        ea->rip_relative = mode == X86_MODE_64;
    }
    else
        ea->base = rm | (rex_b ? 8 : 0);

    if ( mod == 1 )
        ea->disp = next_le(c, 1, true);
    else if ( mod == 2 )
        ea->disp = next_le(c, 4, true);
    /* rSP and rBP as base default to the stack segment (r12/r13 do not). */
    if ( ea->base == X86_REG_RSP || ea->base == X86_REG_RBP )
        insn->seg = X86_SEG_SS;
    return c->error;
}

/* ALU opcode rows 00-3F: the operation of row (opcode >> 3). */
static int alu_row_op(unsigned int row)
{
    switch ( row )
    {
    case 0: return X86_OP_ADD;
    case 1: return X86_OP_OR;
    case 4: return X86_OP_AND;
    case 5: return X86_OP_SUB;
    case 6: return X86_OP_XOR;
    case 7: return X86_OP_CMP;
    default: return -1;         /* ADC, SBB: not emitted on MMIO */
    }
}

static void set_access(struct x86_insn *insn, bool reads, bool writes_mem, bool writes_reg)
{
    insn->reads_mem = reads;
    insn->writes_mem = writes_mem;
    insn->writes_reg = writes_reg;
}

int x86_decode(const uint8_t *bytes, size_t avail, enum x86_decode_mode mode,
               struct x86_insn *insn)
{
    struct cursor c = { bytes, avail, 0, 0 };
    struct prefixes p = { 0 };
    unsigned int osize, asize, dflt_asize;
    uint8_t opc, regf = 0;
    bool two_byte = false, byte_op;
    int rc;

    memset(insn, 0, sizeof(*insn));
    insn->reg = X86_REG_NONE;
    insn->ea.base = insn->ea.index = X86_REG_NONE;
    insn->ea.scale = 1;
    insn->seg = X86_SEG_DS;

    /* Legacy prefixes in any order; a REX counts only right before the opcode. */
    for ( ;; )
    {
        opc = next_byte(&c);
        if ( c.error )
            return c.error;
        switch ( opc )
        {
        case 0x66: p.opsize = true; p.rex = 0; continue;
        case 0x67: p.addrsize = true; p.rex = 0; continue;
        case 0xf0: p.lock = true; p.rex = 0; continue;
        case 0xf2: p.repne = true; p.rep = false; p.rex = 0; continue;
        case 0xf3: p.rep = true; p.repne = false; p.rex = 0; continue;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            /* ES/CS/SS/DS overrides: ignored in 64-bit mode, kept for the record. */
            p.seg_override = true;
            p.seg = (opc >> 3) & 3;
            p.rex = 0;
            continue;
        case 0x64: case 0x65:
            p.seg_override = true;
            p.seg = opc == 0x64 ? X86_SEG_FS : X86_SEG_GS;
            p.rex = 0;
            continue;
        default:
            break;
        }
        if ( mode == X86_MODE_64 && (opc & 0xf0) == 0x40 )
        {
            p.rex = opc;
            continue;
        }
        break;
    }

    if ( opc == 0x0f )
    {
        two_byte = true;
        opc = next_byte(&c);
        if ( c.error )
            return c.error;
    }

    dflt_asize = mode == X86_MODE_64 ? 8 : mode == X86_MODE_32 ? 4 : 2;
    asize = !p.addrsize ? dflt_asize : mode == X86_MODE_64 ? 4 : mode == X86_MODE_32 ? 2 : 4;
    if ( p.rex & 8 )
        osize = 8;
    else if ( mode == X86_MODE_16 )
        osize = p.opsize ? 4 : 2;
    else
        osize = p.opsize ? 2 : 4;
    insn->addr_size = asize;

    if ( two_byte )
    {
        switch ( opc )
        {
        case 0xb6: case 0xb7: case 0xbe: case 0xbf:
            insn->op = opc < 0xb8 ? X86_OP_MOVZX : X86_OP_MOVSX;
            insn->op_size = (opc & 1) ? 2 : 1;
            insn->reg_size = osize;
            set_access(insn, true, false, true);
            break;
        case 0xc3:
            /* MOVNTI has no 16-bit form: 66 0F C3 is undefined. */
            if ( p.opsize )
                return -EINVAL;
            insn->op = X86_OP_MOV_STORE;
            insn->op_size = insn->reg_size = (p.rex & 8) ? 8 : 4;
            set_access(insn, false, true, false);
            break;
        default:
            return -EOPNOTSUPP;
        }
        rc = decode_modrm(&c, mode, asize, &p, insn, &regf);
        if ( rc )
            return rc;
        insn->reg = regf;
        goto done;
    }

    byte_op = !(opc & 1);
    switch ( opc )
    {
    case 0x00: case 0x01: case 0x02: case 0x03:
    case 0x08: case 0x09: case 0x0a: case 0x0b:
    case 0x20: case 0x21: case 0x22: case 0x23:
    case 0x28: case 0x29: case 0x2a: case 0x2b:
    case 0x30: case 0x31: case 0x32: case 0x33:
    case 0x38: case 0x39: case 0x3a: case 0x3b:
    {
        int op = alu_row_op(opc >> 3);
        bool to_reg = opc & 2;

        insn->op = op;
        insn->op_size = insn->reg_size = byte_op ? 1 : osize;
        insn->mem_second = to_reg;
        if ( op == X86_OP_CMP )
            set_access(insn, true, false, false);
        else
            set_access(insn, true, !to_reg, to_reg);
        rc = decode_modrm(&c, mode, asize, &p, insn, &regf);
        if ( rc )
            return rc;
        insn->reg = regf;
        break;
    }
    case 0x84: case 0x85:
    case 0x86: case 0x87:
    case 0x88: case 0x89: case 0x8a: case 0x8b:
        byte_op = !(opc & 1);
        insn->op_size = insn->reg_size = byte_op ? 1 : osize;
        if ( opc <= 0x85 )
        {
            insn->op = X86_OP_TEST;
            set_access(insn, true, false, false);
        }
        else if ( opc <= 0x87 )
        {
            insn->op = X86_OP_XCHG;
            set_access(insn, true, true, true);
        }
        else if ( opc <= 0x89 )
        {
            insn->op = X86_OP_MOV_STORE;
            set_access(insn, false, true, false);
        }
        else
        {
            insn->op = X86_OP_MOV_LOAD;
            set_access(insn, true, false, true);
        }
        rc = decode_modrm(&c, mode, asize, &p, insn, &regf);
        if ( rc )
            return rc;
        insn->reg = regf;
        break;

    case 0x80: case 0x81: case 0x83:
    {
        int op;

        insn->op_size = opc == 0x80 ? 1 : osize;
        rc = decode_modrm(&c, mode, asize, &p, insn, &regf);
        if ( rc )
            return rc;
        op = alu_row_op(regf & 7);
        if ( op < 0 )
            return -EOPNOTSUPP;
        insn->op = op;
        set_access(insn, true, op != X86_OP_CMP, false);
        insn->has_imm = true;
        /* 81 with 64-bit operands takes imm32, sign-extended like 83's imm8. */
        insn->imm = next_le(&c, opc == 0x81 ? MIN(insn->op_size, 4u) : 1, true);
        break;
    }
    case 0xf6: case 0xf7:
        insn->op_size = byte_op ? 1 : osize;
        rc = decode_modrm(&c, mode, asize, &p, insn, &regf);
        if ( rc )
            return rc;
        if ( (regf & 7) != 0 )          /* NOT, NEG, MUL, DIV: never used on MMIO */
            return -EOPNOTSUPP;
        insn->op = X86_OP_TEST;
        set_access(insn, true, false, false);
        insn->has_imm = true;
        insn->imm = next_le(&c, MIN(insn->op_size, 4u), true);
        break;

    case 0xc6: case 0xc7:
        insn->op_size = byte_op ? 1 : osize;
        rc = decode_modrm(&c, mode, asize, &p, insn, &regf);
        if ( rc )
            return rc;
        if ( (regf & 7) != 0 )
            return -EINVAL;             /* C6/C7 /1-/7 are undefined (bar XABORT/XBEGIN, mod 3) */
        insn->op = X86_OP_MOV_STORE;
        set_access(insn, false, true, false);
        insn->has_imm = true;
        insn->imm = next_le(&c, MIN(insn->op_size, 4u), true);
        break;

    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        /* moffs: an absolute offset of address size, no ModRM; register rAX. */
        insn->op_size = insn->reg_size = byte_op ? 1 : osize;
        insn->op = opc < 0xa2 ? X86_OP_MOV_LOAD : X86_OP_MOV_STORE;
        if ( opc < 0xa2 )
            set_access(insn, true, false, true);
        else
            set_access(insn, false, true, false);
        insn->reg = X86_REG_RAX;
        insn->ea.disp = (int64_t)next_le(&c, asize, false);
        break;

    case 0xa4: case 0xa5: case 0xaa: case 0xab:
        insn->op_size = byte_op ? 1 : osize;
        insn->reg_size = insn->op_size;
        insn->op = opc < 0xaa ? X86_OP_MOVS : X86_OP_STOS;
        set_access(insn, opc < 0xaa, true, false);
        if ( insn->op == X86_OP_STOS )
            insn->reg = X86_REG_RAX;
        /* REPNE on MOVS/STOS repeats like REP. */
        insn->rep = p.rep || p.repne;
        break;

    default:
        return -EOPNOTSUPP;
    }
    if ( c.error )
        return c.error;

 done:
    /* LOCK is only valid on read-modify-write forms with a memory destination. */
    if ( p.lock && !(insn->writes_mem && insn->reads_mem && insn->op != X86_OP_MOVS) )
        return -EINVAL;
    insn->lock = p.lock;
    if ( insn->has_imm )
        insn->imm &= size_mask(insn->op_size);
    /* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
    if ( insn->reg != X86_REG_NONE && insn->reg_size == 1 && !p.rex && insn->reg >= 4 )
        insn->reg_high_byte = true;
    if ( insn->op == X86_OP_MOVZX || insn->op == X86_OP_MOVSX )
        insn->reg_high_byte = false;    /* the destination is never a byte register */
    if ( p.seg_override )
    {
        insn->seg = p.seg;
        insn->seg_override = true;
    }
    insn->len = c.pos;
    return 0;
}

uint64_t x86_ea_offset(const struct x86_insn *insn, const uint64_t gpr[16], uint64_t rip)
{
    const struct x86_ea *ea = &insn->ea;
    uint64_t off = (uint64_t)ea->disp;

    if ( ea->base != X86_REG_NONE )
        off += gpr[ea->base & 15];
    if ( ea->index != X86_REG_NONE )
        off += gpr[ea->index & 15] * ea->scale;
    if ( ea->rip_relative )
        off += rip + insn->len;
    return off & size_mask(insn->addr_size);
}
