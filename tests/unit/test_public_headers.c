/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The public ABI headers: every number and offset a guest relies on,
 * checked against the values of the Xen ABI.  (The headers pin the
 * layouts at compile time too; these tests also cover the constants, and
 * fail with a readable line instead of a build error.)  The Makefile
 * separately compiles each header on its own as C99 and C++11.
 */
#include <public/xen.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/elfnote.h>
#include <public/hvm/start_info.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/arch-x86/cpuid.h>
#include <public/grant_table.h>
#include <public/memory.h>

#include <string.h>

#include "harness.h"

TEST(hypercall_numbers)
{
    CHECK(__HYPERVISOR_set_trap_table == 0);
    CHECK(__HYPERVISOR_mmu_update == 1);
    CHECK(__HYPERVISOR_platform_op == 7);
    CHECK(__HYPERVISOR_memory_op == 12);
    CHECK(__HYPERVISOR_multicall == 13);
    CHECK(__HYPERVISOR_set_timer_op == 15);
    CHECK(__HYPERVISOR_xen_version == 17);
    CHECK(__HYPERVISOR_console_io == 18);
    CHECK(__HYPERVISOR_grant_table_op == 20);
    CHECK(__HYPERVISOR_vm_assist == 21);
    CHECK(__HYPERVISOR_vcpu_op == 24);
    CHECK(__HYPERVISOR_sched_op == 29);
    CHECK(__HYPERVISOR_event_channel_op == 32);
    CHECK(__HYPERVISOR_physdev_op == 33);
    CHECK(__HYPERVISOR_hvm_op == 34);
    CHECK(__HYPERVISOR_sysctl == 35);
    CHECK(__HYPERVISOR_domctl == 36);
    CHECK(__HYPERVISOR_argo_op == 39);
    CHECK(__HYPERVISOR_dm_op == 41);
    CHECK(__HYPERVISOR_hypfs_op == 42);
    CHECK(__HYPERVISOR_arch_0 == 48 && __HYPERVISOR_arch_7 == 55);
    CHECK(XEN_HYPERCALL_SLOTS * 32 == 4096);
}

TEST(domids_virqs_console)
{
    domid_t d = DOMID_SELF;

    CHECK(sizeof(domid_t) == 2);
    CHECK(d == 0x7ff0);
    CHECK(DOMID_FIRST_RESERVED == 0x7ff0);
    CHECK(DOMID_IO == 0x7ff1 && DOMID_XEN == 0x7ff2 && DOMID_COW == 0x7ff3);
    CHECK(DOMID_INVALID == 0x7ff4 && DOMID_ANY == 0x7ff5 && DOMID_IDLE == 0x7fff);
    CHECK(VIRQ_TIMER == 0 && VIRQ_CONSOLE == 2 && VIRQ_DOM_EXC == 3);
    CHECK(VIRQ_PCPU_STATE == 9 && VIRQ_XENPMU == 13 && VIRQ_ARCH_0 == 16);
    CHECK(NR_VIRQS == 24);
    CHECK(CONSOLEIO_write == 0 && CONSOLEIO_read == 1);
    CHECK(SIF_PRIVILEGED == 1 && SIF_INITDOMAIN == 2);
    CHECK(sizeof(evtchn_port_t) == 4);
}

TEST(vcpu_time_info_layout)
{
    CHECK(sizeof(struct vcpu_time_info) == 32);
    CHECK(offsetof(struct vcpu_time_info, version) == 0);
    CHECK(offsetof(struct vcpu_time_info, tsc_timestamp) == 8);
    CHECK(offsetof(struct vcpu_time_info, system_time) == 16);
    CHECK(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24);
    CHECK(offsetof(struct vcpu_time_info, tsc_shift) == 28);
    CHECK(offsetof(struct vcpu_time_info, flags) == 29);
    CHECK(XEN_PVCLOCK_TSC_STABLE_BIT == 1 && XEN_PVCLOCK_GUEST_STOPPED == 2);
}

