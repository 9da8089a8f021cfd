/* SPDX-License-Identifier: GPL-2.0-only */
/* Lazy x87/SSE and DR0-DR3 switching shared by SVM and VMX (asm/hvm/fpu_dr.h). */
#include <keel/lib.h>
#include <asm/hvm/fpu_dr.h>

/* Default x87/SSE state: what FNINIT gives, and MXCSR's reset value. */
static const uint8_t fpu_init_image[512] __aligned(16) = {
    [0] = 0x7f, [1] = 0x03,             /* FCW 0x037f */
    [24] = 0x80, [25] = 0x1f,           /* MXCSR 0x1f80 */
};

#define DEFINE_DR(n)                                                        \
    static inline unsigned long read_dr##n##_(void)                         \
    {                                                                       \
        unsigned long v;                                                    \
        __asm__ volatile ("mov %%db" #n ", %0" : "=r" (v));                 \
        return v;                                                           \
    }                                                                       \
    static inline void write_dr##n##_(unsigned long v)                      \
    {                                                                       \
        __asm__ volatile ("mov %0, %%db" #n :: "r" (v));                    \
    }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
#undef DEFINE_DR

unsigned long read_dr6(void)
{
    return read_dr6_();
}

void write_dr6(unsigned long v)
{
    write_dr6_(v);
}

void hvm_fpu_dr_reset(struct hvm_fpu_dr *s)
{
    s->fpu_saved = false;
    memset(s->dr, 0, sizeof(s->dr));
}

void hvm_fpu_dr_save(struct hvm_fpu_dr *s)
{
    __asm__ volatile ("fxsave64 %0" : "=m" (*(uint8_t (*)[512])s->fpu));
    s->fpu_saved = true;
    s->dr[0] = read_dr0_();
    s->dr[1] = read_dr1_();
    s->dr[2] = read_dr2_();
    s->dr[3] = read_dr3_();
}

void hvm_fpu_dr_load(const struct hvm_fpu_dr *s)
{
    __asm__ volatile ("fxrstor64 %0" ::
                      "m" (*(const uint8_t (*)[512])(s->fpu_saved ? s->fpu : fpu_init_image)));
    write_dr0_(s->dr[0]);
    write_dr1_(s->dr[1]);
    write_dr2_(s->dr[2]);
    write_dr3_(s->dr[3]);
}
