// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd BPF layer: load the embedded skeleton, mmap the IPv4 FIB arrays,
 * write the reserved groups, attach the XDP program to interfaces and pin
 * the links on bpffs in a directory of this zebra's network namespace.
 */
#include "config.h"
#include <zebra.h>

#include <dirent.h>
#include <sys/mman.h>
#include <sys/random.h>
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

#include "plugin/xdpfwd.h"
#include "plugin/dp/dp.h"
#include "bpf/xdpfwd.skel.h"

extern struct zebra_privs_t zserv_privs;

/* the loaded object; nothing outside this layer sees an fd */
static struct {
	struct xdpfwd_bpf *skel;
	struct xdpfwd_fib4_block *tbl24; /* mmapped fib4_tbl24 */
	struct xdpfwd_fib4_block *tbl8;	 /* mmapped fib4_tbl8 */
	size_t tbl24_len, tbl8_len;
	uint32_t tbl8_groups;
	int prog_fd;
	char pin_dir[256];
	bool loaded;
	char error[256]; /* why loading failed */
} dp = {
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
	static const uint8_t reserved[] = XDPFWD_NHG_RESERVED;

	for (uint32_t id = 1; id < array_size(reserved); id++) {
		struct xdpfwd_nhg nhg = { .type = reserved[id] };
		int err = dp_nhg_write(id, &nhg);

		if (err)
			return err;
	}
	return 0;
}

static void bind_maps(struct xdpfwd_bpf *skel)
{
	struct dp_map_fds f = {};

	f.fd[DP_MAP_FIB6] = bpf_map__fd(skel->maps.fib6);
	f.fd[DP_MAP_NHGS] = bpf_map__fd(skel->maps.nhgs);
	f.fd[DP_MAP_ADJS] = bpf_map__fd(skel->maps.adjs);
	f.fd[DP_MAP_NEIGH4] = bpf_map__fd(skel->maps.neigh4);
	f.fd[DP_MAP_NEIGH6] = bpf_map__fd(skel->maps.neigh6);
	f.fd[DP_MAP_IFACES] = bpf_map__fd(skel->maps.ifaces);
	f.fd[DP_MAP_TX_PORTS] = bpf_map__fd(skel->maps.tx_ports);
	f.fd[DP_MAP_FDB] = bpf_map__fd(skel->maps.fdb);
	f.fd[DP_MAP_LOCAL4] = bpf_map__fd(skel->maps.local4);
	f.counters = bpf_map__fd(skel->maps.counters);
	f.if_counters = bpf_map__fd(skel->maps.if_counters);
	dp_maps_bind(&f);
}

static void unbind_maps(void)
{
	struct dp_map_fds f;

	for (int m = 0; m < DP_MAP__MAX; m++)
		f.fd[m] = -1;
	f.counters = f.if_counters = -1;
	dp_maps_bind(&f);
}

/*
 * The ECMP hash seed, random per load: routers of consecutive tiers that
 * hashed alike would split a group's flows the same way (polarisation).
 * A restart reshuffles flows across a group's members, as a kernel
 * reboot does with net.ipv4.fib_multipath_hash_seed unset.
 */
static uint32_t hash_seed(void)
{
	uint32_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	return seed;
}

bool dp_loaded(void)
{
	return dp.loaded;
}

const char *dp_error(void)
{
	return dp.loaded ? "" : dp.error;
}

const char *dp_pin_dir(void)
{
	return dp.pin_dir;
}

uint32_t dp_tbl8_groups(void)
{
	return dp.tbl8_groups;
}

void dp_fib4_memory(struct xdpfwd_fib4_block **tbl24,
		    struct xdpfwd_fib4_block **tbl8, uint32_t *groups)
{
	*tbl24 = dp.tbl24;
	*tbl8 = dp.tbl8;
	*groups = dp.tbl8_groups;
}

