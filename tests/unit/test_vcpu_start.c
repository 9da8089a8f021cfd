/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm/vcpu_start.c on the host: the PVH and INIT + STARTUP start states,
 * and VCPUOP_initialise contexts, accepted and refused.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <asm/hvm/vcpu_start.h>

#include <string.h>

#include "harness.h"

static const struct hvm_start_limits lim = {
    .cr4_valid = 0x7bf | (1u << 16),        /* bits 0-10 but MCE, FSGSBASE */
    .efer_valid = (1u << 0) | (1u << 8) | (1u << 11),
    .paddr_bits = 40,
};

static struct vcpu_hvm_context good64(void)
{
    struct vcpu_hvm_context c;

    memset(&c, 0, sizeof(c));
    c.mode = VCPU_HVM_MODE_64B;
    c.cpu_regs.x86_64.rip = 0xffffffff81000000ULL;
    c.cpu_regs.x86_64.rsp = 0x123456;
    c.cpu_regs.x86_64.rdi = 7;
    c.cpu_regs.x86_64.rflags = 0x2;
    c.cpu_regs.x86_64.cr0 = 0x80000011;
    c.cpu_regs.x86_64.cr3 = 0x1000;
    c.cpu_regs.x86_64.cr4 = 0x20;
    c.cpu_regs.x86_64.efer = 0x100;
    return c;
}

static struct vcpu_hvm_context good32(void)
{
    struct vcpu_hvm_context c;
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

    memset(&c, 0, sizeof(c));
    c.mode = VCPU_HVM_MODE_32B;
    r->eip = 0x100000;
    r->eflags = 0x2;
    r->cr0 = 0x1;
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = 0xc9a;                       /* accessed bit left for the hypervisor */
    r->ds_ar = r->ss_ar = r->es_ar = 0xc92;
    r->tr_limit = 0x67;
    r->tr_ar = 0x89;                        /* available TSS: becomes busy */
    return c;
}

static int convert(const struct vcpu_hvm_context *c, struct hvm_vcpu_start *s)
{
    const char *why = NULL;
    int rc = hvm_start_state_from_context(s, c, &lim, &why);

    CHECK((rc == 0) == (why == NULL));
    return rc;
}

TEST(layout)
{
    CHECK(sizeof(struct vcpu_hvm_context) == 128);
    CHECK(offsetof(struct vcpu_hvm_context, cpu_regs) == 8);
    CHECK(sizeof(struct vcpu_hvm_x86_32) == 120);
    CHECK(offsetof(struct vcpu_hvm_x86_32, efer) == 56);
    CHECK(offsetof(struct vcpu_hvm_x86_32, tr_ar) == 112);
    CHECK(sizeof(struct vcpu_hvm_x86_64) == 112);
    CHECK(offsetof(struct vcpu_hvm_x86_64, efer) == 104);
    CHECK(VCPU_HVM_MODE_32B == 0 && VCPU_HVM_MODE_64B == 1);
}

TEST(sipi_state)
{
    struct hvm_vcpu_start s;

    memset(&s, 0xa5, sizeof(s));
    hvm_start_state_sipi(&s, 0x9a, 0x00a20f12);
    CHECK(s.cs.sel == 0x9a00 && s.cs.base == 0x9a000 && s.cs.limit == 0xffff);
    CHECK(s.cs.attr == 0x9b);
    CHECK(s.rip == 0 && s.rflags == 0x2 && s.rdx == 0x00a20f12);
    CHECK(s.rax == 0 && s.rsp == 0);
    CHECK(s.cr0 == 0x60000010 && s.cr3 == 0 && s.cr4 == 0 && s.efer == 0);
    CHECK(s.ds.sel == 0 && s.ds.base == 0 && s.ds.limit == 0xffff && s.ds.attr == 0x93);
    CHECK(!memcmp(&s.ds, &s.ss, sizeof(s.ds)) && !memcmp(&s.ds, &s.gs, sizeof(s.ds)));
    CHECK(s.tr.attr == 0x8b && s.ldtr.attr == 0x82);
    CHECK(s.gdtr.limit == 0xffff && s.idtr.limit == 0xffff && s.idtr.base == 0);
}

TEST(pvh_state)
{
    struct hvm_vcpu_start s;

    hvm_start_state_pvh(&s, 0x1000850, 0x4000);
    CHECK(s.rip == 0x1000850 && s.rbx == 0x4000 && s.rflags == 0x2);
    CHECK(s.cr0 == 0x11 && s.cr4 == 0 && s.efer == 0);
    CHECK(s.cs.attr == 0xc9b && s.cs.limit == 0xffffffff && s.cs.base == 0);
    CHECK(s.ss.attr == 0xc93 && s.fs.attr == 0xc93);
    CHECK(s.tr.attr == 0x8b && s.tr.limit == 0x67);
}

TEST(context_64)
{
    struct vcpu_hvm_context c = good64();
    struct hvm_vcpu_start s;

    REQUIRE(convert(&c, &s) == 0);
    CHECK(s.rip == 0xffffffff81000000ULL && s.rsp == 0x123456 && s.rdi == 7);
    CHECK(s.efer == 0x500);                 /* LMA added */
    CHECK(s.cs.attr == 0xa9b && s.ds.attr == 0xc93 && s.fs.attr == 0xc93);
    CHECK(s.tr.attr == 0x8b && s.tr.limit == 0x67 && s.ldtr.attr == 0x82);
    CHECK(s.cr3 == 0x1000 && s.cr4 == 0x20);
}