TEST(vcpu_info_layout)
{
    CHECK(sizeof(struct vcpu_info) == 64);
    CHECK(offsetof(struct vcpu_info, evtchn_upcall_pending) == 0);
    CHECK(offsetof(struct vcpu_info, evtchn_upcall_mask) == 1);
    CHECK(offsetof(struct vcpu_info, evtchn_pending_sel) == 8);
    CHECK(offsetof(struct vcpu_info, arch) == 16);
    CHECK(offsetof(struct vcpu_info, arch.cr2) == 16);
    CHECK(offsetof(struct vcpu_info, time) == 32);
    CHECK(sizeof(xen_ulong_t) == 8 && sizeof(xen_pfn_t) == 8);
}

TEST(shared_info_layout)
{
    CHECK(XEN_LEGACY_MAX_VCPUS == 32);
    CHECK(offsetof(struct shared_info, vcpu_info[1]) == 64);
    CHECK(offsetof(struct shared_info, vcpu_info[31].time) == 31 * 64 + 32);
    CHECK(offsetof(struct shared_info, evtchn_pending) == 2048);
    CHECK(sizeof(((struct shared_info *)0)->evtchn_pending) == 512);
    CHECK(offsetof(struct shared_info, evtchn_mask) == 2560);
    CHECK(offsetof(struct shared_info, wc_version) == 3072);
    CHECK(offsetof(struct shared_info, wc_sec) == 3076);
    CHECK(offsetof(struct shared_info, wc_nsec) == 3080);
    CHECK(offsetof(struct shared_info, wc_sec_hi) == 3084);
    CHECK(offsetof(struct shared_info, arch) == 3088);
    CHECK(offsetof(struct shared_info, arch.max_pfn) == 3088);
    CHECK(offsetof(struct shared_info, arch.nmi_reason) == 3104);
    CHECK(offsetof(struct shared_info, arch.p2m_generation) == 3128);
    CHECK(sizeof(struct shared_info) == 3136);
}

TEST(version_and_features)
{
    CHECK(XENVER_version == 0 && XENVER_extraversion == 1 && XENVER_compile_info == 2);
    CHECK(XENVER_capabilities == 3 && XENVER_changeset == 4);
    CHECK(XENVER_platform_parameters == 5 && XENVER_get_features == 6);
    CHECK(XENVER_pagesize == 7 && XENVER_guest_handle == 8 && XENVER_commandline == 9);
    CHECK(XENVER_build_id == 10 && XENVER_commandline2 == 14);
    CHECK(XEN_EXTRAVERSION_LEN == 16);
    CHECK(XEN_CAPABILITIES_INFO_LEN == 1024);
    CHECK(XEN_CHANGESET_INFO_LEN == 64);
    CHECK(sizeof(xen_commandline_t) == 1024);
    CHECK(sizeof(struct xen_compile_info) == 144);
    CHECK(offsetof(struct xen_compile_info, compile_by) == 64);
    CHECK(offsetof(struct xen_compile_info, compile_domain) == 80);
    CHECK(offsetof(struct xen_compile_info, compile_date) == 112);
    CHECK(sizeof(struct xen_platform_parameters) == 8);
    CHECK(sizeof(struct xen_feature_info) == 8);
    CHECK(offsetof(struct xen_feature_info, submap) == 4);
    CHECK(XENFEAT_auto_translated_physmap == 2);
    CHECK(XENFEAT_hvm_callback_vector == 8 && XENFEAT_hvm_safe_pvclock == 9);
    CHECK(XENFEAT_dom0 == 11 && XENFEAT_linux_rsdp_unrestricted == 15);
    CHECK(XENFEAT_NR_SUBMAPS == 1);
}

