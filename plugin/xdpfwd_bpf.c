// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd: the BPF object: load the embedded skeleton, pin maps and links on
 * bpffs in a directory of this zebra's network namespace, mmap the IPv4 FIB
 * arrays, attach the XDP program to interfaces.
 */
#include "config.h"
#include <zebra.h>

#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/log.h"
#include "lib/lib_errors.h"
#include "lib/privs.h"

#include "zebra/zebra_router.h"

#include "xdpfwd.h"
#include "bpf/xdpfwd.skel.h"

extern struct zebra_privs_t zserv_privs;

struct xdpfwd_dp xdpfwd_dp = {
	.fd_fib6 = -1,
	.prog_fd = -1,
};

#define BPFFS "/sys/fs/bpf"

static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	char buf[512];

	if (level == LIBBPF_DEBUG && !IS_XDPFWD_DEBUG(EVENTS))
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	if (level == LIBBPF_WARN)
		zlog_warn("xdpfwd: libbpf: %s", buf);
	else
		zlog_debug("xdpfwd: libbpf: %s", buf);
	return 0;
}

/* bpffs is not mounted by default on Debian; mount it if absent. */
static int bpffs_ensure(void)
{
	struct statfs st = {};

	if (statfs(BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700") < 0) {
		int err = -errno;

		flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: mount bpffs on %s: %s",
			 BPFFS, strerror(errno));
		return err;
	}
	return 0;
}

/* One directory per network namespace: zebras in different namespaces
 * never share pins.
 */
static void pin_dir_name(char *buf, size_t len)
{
	struct stat st = {};

	if (stat("/proc/self/ns/net", &st) < 0)
		st.st_ino = 0;
	snprintf(buf, len, BPFFS "/xdpfwd/netns-%lu",
		 (unsigned long)st.st_ino);
}

/* Call fn for each entry of dir (but . and ..) with its full path. */
static void for_each_dir_entry(const char *dir,
			       void (*fn)(const char *path, const char *name))
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			continue;
		fn(path, de->d_name);
	}
	closedir(d);
}

static void unlink_dir_entries(const char *dir);

static void unlink_entry(const char *path, const char *name)
{
	if (unlink(path) < 0 && errno == EISDIR) {
		unlink_dir_entries(path);
		rmdir(path);
	}
}

static void unlink_dir_entries(const char *dir)
{
	for_each_dir_entry(dir, unlink_entry);
}

/* A crashed zebra's links stay attached through their pins: detach them
 * synchronously, so that attaching again right away does not find them.
 */
static void detach_pinned_link(const char *path, const char *name)
{
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return;
	if (bpf_link_detach(fd) == 0)
		zlog_info("xdpfwd: detached %s left by a previous zebra", name);
	close(fd);
}

static int mkdir_p(const char *dir)
{
	char tmp[256];

	strlcpy(tmp, dir, sizeof(tmp));
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void *map_mmap(struct bpf_map *map, size_t *len)
{
	size_t sz = (size_t)bpf_map__value_size(map) *
		    bpf_map__max_entries(map);
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	sz = (sz + page - 1) & ~(page - 1);
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(map), 0);
	if (p == MAP_FAILED)
		return NULL;
	*len = sz;
	return p;
}

