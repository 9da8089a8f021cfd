/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of Xen's "comN=" option.  Kept apart from the driver so the
 * host unit tests can exercise it.
 */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/serial.h>

static const uint16_t legacy_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

void serial_config_default(struct serial_config *c, unsigned int index)
{
    c->baud = 115200;
    c->clock_hz = 1843200;
    c->data_bits = 8;
    c->parity = 'n';
    c->stop_bits = 1;
    c->io_base = index < ARRAY_SIZE(legacy_ports) ? legacy_ports[index] : 0x3f8;
    c->irq = 0;
}

int serial_parse_config(const char *s, struct serial_config *c)
{
    struct serial_config n = *c;
    const char *e;
    unsigned long long v;

    if ( !strncmp(s, "auto", 4) )
    {
        n.baud = 0;
        s += 4;
    }
    else if ( *s >= '0' && *s <= '9' )
    {
        v = simple_strtoull(s, &e, 10);
        if ( v < 50 || v > 4000000 )
            return -EINVAL;
        n.baud = v;
        s = e;
    }
    if ( *s == '/' )
    {
        v = simple_strtoull(s + 1, &e, 0);
        if ( e == s + 1 || v < 1000 || v > 0xffffffffULL )
            return -EINVAL;
        n.clock_hz = v;
        s = e;
    }
    if ( *s == '\0' )
        goto done;
    if ( *s++ != ',' )
        return -EINVAL;

    if ( *s != ',' && *s != '\0' )
    {
        if ( s[0] < '5' || s[0] > '8' )
            return -EINVAL;
        n.data_bits = s[0] - '0';
        switch ( s[1] )
        {
        case 'n': case 'o': case 'e': case 'm': case 's':
            n.parity = s[1];
            break;
        default:
            return -EINVAL;
        }
        if ( s[2] != '1' && s[2] != '2' )
            return -EINVAL;
        n.stop_bits = s[2] - '0';
        s += 3;
    }
    if ( *s == '\0' )
        goto done;
    if ( *s++ != ',' )
        return -EINVAL;

    if ( *s != ',' && *s != '\0' )
    {
        v = simple_strtoull(s, &e, 0);
        if ( e == s || v == 0 || v > 0xfff8 )
            return -EINVAL;
        n.io_base = v;
        s = e;
    }
    if ( *s == '\0' )
        goto done;
    if ( *s++ != ',' )
        return -EINVAL;

    v = simple_strtoull(s, &e, 0);
    if ( e == s || v > 15 || *e != '\0' )
        return -EINVAL;
    n.irq = v;

 done:
    *c = n;
    return 0;
}