TEST(sched_op)
{
    CHECK(SCHEDOP_yield == 0 && SCHEDOP_block == 1 && SCHEDOP_shutdown == 2);
    CHECK(SCHEDOP_poll == 3 && SCHEDOP_remote_shutdown == 4 && SCHEDOP_shutdown_code == 5);
    CHECK(SCHEDOP_watchdog == 6 && SCHEDOP_pin_override == 7);
    CHECK(SHUTDOWN_poweroff == 0 && SHUTDOWN_reboot == 1 && SHUTDOWN_suspend == 2);
    CHECK(SHUTDOWN_crash == 3 && SHUTDOWN_watchdog == 4 && SHUTDOWN_soft_reset == 5);
    CHECK(SHUTDOWN_MAX == 5);
    CHECK(sizeof(struct sched_shutdown) == 4);
    CHECK(sizeof(struct sched_poll) == 24);
    CHECK(offsetof(struct sched_poll, nr_ports) == 8);
    CHECK(offsetof(struct sched_poll, timeout) == 16);
    CHECK(sizeof(struct sched_remote_shutdown) == 8);
}

TEST(vcpu_op)
{
    CHECK(VCPUOP_initialise == 0 && VCPUOP_up == 1 && VCPUOP_down == 2);
    CHECK(VCPUOP_is_up == 3 && VCPUOP_get_runstate_info == 4);
    CHECK(VCPUOP_register_runstate_memory_area == 5);
    CHECK(VCPUOP_set_periodic_timer == 6 && VCPUOP_stop_periodic_timer == 7);
    CHECK(VCPUOP_set_singleshot_timer == 8 && VCPUOP_stop_singleshot_timer == 9);
    CHECK(VCPUOP_register_vcpu_info == 10 && VCPUOP_send_nmi == 11);
    CHECK(VCPUOP_get_physid == 12 && VCPUOP_register_vcpu_time_memory_area == 13);
    CHECK(RUNSTATE_running == 0 && RUNSTATE_offline == 3);
    CHECK(sizeof(struct vcpu_runstate_info) == 48);
    CHECK(offsetof(struct vcpu_runstate_info, time[3]) == 40);
    CHECK(sizeof(struct vcpu_register_vcpu_info) == 16);
    CHECK(offsetof(struct vcpu_register_vcpu_info, offset) == 8);
    CHECK(sizeof(struct vcpu_set_singleshot_timer) == 16);
    CHECK(VCPU_SSHOTTMR_future == 1);
}

TEST(elfnote_numbers)
{
    CHECK(XEN_ELFNOTE_ENTRY == 1 && XEN_ELFNOTE_HYPERCALL_PAGE == 2);
    CHECK(XEN_ELFNOTE_XEN_VERSION == 5 && XEN_ELFNOTE_GUEST_OS == 6);
    CHECK(XEN_ELFNOTE_GUEST_VERSION == 7 && XEN_ELFNOTE_LOADER == 8);
    CHECK(XEN_ELFNOTE_SUPPORTED_FEATURES == 17);
    CHECK(XEN_ELFNOTE_PHYS32_ENTRY == 18 && XEN_ELFNOTE_PHYS32_RELOC == 19);
    CHECK(sizeof(XEN_ELFNOTE_NAME) == 4);
}

