/* SPDX-License-Identifier: GPL-2.0-only */
#include <keel/lib.h>
#include <keel/errno.h>
#include <keel/serial.h>
#include "harness.h"

static struct serial_config fresh(void)
{
    struct serial_config c;

    serial_config_default(&c, 0);
    return c;
}

TEST(defaults)
{
    struct serial_config c;

    serial_config_default(&c, 1);
    CHECK(c.baud == 115200 && c.io_base == 0x2f8 && c.data_bits == 8);
    CHECK(c.parity == 'n' && c.stop_bits == 1 && c.irq == 0);
}

TEST(full_spec)
{
    struct serial_config c = fresh();

    REQUIRE(serial_parse_config("9600,7e2,0x2e8,3", &c) == 0);
    CHECK(c.baud == 9600 && c.data_bits == 7 && c.parity == 'e');
    CHECK(c.stop_bits == 2 && c.io_base == 0x2e8 && c.irq == 3);
}

TEST(partial_specs_keep_the_rest)
{
    struct serial_config c = fresh();

    REQUIRE(serial_parse_config("57600", &c) == 0);
    CHECK(c.baud == 57600 && c.io_base == 0x3f8 && c.data_bits == 8);
    REQUIRE(serial_parse_config("115200,8n1", &c) == 0);
    CHECK(c.baud == 115200 && c.io_base == 0x3f8);
    REQUIRE(serial_parse_config("auto,,0x2f8", &c) == 0);
    CHECK(c.baud == 0 && c.io_base == 0x2f8 && c.data_bits == 8);
    REQUIRE(serial_parse_config("115200/3686400", &c) == 0);
    CHECK(c.clock_hz == 3686400);
}

TEST(bad_specs_change_nothing)
{
    static const char *const bad[] = {
        "12", "99999999999", "115200,9n1", "115200,8x1", "115200,8n3",
        "115200,8n1,0", "115200,8n1,0x10000", "115200,8n1,0x3f8,16",
        "115200;8n1", "115200,8n1,0x3f8,4,extra", "115200/1", "fast",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        struct serial_config c = fresh(), before = c;

        CHECK(serial_parse_config(bad[i], &c) == -EINVAL);
        CHECK(memcmp(&c, &before, sizeof(c)) == 0);
    }
}
