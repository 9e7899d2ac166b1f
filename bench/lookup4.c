// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lookup4: IPv4 lookup structures alone, on the same route sets and
 * destination pools as xdpbench (routes.c; a random installed route, a
 * random address inside it): xdpfwd's DIR-24-8 against a Poptrie in two
 * node layouts (bpf/lookup4.h).  Answers issue 13's "measure before
 * choosing" for a popcount structure in BPF, which has no popcount
 * instruction.  Every structure is first checked against the oracle (all
 * pool destinations and 1M random addresses in C, the whole pool in BPF).
 *
 *   lookup4 [--smoke] [--out DIR] [--seed N] [--rounds N] [--cpu N]
 *
 * Writes DIR/lookup4.md (a results.md section), DIR/lookup4.json
 * (merged into latest.json by run.sh) and DIR/lookup4.tsv (plot.gp).  Exit 1 on any mismatch or error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lookup4.skel.h"
#include "poptrie4.h"
#include "routes.h"

#define LOOKUPS 256 /* per program run, as bpf/lookup4.bpf.c */
#define MAX_ROUNDS 64
#define RANDOM_CHECKS 1000000

enum { DIR248, POPTRIE, POPTRIE_INLINE, N_STRUCT };
static const char *const struct_name[N_STRUCT] = { "DIR-24-8", "Poptrie",
						   "Poptrie, inline leaves" };
static const char *const json_name[N_STRUCT] = { "dir248", "poptrie",
						 "poptrie_inline" };

struct row {
	size_t routes;
	double dep_ns[N_STRUCT], ind_ns[N_STRUCT];
	double bytes[N_STRUCT]; /* map bytes */
	size_t nodes, leaves, ext_nodes, ext_leaves, tbl8;
};

static struct {
	bool smoke;
	const char *out;
	uint64_t seed;
	unsigned int rounds, repeat;
	int cpu;
} opt = { .out = ".", .seed = 42, .cpu = -1 };

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "lookup4: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void update(struct bpf_map *m, uint32_t key, const void *val)
{
	if (bpf_map__update_elem(m, &key, sizeof(key), val,
				 bpf_map__value_size(m), 0))
		die("%s[%u]: %s", bpf_map__name(m), key, strerror(errno));
}

static double run_ns(struct bpf_program *p, unsigned int repeat)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = repeat);

	if (bpf_prog_test_run_opts(bpf_program__fd(p), &o))
		die("running %s: %s", bpf_program__name(p), strerror(errno));
	return (double)o.duration / LOOKUPS;
}

/* pool of destinations drawn as xdpbench draws them, with their answers */
static void fill_pool(const struct route4 *r, const struct oracle4 *o,
		      size_t n, uint32_t *dst, uint16_t *want)
{
	struct rng g = { opt.seed * 1000003 + n * 7 + 4 };
	size_t i;

	for (i = 0; i < PT4_NDST; i++) {
		long w;

		dst[i] = route4_sample(&r[rng_below(&g, (uint32_t)n)], &g);
		w = oracle4_lookup(o, dst[i], n);
		if (w < 0)
			die("oracle: no route for a sampled address");
		want[i] = r[w].nh + 1;
	}
}

static void check_c(const struct route4 *r, const struct oracle4 *o, size_t n,
		    const struct dir248 *d, const struct poptrie4 *pt,
		    const uint32_t *dst, const uint16_t *want)
{
	struct rng g = { opt.seed ^ 0xc4ec4 };
	size_t i;

	for (i = 0; i < PT4_NDST + RANDOM_CHECKS; i++) {
		uint32_t a;
		uint16_t w;

		if (i < PT4_NDST) {
			a = dst[i];
			w = want[i];
		} else {
			long k;

			a = (uint32_t)rng_next(&g);
			k = oracle4_lookup(o, a, n);
			w = k < 0 ? 0 : r[k].nh + 1;
		}
		if (dir248_lookup(d, a) != w || poptrie4_lookup(pt, a) != w)
			die("%zu routes: %08x: want %u, DIR-24-8 %u, Poptrie %u",
			    n, a, w, dir248_lookup(d, a),
			    poptrie4_lookup(pt, a));
	}
}