TEST(start_info_layout)
{
    CHECK(XEN_HVM_START_MAGIC_VALUE == 0x336ec578);
    CHECK(sizeof(struct hvm_start_info) == 56);
    CHECK(offsetof(struct hvm_start_info, magic) == 0);
    CHECK(offsetof(struct hvm_start_info, version) == 4);
    CHECK(offsetof(struct hvm_start_info, flags) == 8);
    CHECK(offsetof(struct hvm_start_info, nr_modules) == 12);
    CHECK(offsetof(struct hvm_start_info, modlist_paddr) == 16);
    CHECK(offsetof(struct hvm_start_info, cmdline_paddr) == 24);
    CHECK(offsetof(struct hvm_start_info, rsdp_paddr) == 32);
    CHECK(offsetof(struct hvm_start_info, memmap_paddr) == 40);
    CHECK(offsetof(struct hvm_start_info, memmap_entries) == 48);
    CHECK(offsetof(struct hvm_start_info, reserved) == 52);
    CHECK(sizeof(struct hvm_modlist_entry) == 32);
    CHECK(offsetof(struct hvm_modlist_entry, size) == 8);
    CHECK(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16);
    CHECK(offsetof(struct hvm_modlist_entry, reserved) == 24);
    CHECK(sizeof(struct hvm_memmap_table_entry) == 24);
    CHECK(offsetof(struct hvm_memmap_table_entry, size) == 8);
    CHECK(offsetof(struct hvm_memmap_table_entry, type) == 16);
    CHECK(offsetof(struct hvm_memmap_table_entry, reserved) == 20);
    CHECK(XEN_HVM_MEMMAP_TYPE_RAM == 1 && XEN_HVM_MEMMAP_TYPE_RESERVED == 2);
    CHECK(XEN_HVM_MEMMAP_TYPE_ACPI == 3 && XEN_HVM_MEMMAP_TYPE_NVS == 4);
    CHECK(XEN_HVM_MEMMAP_TYPE_UNUSABLE == 5 && XEN_HVM_MEMMAP_TYPE_DISABLED == 6);
    CHECK(XEN_HVM_MEMMAP_TYPE_PMEM == 7);
}

TEST(hvm_params)
{
    uint64_t via = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT)
                   | 0xf3;

    CHECK(HVM_PARAM_CALLBACK_IRQ == 0);
    CHECK(HVM_PARAM_STORE_PFN == 1 && HVM_PARAM_STORE_EVTCHN == 2);
    CHECK(HVM_PARAM_CONSOLE_PFN == 17 && HVM_PARAM_CONSOLE_EVTCHN == 18);
    CHECK(HVM_PARAM_CALLBACK_TYPE_GSI == 0 && HVM_PARAM_CALLBACK_TYPE_PCI_INTX == 1);
    CHECK(HVM_PARAM_CALLBACK_TYPE_VECTOR == 2);
    CHECK((via & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) == 0x0200000000000000ULL);
    CHECK(HVM_NR_PARAMS == 39);
}

TEST(console_ring_layout)
{
    CHECK(sizeof(struct xencons_interface) == 3088);
    CHECK(offsetof(struct xencons_interface, in) == 0);
    CHECK(offsetof(struct xencons_interface, out) == 1024);
    CHECK(offsetof(struct xencons_interface, in_cons) == 3072);
    CHECK(offsetof(struct xencons_interface, in_prod) == 3076);
    CHECK(offsetof(struct xencons_interface, out_cons) == 3080);
    CHECK(offsetof(struct xencons_interface, out_prod) == 3084);
    CHECK(sizeof(XENCONS_RING_IDX) == 4);
    CHECK(XENCONS_MASK(2049u, XENCONS_OUT_SIZE) == 1 && XENCONS_MASK(1025u, XENCONS_IN_SIZE) == 1);
}

TEST(cpuid_leaves)
{
    char sig[13];
    uint32_t regs[3] = { XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                         XEN_CPUID_SIGNATURE_EDX };

    memcpy(sig, regs, 12);
    sig[12] = '\0';
    CHECK(strcmp(sig, "XenVMMXenVMM") == 0);
    CHECK(XEN_CPUID_FIRST_LEAF == 0x40000000);
    CHECK(XEN_CPUID_LEAF(4) == 0x40000004);
    CHECK(XEN_HVM_CPUID_VCPU_ID_PRESENT == 8 && XEN_HVM_CPUID_DOMID_PRESENT == 16);
    CHECK(XEN_HVM_CPUID_X2APIC_VIRT == 2 && XEN_HVM_CPUID_UPCALL_VECTOR == 64);
    CHECK(XEN_CPUID_MAX_NUM_LEAVES == 5);
}