static int write_reserved_groups(void)
{
	static const struct {
		uint32_t id;
		uint8_t type;
	} reserved[] = {
		{ XDPFWD_NHG_ID_LOCAL, XDPFWD_NHG_LOCAL },
		{ XDPFWD_NHG_ID_BLACKHOLE, XDPFWD_NHG_BLACKHOLE },
		{ XDPFWD_NHG_ID_UNREACHABLE, XDPFWD_NHG_UNREACHABLE },
		{ XDPFWD_NHG_ID_KERNEL, XDPFWD_NHG_KERNEL },
	};

	for (size_t i = 0; i < array_size(reserved); i++) {
		struct xdpfwd_nhg nhg = { .type = reserved[i].type };

		if (bpf_map_update_elem(xdpfwd_dp.fd_nhgs, &reserved[i].id,
					&nhg, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

int xdpfwd_bpf_load(void)
{
	struct xdpfwd_bpf *skel = NULL;
	char links[300];
	int err;

	libbpf_set_print(libbpf_log);
	frr_with_privs (&zserv_privs) {
		err = bpffs_ensure();
		if (err)
			goto out;
		pin_dir_name(xdpfwd_dp.pin_dir, sizeof(xdpfwd_dp.pin_dir));
		/* A previous zebra's pins: the kernel forwards until our own
		 * program is attached again.
		 */
		snprintf(links, sizeof(links), "%s/links", xdpfwd_dp.pin_dir);
		for_each_dir_entry(links, detach_pinned_link);
		unlink_dir_entries(xdpfwd_dp.pin_dir);
		err = mkdir_p(xdpfwd_dp.pin_dir);
		if (err) {
			flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: mkdir %s: %s",
				 xdpfwd_dp.pin_dir, strerror(-err));
			goto out;
		}
		snprintf(links, sizeof(links), "%s/links", xdpfwd_dp.pin_dir);
		mkdir_p(links);

		skel = xdpfwd_bpf__open();
		if (!skel) {
			err = -errno;
			goto out;
		}
		bpf_map__set_max_entries(skel->maps.fib4_tbl8,
					 xdpfwd_cfg.tbl8_groups);
		bpf_map__set_max_entries(skel->maps.fib6,
					 xdpfwd_cfg.fib6_routes);
		bpf_map__set_max_entries(skel->maps.neigh4,
					 xdpfwd_cfg.neigh_max);
		bpf_map__set_max_entries(skel->maps.neigh6,
					 xdpfwd_cfg.neigh_max);
		err = xdpfwd_bpf__load(skel);
		if (err)
			goto out;
		err = bpf_object__pin_maps(skel->obj, xdpfwd_dp.pin_dir);
		if (err)
			goto out;
	}

	xdpfwd_dp.skel = skel;
	xdpfwd_dp.prog_fd = bpf_program__fd(skel->progs.xdpfwd_main);
	xdpfwd_dp.fd_fib6 = bpf_map__fd(skel->maps.fib6);
	xdpfwd_dp.fd_nhgs = bpf_map__fd(skel->maps.nhgs);
	xdpfwd_dp.fd_adjs = bpf_map__fd(skel->maps.adjs);
	xdpfwd_dp.fd_neigh4 = bpf_map__fd(skel->maps.neigh4);
	xdpfwd_dp.fd_neigh6 = bpf_map__fd(skel->maps.neigh6);
	xdpfwd_dp.fd_ifaces = bpf_map__fd(skel->maps.ifaces);
	xdpfwd_dp.fd_tx_ports = bpf_map__fd(skel->maps.tx_ports);
	xdpfwd_dp.fd_counters = bpf_map__fd(skel->maps.counters);
	xdpfwd_dp.fd_if_counters = bpf_map__fd(skel->maps.if_counters);
	xdpfwd_dp.fd_fdb = bpf_map__fd(skel->maps.fdb);
	xdpfwd_dp.tbl8_groups = bpf_map__max_entries(skel->maps.fib4_tbl8);
	xdpfwd_dp.tbl24 = map_mmap(skel->maps.fib4_tbl24, &xdpfwd_dp.tbl24_len);
	xdpfwd_dp.tbl8 = map_mmap(skel->maps.fib4_tbl8, &xdpfwd_dp.tbl8_len);
	if (!xdpfwd_dp.tbl24 || !xdpfwd_dp.tbl8) {
		err = -errno;
		skel = NULL; /* owned by xdpfwd_dp now */
		goto out;
	}
	err = write_reserved_groups();
	if (err) {
		skel = NULL;
		goto out;
	}
	xdpfwd_dp.loaded = true;
	zlog_info("xdpfwd: XDP program loaded, maps pinned in %s",
		  xdpfwd_dp.pin_dir);
	return 0;

out:
	snprintf(xdpfwd_dp.error, sizeof(xdpfwd_dp.error),
		 "loading the XDP program failed: %s", strerror(-err));
	flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: %s", xdpfwd_dp.error);
	if (skel)
		xdpfwd_bpf__destroy(skel);
	if (!skel && xdpfwd_dp.skel)
		xdpfwd_bpf_unload();
	return err;
}

void xdpfwd_bpf_unload(void)
{
	if (xdpfwd_dp.tbl24)
		munmap(xdpfwd_dp.tbl24, xdpfwd_dp.tbl24_len);
	if (xdpfwd_dp.tbl8)
		munmap(xdpfwd_dp.tbl8, xdpfwd_dp.tbl8_len);
	xdpfwd_dp.tbl24 = xdpfwd_dp.tbl8 = NULL;
	if (xdpfwd_dp.skel) {
		frr_with_privs (&zserv_privs) {
			bpf_object__unpin_maps(xdpfwd_dp.skel->obj,
					       xdpfwd_dp.pin_dir);
			unlink_dir_entries(xdpfwd_dp.pin_dir);
			rmdir(xdpfwd_dp.pin_dir);
		}
		xdpfwd_bpf__destroy(xdpfwd_dp.skel);
	}
	xdpfwd_dp.skel = NULL;
	xdpfwd_dp.loaded = false;
}

static void link_pin_path(char *buf, size_t len, const char *ifname)
{
	snprintf(buf, len, "%s/links/%s", xdpfwd_dp.pin_dir, ifname);
}

/* Returns the bpf_link fd (kept by the caller for a synchronous detach)
 * or -errno.
 */
int xdpfwd_bpf_attach(int ifindex, const char *ifname, bool generic,
		      char *errbuf, size_t errlen)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	char path[512];
	int link_fd = -1, err = 0;

	if (!xdpfwd_dp.loaded) {
		snprintf(errbuf, errlen, "XDP program not loaded (%s)",
			 xdpfwd_dp.error);
		return -ENOENT;
	}
	opts.flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	link_pin_path(path, sizeof(path), ifname);
	frr_with_privs (&zserv_privs) {
		unlink(path);
		link_fd = bpf_link_create(xdpfwd_dp.prog_fd, ifindex, BPF_XDP,
					  &opts);
		if (link_fd < 0) {
			err = -errno;
			break;
		}
		/* The pin keeps the program attached across a zebra crash;
		 * a clean stop or the next start removes it.
		 */
		if (bpf_obj_pin(link_fd, path) < 0) {
			err = -errno;
			close(link_fd);
		}
	}
	if (err) {
		if (err == -EOPNOTSUPP || err == -EINVAL)
			snprintf(errbuf, errlen,
				 "%s cannot run XDP in %s mode: %s%s", ifname,
				 generic ? "generic" : "native", strerror(-err),
				 generic ? "" : " (try: xdpfwd mode generic)");
		else if (err == -EBUSY || err == -EEXIST)
			snprintf(errbuf, errlen,
				 "%s already has another XDP program: %s",
				 ifname, strerror(-err));
		else
			snprintf(errbuf, errlen, "attaching XDP to %s: %s",
				 ifname, strerror(-err));
		flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: %s", errbuf);
		return err;
	}
	return link_fd;
}

int xdpfwd_bpf_detach(int link_fd, const char *ifname)
{
	char path[512];
	int err = 0;

	link_pin_path(path, sizeof(path), ifname);
	frr_with_privs (&zserv_privs) {
		/* Detach now: dropping the last reference (unpin, close)
		 * detaches only from a deferred work item, and a re-attach
		 * right after would find the old program still there.
		 */
		if (link_fd >= 0 && bpf_link_detach(link_fd) < 0 &&
		    errno != ENOLINK && errno != EINVAL)
			err = -errno;
		if (unlink(path) < 0 && errno != ENOENT && !err)
			err = -errno;
	}
	if (link_fd >= 0)
		close(link_fd);
	if (err)
		flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: detach from %s: %s",
			 ifname, strerror(-err));
	return err;
}

int xdpfwd_bpf_set_iface(int ifindex, const struct xdpfwd_iface *val)
{
	uint32_t key = ifindex;

	if (!xdpfwd_dp.loaded)
		return -ENOENT;
	if (ifindex <= 0 || ifindex >= XDPFWD_IFINDEX_MAX)
		return -ERANGE;
	if (bpf_map_update_elem(xdpfwd_dp.fd_ifaces, &key, val, BPF_ANY) < 0)
		return -errno;
	return 0;
}

int xdpfwd_bpf_set_tx_port(int ifindex, bool present)
{
	uint32_t key = ifindex, val = ifindex;
	int ret;

	if (!xdpfwd_dp.loaded)
		return -ENOENT;
	if (present)
		ret = bpf_map_update_elem(xdpfwd_dp.fd_tx_ports, &key, &val,
					  BPF_ANY);
	else
		ret = bpf_map_delete_elem(xdpfwd_dp.fd_tx_ports, &key);
	if (ret < 0 && !(errno == ENOENT && !present))
		return -errno;
	return 0;
}

static int ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n;
}

