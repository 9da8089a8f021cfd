/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny unit test harness for host builds of hypervisor code.
 *
 *   TEST(name) { CHECK(x == 1); REQUIRE(p != NULL); EXPECT_BUG(free(p)); }
 *
 * CHECK records the first failure of a test and carries on; REQUIRE also
 * ends the test.  A BUG()/panic() that no EXPECT_BUG is waiting for fails
 * the running test instead of killing the whole binary.  main() (in
 * stub.c) prints "ok <binary>/<test>" or "FAIL <binary>/<test>: <where>".
 */
#ifndef KEEL_TEST_HARNESS_H
#define KEEL_TEST_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

struct test_case {
    const char *name;
    void (*fn)(void);
    struct test_case *next;
};

void harness_register(struct test_case *t);
void harness_fail(const char *file, int line, const char *expr);
void __attribute__((noreturn)) harness_abort_test(void);

#define TEST(tname)                                                         \
    static void test_##tname(void);                                         \
    static struct test_case test_case_##tname = { #tname, test_##tname, 0 }; \
    __attribute__((constructor)) static void test_register_##tname(void)    \
    {                                                                       \
        harness_register(&test_case_##tname);                               \
    }                                                                       \
    static void test_##tname(void)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if ( !(cond) )                                                      \
            harness_fail(__FILE__, __LINE__, #cond);                        \
    } while ( 0 )

#define REQUIRE(cond)                                                       \
    do {                                                                    \
        if ( !(cond) )                                                      \
        {                                                                   \
            harness_fail(__FILE__, __LINE__, #cond);                        \
            harness_abort_test();                                           \
        }                                                                   \
    } while ( 0 )

/* BUG()/panic() while armed longjmp()s here; the message is kept. */
extern jmp_buf harness_bug_jmp;
extern volatile bool harness_bug_armed;
extern char harness_bug_msg[256];

#define EXPECT_BUG(stmt)                                                    \
    do {                                                                    \
        harness_bug_armed = true;                                           \
        if ( setjmp(harness_bug_jmp) == 0 )                                 \
        {                                                                   \
            stmt;                                                           \
            harness_bug_armed = false;                                      \
            harness_fail(__FILE__, __LINE__, "expected BUG: " #stmt);       \
        }                                                                   \
        harness_bug_armed = false;                                          \
    } while ( 0 )

/* Captured printk output (the last 64 KiB). */
bool log_contains(const char *s);
void log_clear(void);
const char *log_text(void);

/* symbols_lookup() answers from this table; empty by default. */
struct stub_symbol {
    unsigned long addr, size;
    const char *name;
};
extern const struct stub_symbol *stub_symbols;
extern size_t stub_nr_symbols;

/* alloc_xenheap_pages() bookkeeping and failure injection. */
extern long stub_xenheap_blocks;        /* allocated, not yet freed */
extern long stub_xenheap_fail_after;    /* <0: never fail; else fail after N */

#endif