TEST(grant_table_numbers)
{
    CHECK(GNTTABOP_map_grant_ref == 0 && GNTTABOP_unmap_grant_ref == 1);
    CHECK(GNTTABOP_setup_table == 2 && GNTTABOP_dump_table == 3 && GNTTABOP_transfer == 4);
    CHECK(GNTTABOP_copy == 5 && GNTTABOP_query_size == 6 && GNTTABOP_unmap_and_replace == 7);
    CHECK(GNTTABOP_set_version == 8 && GNTTABOP_get_status_frames == 9);
    CHECK(GNTTABOP_get_version == 10 && GNTTABOP_swap_grant_ref == 11);
    CHECK(GNTTABOP_cache_flush == 12);
    CHECK(GNTST_okay == 0 && GNTST_general_error == -1 && GNTST_bad_domain == -2);
    CHECK(GNTST_bad_gntref == -3 && GNTST_bad_handle == -4 && GNTST_bad_virt_addr == -5);
    CHECK(GNTST_bad_dev_addr == -6 && GNTST_no_device_space == -7);
    CHECK(GNTST_permission_denied == -8 && GNTST_bad_page == -9 && GNTST_bad_copy_arg == -10);
    CHECK(GNTST_address_too_big == -11 && GNTST_eagain == -12 && GNTST_no_space == -13);
    CHECK(GNTMAP_device_map == 1 && GNTMAP_host_map == 2 && GNTMAP_readonly == 4);
    CHECK(GNTMAP_application_map == 8 && GNTMAP_contains_pte == 16);
    CHECK(GTF_permit_access == 1 && GTF_accept_transfer == 2 && GTF_transitive == 3);
    CHECK(GTF_readonly == 4 && GTF_reading == 8 && GTF_writing == 16);
    CHECK(GTF_PWT == 32 && GTF_PCD == 64 && GTF_PAT == 128 && GTF_sub_page == 256);
    CHECK(GNTCOPY_source_gref == 1 && GNTCOPY_dest_gref == 2);
    CHECK(GNTTAB_NR_RESERVED_ENTRIES == 8);
}

TEST(grant_table_layouts)
{
    CHECK(sizeof(struct grant_entry_v1) == 8);
    CHECK(offsetof(struct grant_entry_v1, frame) == 4);
    CHECK(sizeof(struct gnttab_map_grant_ref) == 32);
    CHECK(offsetof(struct gnttab_map_grant_ref, handle) == 20);
    CHECK(sizeof(struct gnttab_unmap_grant_ref) == 24);
    CHECK(sizeof(struct gnttab_setup_table) == 24);
    CHECK(sizeof(struct gnttab_copy) == 40);
    CHECK(offsetof(struct gnttab_copy, status) == 36);
    CHECK(sizeof(struct gnttab_query_size) == 16);
    CHECK(sizeof(struct gnttab_set_version) == 4 && sizeof(struct gnttab_get_version) == 8);
}

TEST(memory_op_numbers_and_layouts)
{
    CHECK(XENMEM_increase_reservation == 0 && XENMEM_decrease_reservation == 1);
    CHECK(XENMEM_maximum_ram_page == 2 && XENMEM_current_reservation == 3);
    CHECK(XENMEM_maximum_reservation == 4 && XENMEM_populate_physmap == 6);
    CHECK(XENMEM_add_to_physmap == 7 && XENMEM_memory_map == 9 && XENMEM_exchange == 11);
    CHECK(MEMOP_EXTENT_SHIFT == 6 && MEMOP_CMD_MASK == 0x3f);
    CHECK(XENMAPSPACE_grant_table == 1 && XENMAPIDX_grant_table_status == 0x80000000U);
    CHECK(XENMEMF_get_address_bits(XENMEMF_address_bits(32) | XENMEMF_populate_on_demand) == 32);
    CHECK(sizeof(struct xen_memory_reservation) == 32);
    CHECK(offsetof(struct xen_memory_reservation, domid) == 24);
    CHECK(sizeof(struct xen_memory_map) == 16);
    CHECK(sizeof(struct xen_e820_entry) == 20);
    CHECK(offsetof(struct xen_e820_entry, type) == 16);
}
