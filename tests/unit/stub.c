/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side stand-ins for the hypervisor services the tested code uses
 * (printk, BUG, symbols, xenheap pages), plus the test runner.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <stdarg.h>

#include <keel/lib.h>
#include <keel/symbols.h>
#include <keel/xmalloc.h>

#include "harness.h"

/* ---- test registry and runner ---- */

static struct test_case *tests_head, **tests_tail = &tests_head;
static struct test_case *current_test;
static bool current_failed;
static jmp_buf test_jmp;

jmp_buf harness_bug_jmp;
volatile bool harness_bug_armed;
char harness_bug_msg[256];

void harness_register(struct test_case *t)
{
    t->next = NULL;
    *tests_tail = t;
    tests_tail = &t->next;
}

static const char *binary_name = "test";

void harness_fail(const char *file, int line, const char *expr)
{
    /* Report only the first failure of a test: one line per test. */
    if ( current_failed )
        return;
    current_failed = true;
    printf("FAIL %s/%s: %s:%d: %s\n", binary_name,
           current_test ? current_test->name : "?", file, line, expr);
    fflush(stdout);
}

void harness_abort_test(void)
{
    longjmp(test_jmp, 1);
}

/* A test that hangs (e.g. a parser looping) fails instead of stalling. */
#define TEST_TIMEOUT_SECONDS 60

static void on_timeout(int sig)
{
    char line[256];
    int n;

    (void)sig;
    n = snprintf(line, sizeof(line), "FAIL %s/%s: timed out after %d s\n",
                 binary_name, current_test ? current_test->name : "?",
                 TEST_TIMEOUT_SECONDS);
    if ( n > 0 )
        (void)!write(STDOUT_FILENO, line, (size_t)n);
    _exit(3);
}

/* Run one test; setjmp lives here so no caller local can be clobbered. */
static bool run_one(struct test_case *t)
{
    current_test = t;
    current_failed = false;
    harness_bug_armed = false;
    log_clear();
    alarm(TEST_TIMEOUT_SECONDS);
    if ( setjmp(test_jmp) == 0 )
        t->fn();
    alarm(0);
    if ( !current_failed )
        printf("ok %s/%s\n", binary_name, t->name);
    return !current_failed;
}

int main(int argc, char **argv)
{
    struct test_case *t;
    const char *slash;
    int failed = 0;

    (void)argc;
    if ( argv[0] )
    {
        slash = strrchr(argv[0], '/');
        binary_name = slash ? slash + 1 : argv[0];
    }

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, on_timeout);
    for ( t = tests_head; t; t = t->next )
        if ( !run_one(t) )
            failed = 1;
    return failed;
}

/* ---- console ---- */

#define LOG_SIZE (64 * 1024)
static char log_buf[LOG_SIZE + 1];
static size_t log_len;

void log_clear(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

bool log_contains(const char *s)
{
    return strstr(log_buf, s) != NULL;
}

const char *log_text(void)
{
    return log_buf;
}

void vprintk(const char *fmt, va_list ap)
{
    char line[4096];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    size_t len;

    if ( n < 0 )
        return;
    len = strlen(line);
    if ( getenv("KEEL_TEST_VERBOSE") )
        fputs(line, stderr);
    /* Keep the newest output: drop the older half when full. */
    if ( log_len + len > LOG_SIZE )
    {
        size_t keep = LOG_SIZE / 2 < log_len ? LOG_SIZE / 2 : log_len;

        memmove(log_buf, log_buf + log_len - keep, keep);
        log_len = keep;
        if ( len > LOG_SIZE - log_len )
            len = LOG_SIZE - log_len;
    }
    memcpy(log_buf + log_len, line, len);
    log_len += len;
    log_buf[log_len] = '\0';
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

static void __attribute__((noreturn)) bug_common(const char *msg)
{
    if ( harness_bug_armed )
    {
        harness_bug_armed = false;
        snprintf(harness_bug_msg, sizeof(harness_bug_msg), "%s", msg);
        longjmp(harness_bug_jmp, 1);
    }
    if ( current_test )
    {
        if ( !current_failed )
            printf("FAIL %s/%s: unexpected %s\n", binary_name,
                   current_test->name, msg);
        current_failed = true;
        longjmp(test_jmp, 1);
    }
    fprintf(stderr, "%s\n", msg);
    abort();
}

void bug_fail(const char *what, const char *file, int line)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "%s at %s:%d", what, file, line);
    bug_common(msg);
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    bug_common(msg);
}

/* ---- symbols ---- */

const struct stub_symbol *stub_symbols;
size_t stub_nr_symbols;

const char *symbols_lookup(unsigned long addr, unsigned long *offset,
                           unsigned long *size)
{
    for ( size_t i = 0; i < stub_nr_symbols; i++ )
    {
        const struct stub_symbol *s = &stub_symbols[i];

        if ( addr >= s->addr && addr - s->addr < s->size )
        {
            *offset = addr - s->addr;
            *size = s->size;
            return s->name;
        }
    }
    return NULL;
}

/* ---- xenheap pages ---- */

long stub_xenheap_blocks;
long stub_xenheap_fail_after = -1;

void *alloc_xenheap_pages(unsigned int order)
{
    void *p;

    if ( stub_xenheap_fail_after == 0 )
        return NULL;
    if ( stub_xenheap_fail_after > 0 )
        stub_xenheap_fail_after--;
    p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
    if ( p )
        stub_xenheap_blocks++;
    return p;
}

void free_xenheap_pages(void *v, unsigned int order)
{
    (void)order;
    if ( !v )
        return;
    stub_xenheap_blocks--;
    free(v);
}

/* ---- strings the host libc may lack ---- */

size_t strlcpy(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);

    if ( n )
    {
        size_t copy = len < n - 1 ? len : n - 1;

        memcpy(d, s, copy);
        d[copy] = '\0';
    }
    return len;
}
