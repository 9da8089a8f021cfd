/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_GRANT_TABLE_H
#define KEEL_GRANT_TABLE_H

/*
 * Grant tables, version 1 (common/grant_table.c).  The ABI is in
 * public/grant_table.h; this is what the rest of the hypervisor calls.
 */
#include <keel/types.h>

struct domain;

/*
 * Quotas.  GNTTAB_MAX_FRAMES frames of 512 entries (32768 grant
 * references) is Xen's default for a domU; GNTTAB_MAX_MAPTRACK is how
 * many grant mappings of other domains' frames one domain may hold at
 * once (its maptrack, allocated a page of 128 at a time).
 */
#define GNTTAB_INITIAL_FRAMES   1
#define GNTTAB_MAX_FRAMES       64
#define GNTTAB_MAX_MAPTRACK     8192

/* Set up @d's table (GNTTAB_INITIAL_FRAMES frames); -ENOMEM. */
int grant_table_init(struct domain *d);
/*
 * Tear down the table of a domain nothing runs any more: the mappings it
 * holds are released, mappings others hold of its frames lose their
 * granter (the frames stay until unmapped, see domain_relinquish_memory()).
 */
void grant_table_destroy(struct domain *d);
/* XENMEM_add_to_physmap(XENMAPSPACE_grant_table): frame @idx at @gfn of @d. */
int gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn);

#endif