TEST(context_32)
{
    struct vcpu_hvm_context c = good32();
    struct hvm_vcpu_start s;

    REQUIRE(convert(&c, &s) == 0);
    CHECK(s.cs.attr == 0xc9b && s.ss.attr == 0xc93 && s.tr.attr == 0x8b);
    CHECK(s.cr0 == 0x11 && s.efer == 0);
    /* A null DS is fine (not CS, SS or TR). */
    c.cpu_regs.x86_32.ds_ar = 0;
    CHECK(convert(&c, &s) == 0 && s.ds.attr == 0);
    /* Compatibility mode: LME with paging and PAE gives LMA. */
    c = good32();
    c.cpu_regs.x86_32.cr0 = 0x80000011;
    c.cpu_regs.x86_32.cr4 = 0x20;
    c.cpu_regs.x86_32.efer = 0x100;
    CHECK(convert(&c, &s) == 0 && s.efer == 0x500);
    /* LME before paging: no LMA yet. */
    c.cpu_regs.x86_32.cr0 = 0x11;
    CHECK(convert(&c, &s) == 0 && s.efer == 0x100);
    /* Legacy PAE paging. */
    c = good32();
    c.cpu_regs.x86_32.cr0 = 0x80000011;
    c.cpu_regs.x86_32.cr4 = 0x20;
    CHECK(convert(&c, &s) == 0 && s.efer == 0);
}

TEST(refused)
{
    struct vcpu_hvm_context c;
    struct hvm_vcpu_start s;

#define BAD(mod) do { c = good64(); mod; CHECK(convert(&c, &s) == -EINVAL); } while ( 0 )
    BAD(c.mode = 2);
    BAD(c.pad = 1);
    BAD(c.cpu_regs.x86_64.cr0 &= ~0x80000000ULL);
    BAD(c.cpu_regs.x86_64.cr0 &= ~1ULL);                        /* PG without PE */
    BAD(c.cpu_regs.x86_64.cr4 = 0);
    BAD(c.cpu_regs.x86_64.efer = 0);
    BAD(c.cpu_regs.x86_64.rip = 0x0000800000000000ULL);
    BAD(c.cpu_regs.x86_64.rip = 0xffff7fffffffffffULL);
    BAD(c.cpu_regs.x86_64.rflags |= 1ULL << 17);
    BAD(c.cpu_regs.x86_64.rflags |= 1ULL << 22);
    BAD(c.cpu_regs.x86_64.cr0 |= 1ULL << 29);
    BAD(c.cpu_regs.x86_64.cr0 |= 1ULL << 6);
    BAD(c.cpu_regs.x86_64.cr4 |= 1ULL << 13);
    BAD(c.cpu_regs.x86_64.cr4 |= 1ULL << 6);                    /* MCE: not offered here */
    BAD(c.cpu_regs.x86_64.efer |= 1ULL << 12);
    BAD(c.cpu_regs.x86_64.cr3 = 1ULL << 40);
#undef BAD
    c = good64();
    c.cpu_regs.x86_64.cr4 |= 1ULL << 16;                        /* FSGSBASE is offered */
    CHECK(convert(&c, &s) == 0);

#define BAD(mod) do { c = good32(); mod; CHECK(convert(&c, &s) == -EINVAL); } while ( 0 )
    BAD(c.cpu_regs.x86_32.pad1 = 1);
    BAD(c.cpu_regs.x86_32.pad2[0] = 1);
    BAD(c.cpu_regs.x86_32.cs_ar = 0);
    BAD(c.cpu_regs.x86_32.ss_ar = 0);
    BAD(c.cpu_regs.x86_32.tr_ar = 0);
    BAD(c.cpu_regs.x86_32.cs_ar = 0xc93);                       /* data as CS */
    BAD(c.cpu_regs.x86_32.cs_ar = 0xe9b);                       /* 64-bit CS */
    BAD(c.cpu_regs.x86_32.ss_ar = 0xc91);                       /* read-only SS */
    BAD(c.cpu_regs.x86_32.ds_ar = 0xc99);                       /* execute-only DS */
    BAD(c.cpu_regs.x86_32.ds_ar = 0x413);                       /* not present */
    BAD(c.cpu_regs.x86_32.tr_ar = 0x83);                        /* 16-bit TSS */
    BAD(c.cpu_regs.x86_32.tr_ar = 0x9b);                        /* code as TR */
    BAD(c.cpu_regs.x86_32.es_ar = 0x1c93);                      /* bits 12-15 */
    BAD(c.cpu_regs.x86_32.ds_limit = 0xfffff000);               /* G=1, low bits not all ones */
    BAD(c.cpu_regs.x86_32.cs_ar = 0x49b; c.cpu_regs.x86_32.cs_limit = 0x100000);
    BAD(c.cpu_regs.x86_32.cs_ar = 0x49b; c.cpu_regs.x86_32.cs_limit = 0xffff;
        c.cpu_regs.x86_32.eip = 0x10000);
    BAD(c.cpu_regs.x86_32.ss_ar = 0xcf3);                       /* SS.DPL 3, CS.DPL 0 */
    BAD(c.cpu_regs.x86_32.cr0 = 0);                             /* real mode */
    BAD(c.cpu_regs.x86_32.efer = 0x400);                        /* LMA without LME */
    BAD(c.cpu_regs.x86_32.cr0 = 0x80000011; c.cpu_regs.x86_32.efer = 0x100);  /* no PAE */
#undef BAD
}