static void load(struct bench_lookup4 *s, const struct dir248 *d,
		 const struct poptrie4 *pt, const uint32_t *dst,
		 struct row *row)
{
	size_t i, n_leaf_blocks = pt->n_leaf / PT4_LEAF_BLOCK + 1;
	struct pt4_leaf_block *lb;
	uint32_t key = 0;

	bpf_map__set_max_entries(s->maps.tbl8, d->n_tbl8 ? d->n_tbl8 : 1);
	bpf_map__set_max_entries(s->maps.pt_node, pt->n_node ? pt->n_node : 1);
	bpf_map__set_max_entries(s->maps.pt_node_inline,
				 pt->n_node ? pt->n_node : 1);
	bpf_map__set_max_entries(s->maps.pt_leaf, n_leaf_blocks);
	if (bench_lookup4__load(s))
		die("loading bpf/lookup4.bpf.o: %s", strerror(errno));
	for (i = 0; i < (1u << 16); i++)
		update(s->maps.tbl24, i, &d->tbl24[i * 256]);
	for (i = 0; i < d->n_tbl8; i++)
		update(s->maps.tbl8, i, d->tbl8[i]);
	for (i = 0; i < (1u << PT4_DIR_BITS) / PT4_DIR_BLOCK; i++)
		update(s->maps.pt_dir, i, &pt->dir[i * PT4_DIR_BLOCK]);
	row->ext_nodes = row->ext_leaves = 0;
	for (i = 0; i < pt->n_node; i++) {
		bool ext;
		struct pt4_node_inline x = poptrie4_inline(pt, i, &ext);

		update(s->maps.pt_node, i, &pt->node[i]);
		update(s->maps.pt_node_inline, i, &x);
		if (ext) {
			row->ext_nodes++;
			row->ext_leaves +=
				__builtin_popcountll(pt->node[i].leafvec);
		}
	}
	lb = calloc(n_leaf_blocks, sizeof(*lb));
	if (!lb)
		die("out of memory");
	memcpy(lb, pt->leaf, pt->n_leaf * sizeof(*pt->leaf));
	for (i = 0; i < n_leaf_blocks; i++)
		update(s->maps.pt_leaf, i, &lb[i]);
	free(lb);
	update(s->maps.dsts, key, dst);
}

static void check_bpf(struct bench_lookup4 *s, size_t n)
{
	struct bpf_program *p[] = { s->progs.check_poptrie,
				    s->progs.check_poptrie_inline };
	size_t k;

	for (k = 0; k < 2; k++) {
		s->bss->pos = 0;
		s->bss->mismatch = 0;
		run_ns(p[k], PT4_NDST / LOOKUPS);
		if (s->bss->mismatch)
			die("%zu routes: %s disagrees with DIR-24-8 on %llu "
			    "pool destinations in BPF",
			    n, bpf_program__name(p[k]),
			    (unsigned long long)s->bss->mismatch);
	}
}

static void measure(struct bench_lookup4 *s, struct row *row)
{
	struct bpf_program *dep[N_STRUCT] = { s->progs.dir248_dep,
					      s->progs.poptrie_dep,
					      s->progs.poptrie_inline_dep };
	struct bpf_program *ind[N_STRUCT] = { s->progs.dir248_ind,
					      s->progs.poptrie_ind,
					      s->progs.poptrie_inline_ind };
	double d[N_STRUCT][MAX_ROUNDS], x[N_STRUCT][MAX_ROUNDS];
	unsigned int r, k;

	/* warm up, then rounds in rotating order */
	for (k = 0; k < N_STRUCT; k++)
		run_ns(dep[k], opt.repeat);
	for (r = 0; r < opt.rounds; r++)
		for (k = 0; k < N_STRUCT; k++) {
			unsigned int j = (k + r) % N_STRUCT;

			d[j][r] = run_ns(dep[j], opt.repeat);
			x[j][r] = run_ns(ind[j], opt.repeat);
		}
	for (k = 0; k < N_STRUCT; k++) {
		row->dep_ns[k] = median(d[k], opt.rounds);
		row->ind_ns[k] = median(x[k], opt.rounds);
	}
}