int xdpfwd_bpf_counters(uint32_t reason, struct xdpfwd_counter *sum)
{
	int n = ncpus();
	struct xdpfwd_counter vals[n];

	memset(sum, 0, sizeof(*sum));
	if (!xdpfwd_dp.loaded)
		return -ENOENT;
	if (bpf_map_lookup_elem(xdpfwd_dp.fd_counters, &reason, vals) < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		sum->packets += vals[i].packets;
		sum->bytes += vals[i].bytes;
	}
	return 0;
}

int xdpfwd_bpf_if_counters(int ifindex, struct xdpfwd_if_counters *sum)
{
	int n = ncpus();
	struct xdpfwd_if_counters vals[n];
	uint32_t key = ifindex;

	memset(sum, 0, sizeof(*sum));
	if (!xdpfwd_dp.loaded)
		return -ENOENT;
	if (ifindex <= 0 || ifindex >= XDPFWD_IFINDEX_MAX)
		return -ERANGE;
	if (bpf_map_lookup_elem(xdpfwd_dp.fd_if_counters, &key, vals) < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		sum->rx_fwd_packets += vals[i].rx_fwd_packets;
		sum->rx_fwd_bytes += vals[i].rx_fwd_bytes;
		sum->tx_fwd_packets += vals[i].tx_fwd_packets;
		sum->tx_fwd_bytes += vals[i].tx_fwd_bytes;
		sum->rx_pass_packets += vals[i].rx_pass_packets;
		sum->rx_drop_packets += vals[i].rx_drop_packets;
	}
	return 0;
}
