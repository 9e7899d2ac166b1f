// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpfwd BPF layer: load the embedded skeleton, mmap the IPv4 FIB arrays,
 * write the reserved groups, attach the XDP program to interfaces (links
 * held by zebra's fds only), renew the liveness deadline, and remove the
 * pins of earlier builds.
 */
#include "config.h"
#include <zebra.h>

#include <dirent.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/if_link.h>
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
	uint32_t *fib6_dir, *fib6_vals; /* mmapped IPv6 FIB */
	uint64_t *fib6_keys;
	size_t fib6_dir_len, fib6_keys_len, fib6_vals_len;
	uint32_t fib6_slots;
	int prog_fd;
	bool loaded;
	char error[256]; /* why loading failed */
} dp = {
	.prog_fd = -1,
};

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

/*
 * Nothing is pinned: the XDP links are held by zebra's own fds and die
 * with its process, so a crashed zebra leaves the kernel forwarding alone
 * at once, and no process of zebra's user (every FRR daemon runs as frr)
 * finds an object to open.  Builds before this one pinned their links in
 * BPFFS/xdpfwd/netns-<inode>/links: those are cleaned up at start.
 */
#define BPFFS "/sys/fs/bpf"
#define OLD_PIN_ROOT BPFFS "/xdpfwd"

/* Call fn for each entry of dir (but . and ..) with its full path. */
static void for_each_dir_entry(const char *dir,
			       void (*fn)(const char *path, const char *name,
					  void *arg),
			       void *arg)
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
		fn(path, de->d_name, arg);
	}
	closedir(d);
}

/* what an old pin directory held, for the cleanup's decision */
struct old_links {
	bool ours;	 /* the directory of this zebra's namespace */
	unsigned int n;	 /* links */
	unsigned int live; /* links still attached to an interface */
};

static void old_link_count(const char *path, const char *name, void *arg)
{
	struct old_links *ol = arg;
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return;
	ol->n++;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	    info.type == BPF_LINK_TYPE_XDP && info.xdp.ifindex) {
		/* ours: detach now, so that attaching again does not find
		 * the old program (a link's release is deferred)
		 */
		if (ol->ours && bpf_link_detach(fd) == 0)
			zlog_info("xdpfwd: detached %s, left by an earlier zebra",
				  path);
		else
			ol->live++;
	}
	close(fd);
}

static void unlink_entry(const char *path, const char *name, void *arg)
{
	unlink(path);
}

/*
 * One earlier build's pin directory (netns-<inode>): removed when it is
 * this namespace's or when none of its links holds an interface any more
 * (their namespace was deleted); a live zebra's of another namespace is
 * left alone.
 */
static void old_pins_cleanup(const char *path, const char *name, void *arg)
{
	const struct stat *own_ns = arg;
	unsigned long ino;
	char links[600];
	struct old_links ol = {};

	if (sscanf(name, "netns-%lu", &ino) != 1)
		return;
	ol.ours = ino == own_ns->st_ino;
	snprintf(links, sizeof(links), "%s/links", path);
	for_each_dir_entry(links, old_link_count, &ol);
	if (ol.live) {
		zlog_info("xdpfwd: %s holds %u XDP links still attached (another namespace's zebra): left alone",
			  path, ol.live);
		return;
	}
	for_each_dir_entry(links, unlink_entry, NULL);
	rmdir(links);
	for_each_dir_entry(path, unlink_entry, NULL);
	if (rmdir(path) == 0)
		zlog_info("xdpfwd: removed %s (%u XDP links), left by an earlier xdpfwd build%s",
			  path, ol.n, ol.ours ? "" : " for a namespace that is gone");
}

/*
 * Earlier builds' pins, if bpffs is mounted and they are there.  Only a
 * directory that root or zebra's own user owns and nobody else can write
 * is touched: anything else may have been planted and is reported.
 */