static void one_size(const struct route4 *r, const struct oracle4 *o,
		     size_t n, struct row *row)
{
	uint32_t *dst = malloc(PT4_NDST * sizeof(*dst));
	uint16_t *want = malloc(PT4_NDST * sizeof(*want));
	struct bench_lookup4 *s;
	struct poptrie4 pt;
	struct dir248 d;

	if (!dst || !want)
		die("out of memory");
	if (!dir248_build(&d, r, n) || !poptrie4_build(&pt, &d))
		die("%zu routes: out of memory building", n);
	fill_pool(r, o, n, dst, want);
	check_c(r, o, n, &d, &pt, dst, want);

	s = bench_lookup4__open();
	if (!s)
		die("opening bpf/lookup4.bpf.o: %s", strerror(errno));
	*row = (struct row){ .routes = n,
			     .nodes = pt.n_node,
			     .leaves = pt.n_leaf,
			     .tbl8 = d.n_tbl8 };
	load(s, &d, &pt, dst, row);
	check_bpf(s, n);
	measure(s, row);
	row->bytes[DIR248] = (1u << 24) * 2.0 + d.n_tbl8 * 512.0;
	row->bytes[POPTRIE] = (1u << PT4_DIR_BITS) * 4.0 +
			      pt.n_node * (double)sizeof(struct pt4_node) +
			      pt.n_leaf * 2.0;
	row->bytes[POPTRIE_INLINE] =
		(1u << PT4_DIR_BITS) * 4.0 +
		pt.n_node * (double)sizeof(struct pt4_node_inline) +
		row->ext_leaves * 2.0; /* only those nodes' leaves stay outside */
	fprintf(stderr,
		"lookup4: %zu routes: ns per lookup, dependent / independent: "
		"DIR-24-8 %.1f / %.1f, Poptrie %.1f / %.1f, inline %.1f / %.1f\n",
		n, row->dep_ns[0], row->ind_ns[0], row->dep_ns[1],
		row->ind_ns[1], row->dep_ns[2], row->ind_ns[2]);
	bench_lookup4__destroy(s);
	poptrie4_free(&pt);
	dir248_free(&d);
	free(dst);
	free(want);
}

