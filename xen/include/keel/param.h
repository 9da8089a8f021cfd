/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_PARAM_H
#define KEEL_PARAM_H

#include <keel/types.h>

/*
 * Hypervisor command line options, registered Xen-style with the macros
 * below into the .init.setup section and parsed by cmdline_parse().
 *
 * Syntax (as Xen's): space-separated "name", "name=value" tokens; a
 * boolean accepts "name", "no-name", "name=1/0/yes/no/on/off/true/false/
 * enable/disable".  '-' and '_' in names are equivalent.
 */
enum param_type { OPT_STR, OPT_UINT, OPT_BOOL, OPT_SIZE, OPT_CUSTOM };

struct kernel_param {
    const char *name;
    enum param_type type;
    unsigned int len;               /* OPT_STR buffer size / OPT_UINT width in bytes */
    union {
        void *var;
        int (*func)(const char *);  /* OPT_CUSTOM: 0 or -errno */
    } par;
};

#define __param(n, t, l, v)                                                  \
    static const struct kernel_param __setup_##v __used                     \
        __section(".data.setup") __aligned(8) = { n, t, l, { .var = &(v) } }

#define string_param(n, v)  __param(n, OPT_STR, sizeof(v), v)
#define integer_param(n, v) __param(n, OPT_UINT, sizeof(v), v)
#define boolean_param(n, v) __param(n, OPT_BOOL, sizeof(v), v)
#define size_param(n, v)    __param(n, OPT_SIZE, sizeof(v), v)
#define custom_param(n, f)                                                  \
    static const struct kernel_param __setup_##f __used                     \
        __section(".data.setup") __aligned(8) = { n, OPT_CUSTOM, 0, { .func = (f) } }

/*
 * Apply @cmdline to the table [start, end).  Unknown options and bad
 * values are reported with printk(XENLOG_WARNING ...) and skipped; never
 * fatal.  Returns the number of problems found.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *start,
                  const struct kernel_param *end);

/* Parse a boolean value string: 1 true, 0 false, -EINVAL otherwise. */
int parse_bool(const char *s, const char *e);

#endif