static void old_pins_remove(void)
{
	struct stat root = {}, own_ns = {};
	struct zprivs_ids_t ids = {};

	if (lstat(OLD_PIN_ROOT, &root) < 0) {
		/* EACCES: a bpffs closed to zebra's user (systemd's is root
		 * 0700), where no earlier build could pin anything either
		 */
		if (errno != ENOENT && IS_XDPFWD_DEBUG(EVENTS))
			zlog_debug("xdpfwd: not looking for earlier pins: %s: %s",
				   OLD_PIN_ROOT, strerror(errno));
		return;
	}
	zprivs_get_ids(&ids);
	if (!S_ISDIR(root.st_mode) ||
	    (root.st_uid != 0 && root.st_uid != ids.uid_normal) ||
	    (root.st_mode & (S_IWGRP | S_IWOTH))) {
		zlog_warn("xdpfwd: %s is not a directory of root or zebra's user closed to others (owner %u, mode %04o): left alone; remove it if no earlier xdpfwd uses it",
			  OLD_PIN_ROOT, (unsigned int)root.st_uid,
			  (unsigned int)(root.st_mode & 07777));
		return;
	}
	if (stat("/proc/self/ns/net", &own_ns) < 0)
		return;
	for_each_dir_entry(OLD_PIN_ROOT, old_pins_cleanup, &own_ns);
	rmdir(OLD_PIN_ROOT); /* only if empty */
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

/* the plugin vouches for the maps until @until_ns (liveness.h) */
void dp_set_live_until(uint64_t until_ns)
{
	if (dp.skel)
		/* one aligned 64-bit store: a reader sees old or new */
		__atomic_store_n(&dp.skel->bss->xdpfwd_live_until_ns,
				 until_ns, __ATOMIC_RELAXED);
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

void dp_fib6_memory(uint32_t **dir, uint64_t **keys, uint32_t **vals,
		    uint32_t *nslots)
{
	*dir = dp.fib6_dir;
	*keys = dp.fib6_keys;
	*vals = dp.fib6_vals;
	*nslots = dp.fib6_slots;
}

/*
 * fib6=N sizes the range-table slots for N routes: a route takes about
 * three slots in published tables (two ranges and its share of page
 * rounding and indexes); the rest leaves room for copies waiting for a
 * grace period, so that grace periods stay rare during a full load.
 */
static uint32_t fib6_slots_for(uint32_t routes)
{
	uint64_t slots = (uint64_t)routes * XDPFWD_FIB6_SLOTS_PER_ROUTE;

	if (slots < 64)
		slots = 64;
	slots &= ~1ULL; /* fib6_vals holds pairs */
	if (slots > XDPFWD_FIB6_OFF_MASK + 1ULL)
		slots = XDPFWD_FIB6_OFF_MASK + 1ULL;
	return (uint32_t)slots;
}

int dp_load(const struct xdpfwd_config *cfg)
{
	struct xdpfwd_bpf *skel = NULL;
	int err;

	libbpf_set_print(libbpf_log);
	frr_with_privs (&zserv_privs) {
		old_pins_remove();
		skel = xdpfwd_bpf__open();
		if (!skel) {
			err = -errno;
			goto out;
		}
		bpf_map__set_max_entries(skel->maps.fib4_tbl8,
					 cfg->tbl8_groups);
		bpf_map__set_max_entries(skel->maps.fib6_keys,
					 fib6_slots_for(cfg->fib6_routes));
		bpf_map__set_max_entries(skel->maps.fib6_vals,
					 fib6_slots_for(cfg->fib6_routes) / 2);
		bpf_map__set_max_entries(skel->maps.neigh4,
					 cfg->neigh_max);
		bpf_map__set_max_entries(skel->maps.neigh6,
					 cfg->neigh_max);
		skel->rodata->xdpfwd_hash_seed = hash_seed();
		/* held here (CAP_SYS_ADMIN): conntrack mode can read nf_conn */
		skel->rodata->xdpfwd_ct_reads = 1;
		/* .bss starts at 0: every frame to the kernel until the
		 * start gate opens (dp_set_live_until())
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
	dp.fib6_slots = bpf_map__max_entries(skel->maps.fib6_keys);
	dp.fib6_dir = map_mmap(skel->maps.fib6_dir, &dp.fib6_dir_len);
	dp.fib6_keys = map_mmap(skel->maps.fib6_keys, &dp.fib6_keys_len);
	dp.fib6_vals = map_mmap(skel->maps.fib6_vals, &dp.fib6_vals_len);
	if (!dp.tbl24 || !dp.tbl8 || !dp.fib6_dir || !dp.fib6_keys ||
	    !dp.fib6_vals) {
		err = -errno;
		skel = NULL; /* owned by dp now */
		goto out;
	}
	err = write_reserved_groups();
	if (err) {
		skel = NULL;
		goto out;
	}
	err = dp_trace_bind(bpf_map__fd(skel->maps.trace_ring),
			    &skel->bss->xdpfwd_trace_budget,
			    &skel->bss->xdpfwd_trace_ifindex);
	if (err) {
		skel = NULL;
		goto out;
	}
	err = dp_ct_bind(bpf_map__fd(skel->maps.ct_ring),
			 skel->bss->xdpfwd_ct_timeout_ms);
	if (err) {
		skel = NULL;
		goto out;
	}
	dp.loaded = true;
	zlog_info("xdpfwd: XDP program loaded (nothing pinned: the links live as long as zebra)");
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
	dp_trace_unbind();
	dp_ct_unbind();
	unbind_maps();
	if (dp.tbl24)
		munmap(dp.tbl24, dp.tbl24_len);
	if (dp.tbl8)
		munmap(dp.tbl8, dp.tbl8_len);
	dp.tbl24 = dp.tbl8 = NULL;
	if (dp.fib6_dir)
		munmap(dp.fib6_dir, dp.fib6_dir_len);
	if (dp.fib6_keys)
		munmap(dp.fib6_keys, dp.fib6_keys_len);
	if (dp.fib6_vals)
		munmap(dp.fib6_vals, dp.fib6_vals_len);
	dp.fib6_dir = dp.fib6_vals = NULL;
	dp.fib6_keys = NULL;
	if (dp.skel)
		xdpfwd_bpf__destroy(dp.skel);
	dp.skel = NULL;
	dp.loaded = false;
}

/* Returns the bpf_link fd (kept by the caller for a synchronous detach)
 * or -errno.
 */
int dp_attach(int ifindex, const char *ifname, bool generic,
		      char *errbuf, size_t errlen)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int link_fd = -1, err = 0;

	if (!dp.loaded) {
		snprintf(errbuf, errlen, "XDP program not loaded (%s)",
			 dp.error);
		return -ENOENT;
	}
	opts.flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	frr_with_privs (&zserv_privs) {
		/* held by this fd only: the link dies with zebra */
		link_fd = bpf_link_create(dp.prog_fd, ifindex, BPF_XDP,
					  &opts);
		if (link_fd < 0)
			err = -errno;
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
	int err = 0;

	frr_with_privs (&zserv_privs) {
		/* Detach now: dropping the last reference (close) detaches
		 * only from a deferred work item, and a re-attach right
		 * after would find the old program still there.
		 */
		if (link_fd >= 0 && bpf_link_detach(link_fd) < 0 &&
		    errno != ENOLINK && errno != EINVAL)
			err = -errno;
	}
	if (link_fd >= 0)
		close(link_fd);
	if (err)
		flog_err(EC_LIB_SYSTEM_CALL, "xdpfwd: detach from %s: %s",
			 ifname, strerror(-err));
	return err;
}