static FILE *open_out(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", opt.out, name);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void report(const struct row *rows, size_t nrows)
{
	FILE *md = open_out("lookup4.md"), *js = open_out("lookup4.json");
	FILE *tsv = open_out("lookup4.tsv");
	size_t i, k;

	/* for plot.gp: dependent, then independent, per structure */
	fprintf(tsv, "# routes");
	for (k = 0; k < N_STRUCT; k++)
		fprintf(tsv, "\t%s_dep", json_name[k]);
	for (k = 0; k < N_STRUCT; k++)
		fprintf(tsv, "\t%s_ind", json_name[k]);
	fprintf(tsv, "\n");
	for (i = 0; i < nrows; i++) {
		fprintf(tsv, "%zu", rows[i].routes);
		for (k = 0; k < N_STRUCT; k++)
			fprintf(tsv, "\t%.1f", rows[i].dep_ns[k]);
		for (k = 0; k < N_STRUCT; k++)
			fprintf(tsv, "\t%.1f", rows[i].ind_ns[k]);
		fprintf(tsv, "\n");
	}

	fprintf(md,
		"\n## IPv4 lookup structures alone (lookup4)\n\n"
		"The lookup only, in BPF (BPF_PROG_TEST_RUN, %u lookups per "
		"run, median of %u rounds), over the same routes and "
		"destination pool (%u destinations) as the cost runs. "
		"*Dependent*: each lookup waits for the one before, as "
		"packets do (their lookups are too far apart to overlap): "
		"latency. *Independent*: consecutive lookups overlap in the "
		"CPU. Poptrie: 2^%d direct table, nodes of stride 6 (24-byte "
		"nodes and a leaf array; or 64-byte nodes holding up to %d "
		"leaves), popcount in 19 BPF instructions. Bytes: the "
		"structure's map bytes per route.\n\n",
		LOOKUPS, opt.rounds, PT4_NDST, PT4_DIR_BITS, PT4_INLINE);
	fprintf(md, "| routes | structure | dependent ns | independent ns | "
		    "vs DIR-24-8 (dependent) | bytes per route |\n"
		    "|---:|---|---:|---:|---:|---:|\n");
	fprintf(js, "{\"v4_lookup\": {");
	for (i = 0; i < nrows; i++) {
		const struct row *w = &rows[i];

		fprintf(js, "%s\"%zu\": {", i ? ", " : "", w->routes);
		for (k = 0; k < N_STRUCT; k++) {
			fprintf(md, "| %zu | %s | %.1f | %.1f | %.2fx | %.1f |\n",
				w->routes, struct_name[k], w->dep_ns[k],
				w->ind_ns[k], w->dep_ns[k] / w->dep_ns[DIR248],
				w->bytes[k] / w->routes);
			fprintf(js,
				"%s\"%s_dep_ns\": %.1f, \"%s_ind_ns\": %.1f, "
				"\"%s_bytes_per_route\": %.2f",
				k ? ", " : "", json_name[k], w->dep_ns[k],
				json_name[k], w->ind_ns[k], json_name[k],
				w->bytes[k] / w->routes);
		}
		fprintf(js, "}");
	}
	fprintf(js, "}}\n");
	fprintf(md, "\nPoptrie nodes, leaves, inline nodes whose leaves did "
		    "not fit, DIR-24-8 tbl8 groups:");
	for (i = 0; i < nrows; i++)
		fprintf(md, "%s %zu routes: %zu, %zu, %zu, %zu", i ? ";" : "",
			rows[i].routes, rows[i].nodes, rows[i].leaves,
			rows[i].ext_nodes, rows[i].tbl8);
	fprintf(md, ".\n");
	/* | not ||: every file is closed */
	if (fclose(md) | fclose(js) | fclose(tsv))
		die("writing results: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	static const size_t full[] = { 1000, 100000, 1000000 };
	static const size_t smoke[] = { 1000, 10000 };
	static const struct option lo[] = {
		{ "smoke", no_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 'S' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "cpu", required_argument, NULL, 'c' },
		{ 0 },
	};
	const size_t *sizes;
	size_t nsizes, total, i;
	struct row rows[3];
	struct oracle4 *o;
	struct route4 *r;
	cpu_set_t cs;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.smoke = true; break;
		case 'o': opt.out = optarg; break;
		case 'S': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'r': opt.rounds = (unsigned int)atoi(optarg); break;
		case 'c': opt.cpu = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: lookup4 [--smoke] [--out DIR] "
					"[--seed N] [--rounds N] [--cpu N]\n");
			return 2;
		}
	}
	sizes = opt.smoke ? smoke : full;
	nsizes = opt.smoke ? 2 : 3;
	if (!opt.rounds)
		opt.rounds = opt.smoke ? 2 : 9;
	if (opt.rounds > MAX_ROUNDS)
		die("--rounds: at most %d", MAX_ROUNDS);
	opt.repeat = opt.smoke ? 50 : 2000;
	if (opt.cpu < 0)
		opt.cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
	CPU_ZERO(&cs);
	CPU_SET(opt.cpu, &cs);
	if (sched_setaffinity(0, sizeof(cs), &cs))
		die("sched_setaffinity(CPU %d): %s", opt.cpu, strerror(errno));

	total = sizes[nsizes - 1];
	r = calloc(total, sizeof(*r));
	if (!r || !routes4_gen(r, total, opt.seed))
		die("out of memory generating routes");
	o = oracle4_new(r, total);
	if (!o)
		die("out of memory indexing routes");
	/* the smaller tables are the first n routes, as in xdpbench */
	for (i = 0; i < nsizes; i++)
		one_size(r, o, sizes[i], &rows[i]);
	report(rows, nsizes);
	oracle4_free(o);
	free(r);
	return 0;
}
