/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor command line parsing.  The line comes from the boot loader
 * and may hold anything, so nothing here trusts it: bytes are checked,
 * lengths are capped and every problem is a warning, never fatal.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/param.h>

/* Longest command line parsed (as Xen's COMMAND_LINE_SIZE). */
#define CMDLINE_MAX     1024
/* Longest single "name=value" token; longer ones are skipped. */
#define TOKEN_MAX       256

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
           c == '\v' || c == '\f';
}

static bool is_printable(char c)
{
    return c >= 0x20 && c < 0x7f;
}

int parse_bool(const char *s, const char *e)
{
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    size_t len = e ? (size_t)(e - s) : strlen(s);
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(no); i++ )
        if ( strlen(no[i]) == len && !strncmp(s, no[i], len) )
            return 0;
    for ( i = 0; i < ARRAY_SIZE(yes); i++ )
        if ( strlen(yes[i]) == len && !strncmp(s, yes[i], len) )
            return 1;
    return -EINVAL;
}

/* Name comparison where '-' and '_' are the same character. */
static bool name_eq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for ( i = 0; i < alen; i++ )
    {
        char ca = a[i] == '_' ? '-' : a[i];
        char cb = b[i] == '_' ? '-' : b[i];

        if ( !b[i] || ca != cb )
            return false;
    }
    return b[alen] == '\0';
}

/* Store @val into an unsigned variable of @len bytes, if it fits. */
static int store_uint(void *var, unsigned int len, unsigned long long val)
{
    switch ( len )
    {
    case 1:
        if ( val > 0xff )
            return -ERANGE;
        *(uint8_t *)var = (uint8_t)val;
        return 0;
    case 2:
        if ( val > 0xffff )
            return -ERANGE;
        *(uint16_t *)var = (uint16_t)val;
        return 0;
    case 4:
        if ( val > 0xffffffffULL )
            return -ERANGE;
        *(uint32_t *)var = (uint32_t)val;
        return 0;
    case 8:
        *(uint64_t *)var = val;
        return 0;
    default:
        /* A registration bug, not a user error, but still not fatal. */
        return -EINVAL;
    }
}

/*
 * Apply one option.  @val is NULL when the token had no '='.  Returns 0
 * or a negative errno for a bad value.
 */
static int apply(const struct kernel_param *p, const char *val, bool negated)
{
    const char *end;
    unsigned long long n;
    int rc;

    switch ( p->type )
    {
    case OPT_BOOL:
        rc = val ? parse_bool(val, NULL) : 1;
        if ( rc < 0 )
            return rc;
        /* "no-foo=0" is a double negative, as in Xen. */
        if ( negated )
            rc = !rc;
        return store_uint(p->par.var, p->len, (unsigned long long)rc);

    case OPT_UINT:
        if ( !val || !*val )
            return -EINVAL;
        n = simple_strtoull(val, &end, 0);
        if ( *end )
            return -EINVAL;
        return store_uint(p->par.var, p->len, n);

    case OPT_SIZE:
        if ( !val || !*val )
            return -EINVAL;
        n = parse_size_and_unit(val, &end);
        if ( *end || end == val )
            return -EINVAL;
        return store_uint(p->par.var, p->len, n);

    case OPT_STR:
        if ( !val )
            return -EINVAL;
        if ( !p->len )
            return -EINVAL;
        if ( strlcpy(p->par.var, val, p->len) >= p->len )
            return -E2BIG;          /* stored, but truncated */
        return 0;

    case OPT_CUSTOM:
        return p->par.func(val ? val : "");
    }
    return -EINVAL;
}

static void report(const char *name, const char *val, int rc)
{
    if ( rc == -E2BIG )
        printk(XENLOG_WARNING "parameter \"%s\" value \"%s\" too long; truncated\n",
               name, val);
    else
        printk(XENLOG_WARNING "parameter \"%s\" has invalid value \"%s\", rc=%d!\n",
               name, val ? val : "", rc);
}

/*
 * Apply @val to every entry called @name (so two users can share one
 * option); with @negated only booleans match.  Returns the number of
 * entries found and adds failures to *@problems.
 */
static unsigned int apply_all(const char *name, size_t nlen, const char *val,
                              bool negated, const struct kernel_param *start,
                              const struct kernel_param *end, int *problems)
{
    const struct kernel_param *p;
    unsigned int found = 0;
    int rc;

    for ( p = start; p < end; p++ )
    {
        if ( !p->name || (negated && p->type != OPT_BOOL) ||
             !name_eq(name, nlen, p->name) )
            continue;
        found++;
        rc = apply(p, val, negated);
        if ( rc )
        {
            report(p->name, val, rc);
            (*problems)++;
        }
    }
    return found;
}

/* Handle one token (NUL-terminated, printable, no spaces). */
static int parse_token(char *tok, const struct kernel_param *start,
                       const struct kernel_param *end)
{
    char *eq = strchr(tok, '=');
    const char *val = NULL;
    size_t nlen;
    int problems = 0;

    if ( eq )
    {
        *eq = '\0';
        val = eq + 1;
    }
    nlen = strlen(tok);
    if ( !nlen )
    {
        printk(XENLOG_WARNING "parameter with empty name (value \"%s\") ignored\n",
               val ? val : "");
        return 1;
    }

    if ( apply_all(tok, nlen, val, false, start, end, &problems) )
        return problems;

    /* "no-foo" / "no_foo" turns boolean "foo" off. */
    if ( nlen > 3 && !strncmp(tok, "no", 2) && (tok[2] == '-' || tok[2] == '_') &&
         apply_all(tok + 3, nlen - 3, val, true, start, end, &problems) )
        return problems;

    printk(XENLOG_WARNING "parameter \"%s\" unknown!\n", tok);
    return problems + 1;
}

int cmdline_parse(const char *cmdline, const struct kernel_param *start,
                  const struct kernel_param *end)
{
    char tok[TOKEN_MAX];
    size_t len, i = 0;
    int problems = 0;

    if ( !cmdline )
        return 0;

    len = strnlen(cmdline, CMDLINE_MAX + 1);
    if ( len > CMDLINE_MAX )
    {
        printk(XENLOG_WARNING "command line longer than %u characters; the rest is ignored\n",
               CMDLINE_MAX);
        len = CMDLINE_MAX;
        problems++;
    }

    while ( i < len )
    {
        size_t tstart, tlen;
        bool bad_byte = false;

        while ( i < len && is_space(cmdline[i]) )
            i++;
        if ( i >= len )
            break;

        tstart = i;
        while ( i < len && !is_space(cmdline[i]) )
        {
            if ( !is_printable(cmdline[i]) )
                bad_byte = true;
            i++;
        }
        tlen = i - tstart;

        if ( bad_byte )
        {
            printk(XENLOG_WARNING "parameter at offset %zu contains non-printable bytes; ignored\n",
                   tstart);
            problems++;
            continue;
        }
        if ( tlen >= sizeof(tok) )
        {
            printk(XENLOG_WARNING "parameter \"%.32s...\" is longer than %zu characters; ignored\n",
                   cmdline + tstart, sizeof(tok) - 1);
            problems++;
            continue;
        }

        memcpy(tok, cmdline + tstart, tlen);
        tok[tlen] = '\0';
        problems += parse_token(tok, start, end);
    }

    return problems;
}