int dp_load(const struct xdpfwd_config *cfg)
{
	struct xdpfwd_bpf *skel = NULL;
	char links[300];
	int err;

	libbpf_set_print(libbpf_log);
	frr_with_privs (&zserv_privs) {
		err = bpffs_ensure();
		if (err)
			goto out;
		pin_dir_name(dp.pin_dir, sizeof(dp.pin_dir));
		/* A previous zebra's pins: the kernel forwards until our own
		 * program is attached again.
		 */
		snprintf(links, sizeof(links), "%s/links", dp.pin_dir);
		for_each_dir_entry(links, detach_pinned_link);
		unlink_dir_entries(dp.pin_dir);
		err = mkdir_p(dp.pin_dir);
		if (err) {
			flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: mkdir %s: %s",
				 dp.pin_dir, strerror(-err));
			goto out;
		}
		snprintf(links, sizeof(links), "%s/links", dp.pin_dir);
		mkdir_p(links);

		skel = xdpfwd_bpf__open();
		if (!skel) {
			err = -errno;
			goto out;
		}
		bpf_map__set_max_entries(skel->maps.fib4_tbl8,
					 cfg->tbl8_groups);
		bpf_map__set_max_entries(skel->maps.fib6,
					 cfg->fib6_routes);
		bpf_map__set_max_entries(skel->maps.neigh4,
					 cfg->neigh_max);
		bpf_map__set_max_entries(skel->maps.neigh6,
					 cfg->neigh_max);
		skel->rodata->xdpfwd_hash_seed = hash_seed();
		/*
		 * Only the links are pinned (they keep the program forwarding
		 * across a zebra crash; a restart builds new maps anyway).  A
		 * map pin could be opened and written by any process of the
		 * pin's owner: every FRR daemon runs as frr, and the kernel
		 * checks only the file mode.  A link pin gives no map: getting
		 * one by id needs CAP_SYS_ADMIN, and replacing the program
		 * needs a program fd, which such a process cannot get either.
		 */
		err = xdpfwd_bpf__load(skel);
		if (err)
			goto out;
	}

	dp.skel = skel;
	dp.prog_fd = bpf_program__fd(skel->progs.xdpfwd_main);
	bind_maps(skel);
	dp.tbl8_groups = bpf_map__max_entries(skel->maps.fib4_tbl8);
	dp.tbl24 = map_mmap(skel->maps.fib4_tbl24, &dp.tbl24_len);
	dp.tbl8 = map_mmap(skel->maps.fib4_tbl8, &dp.tbl8_len);
	if (!dp.tbl24 || !dp.tbl8) {
		err = -errno;
		skel = NULL; /* owned by dp now */
		goto out;
	}
	err = write_reserved_groups();
	if (err) {
		skel = NULL;
		goto out;
	}
	dp.loaded = true;
	zlog_info("xdpfwd: XDP program loaded, links pinned in %s/links",
		  dp.pin_dir);
	return 0;

out:
	snprintf(dp.error, sizeof(dp.error),
		 "loading the XDP program failed: %s", strerror(-err));
	flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: %s", dp.error);
	if (skel)
		xdpfwd_bpf__destroy(skel);
	if (!skel && dp.skel)
		dp_unload();
	return err;
}

void dp_unload(void)
{
	unbind_maps();
	if (dp.tbl24)
		munmap(dp.tbl24, dp.tbl24_len);
	if (dp.tbl8)
		munmap(dp.tbl8, dp.tbl8_len);
	dp.tbl24 = dp.tbl8 = NULL;
	if (dp.skel) {
		frr_with_privs (&zserv_privs) {
			unlink_dir_entries(dp.pin_dir);
			rmdir(dp.pin_dir);
		}
		xdpfwd_bpf__destroy(dp.skel);
	}
	dp.skel = NULL;
	dp.loaded = false;
}

static void link_pin_path(char *buf, size_t len, const char *ifname)
{
	snprintf(buf, len, "%s/links/%s", dp.pin_dir, ifname);
}

/* Returns the bpf_link fd (kept by the caller for a synchronous detach)
 * or -errno.
 */
int dp_attach(int ifindex, const char *ifname, bool generic,
		      char *errbuf, size_t errlen)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	char path[512];
	int link_fd = -1, err = 0;

	if (!dp.loaded) {
		snprintf(errbuf, errlen, "XDP program not loaded (%s)",
			 dp.error);
		return -ENOENT;
	}
	opts.flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	link_pin_path(path, sizeof(path), ifname);
	frr_with_privs (&zserv_privs) {
		unlink(path);
		link_fd = bpf_link_create(dp.prog_fd, ifindex, BPF_XDP,
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

int dp_detach(int link_fd, const char *ifname)
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
