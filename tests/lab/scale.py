#!/usr/bin/python3
"""Control-plane scale run of the dynamic-routing lab (dynlab.py), as root:

    tests/lab/scale.py --full            # 1,000,000 IPv4 + 200,000 IPv6
    tests/lab/scale.py --v4 100000 --v6 20000

Builds the lab (zebra -M xdpfwd with bgpd/ospfd/ospf6d, three gobgpd
speakers, bird), gives the speakers a full-table-shaped route set, brings
the BGP sessions up and measures:
  - the time until every IPv4 (IPv6) BGP route is in the kernel FIB (route
    notifications followed in R) and in the XDP maps (show xdpfwd json),
    from the first session being established (the peers start
    announcing) and from `no neighbor shutdown`;
  - zebra's dplane counters during the load (maxima of the route queue and
    of each provider's input queue, the xdpfwd work queue);
  - memory: zebra's RSS growth per route, and xdpfwd's own allocations
    (FRR's memory accounting) per route;
  - the audit (show xdpfwd audit json): differences and time;
  - sampled traffic: every destination at its next hop, by XDP.
Prints a JSON summary; with --results FILE (default
bench/results/latest.json) merges its figures into FILE, keeping the keys
other tools wrote: bgp_1m_xdp_s / bgp_1m_kernel_s and "bgp_1m" for --full,
"bgp_scale_<N>" for other sizes.  Exits non-zero if a check fails.

Environment as for the lab (XDPFWD_MODULE, XDPFWD_VTYSH, XDPFWD_BUILDDIR,
XDPFWD_LAB_KEEP_LOGS).  The full size needs about 8 GB of memory and a
few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bgptable  # noqa: E402
import dynlab  # noqa: E402
import lablib  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_RESULTS = REPO / "bench" / "results" / "latest.json"


def merge_results(path: Path, figures: dict) -> None:
    """Read-modify-write: other tools own the other keys of the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        data = {}
    data.update(figures)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".latest-")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def timeline(samples: list[dict], every: float = 5.0) -> list[dict]:
    out, next_t = [], 0.0
    for s in samples:
        if s["t"] >= next_t:
            out.append({k: s[k] for k in ("t", "xdp4", "xdp6",
                                          "providerQueue",
                                          "routeQueueDepth",
                                          "routeUpdates") if k in s})
            next_t = s["t"] + every
    return out


def run(args) -> int:
    module = lablib.xdpfwd_module_spec()
    missing = lablib.module_missing_message(module)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    client = lablib.find_xdpfwd_vtysh()
    lab = dynlab.DynLab("scale")
    failures: list[str] = []
    try:
        t = time.monotonic()
        topo = dynlab.build(lab, vtysh_client=client, module=module)
        lablib.wait_until(lambda: dynlab.ospf_routes_ready(topo), 90,
                          interval=0.5, what="OSPF routes")
        zpid = dynlab.zebra_pid(topo)
        rss0 = dynlab.rss_kib(zpid)
        mem0 = dynlab.xdpfwd_memory(topo)
        t = time.monotonic()
        table = bgptable.generate(args.v4, args.v6, args.seed)
        gen_s = time.monotonic() - t
        print(f"table generated in {gen_s:.1f}s", file=sys.stderr)
        load = dynlab.load_table(topo, table, timeout=args.timeout)
        print(f"loaded: {load.bgp_kernel_s:.1f}s kernel, "
              f"{load.bgp_xdp_s:.1f}s XDP", file=sys.stderr)
        audits = []
        audit = topo.wait_converged(600, "after the load", interval=2)
        for _ in range(3):
            audits.append(topo.audit())
        if any(a["differences"] for a in audits):
            failures.append("audit differences after the load")
        rss1 = dynlab.rss_kib(zpid)
        mem1 = dynlab.xdpfwd_memory(topo)
        routes = args.v4 + args.v6
        kernel = topo.kernel_counts()
        if (kernel["4"]["proto"].get(dynlab.RTPROT_BGP, 0) != args.v4 or
                kernel["6"]["proto"].get(dynlab.RTPROT_BGP, 0) != args.v6):
            failures.append(f"kernel counts {kernel}")
        status = topo.xdpfwd_status()
        sample = dynlab.sample_destinations(topo, args.sample4, args.sample6)
        dynlab.send_and_check(topo, sample, tag="warmup")
        traffic = dynlab.send_and_check(topo, sample, tag="scale")
        if (traffic.wrong or traffic.missing or traffic.unexpected or
                max(traffic.kernel_fwd.values()) > lablib.KERNEL_SLACK):
            failures.append("traffic: " + traffic.summary())
        log = (topo.frr.dir / "zebra.log").read_text()
        warnings = [line for line in log.splitlines() if re.search(
            r"CPU HOG|SLOW THREAD|starv|overrun|xdpfwd.*(fail|error)",
            line, re.I)]
        counters = dynlab.dplane_counters(topo)
        est = load.first_established_s
        xdp_heap = sum(mem1.values()) - sum(mem0.values())
        figures = {
            "v4_routes": args.v4,
            "v6_routes": args.v6,
            "ipv4_kernel_s": round(load.bgp_kernel_s - est, 2),
            "ipv4_xdp_s": round(load.bgp_xdp_s - est, 2),
            "ipv6_kernel_s": round(load.bgp6_kernel_s - est, 2),
            "ipv6_xdp_s": round(load.bgp6_xdp_s - est, 2),
            "from_no_shutdown": {
                "first_session_established_s": round(est, 2),
                "all_sessions_established_s": round(load.established_s, 2),
                "ipv4_kernel_s": round(load.bgp_kernel_s, 2),
                "ipv4_xdp_s": round(load.bgp_xdp_s, 2),
                "ipv6_kernel_s": round(load.bgp6_kernel_s, 2),
                "ipv6_xdp_s": round(load.bgp6_xdp_s, 2),
            },
            "kernel_times_polled": load.kernel_overrun,
            "speakers_loaded_s": round(load.inject_s, 1),
            "dplane_max_during_load": load.dplane_max,
            "dplane_after": counters,
            "xdpfwd_provider": status["provider"],
            "xdpfwd_apply_us_per_route": round(
                status["provider"].get("applyMs", 0) * 1000 /
                max(1, status["provider"]["routeOpsApplied"]), 2),
            "xdp_after_kernel_s": round(load.bgp_xdp_s - load.bgp_kernel_s,
                                        2),
            "xdp_poll_s": 0.25,
            "zebra_rss_mib": {"before": round(rss0 / 1024, 1),
                              "after": round(rss1 / 1024, 1)},
            "zebra_rss_bytes_per_route": round((rss1 - rss0) * 1024 /
                                               routes, 1),
            "xdpfwd_heap_bytes_per_route": round(xdp_heap / routes, 1),
            "xdpfwd_heap_mib": {k: round(v / 2**20, 1)
                                for k, v in mem1.items()},
            "audit_ms": [a["elapsedMs"] for a in audits],
            "audit_differences": audits[-1]["differences"],
            "audit_checked": {f: audits[-1][f]["checked"]
                              for f in ("ipv4", "ipv6")},
            "traffic": {"destinations": traffic.sent,
                        "delivered_right_next_hop":
                        len(traffic.delivered) - len(traffic.wrong),
                        "kernel_forwarded": traffic.kernel_fwd,
                        "xdp_forwarded": traffic.xdp_fwd},
            "zebra_log_warnings": warnings[:20],
            "timeline": timeline(load.samples),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                         time.gmtime()),
            "command": " ".join(sys.argv),
        }
        if warnings:
            failures.append(f"{len(warnings)} zebra log warnings")
        print(json.dumps(figures, indent=2))
        if args.results and not args.no_write:
            if args.v4 == 1_000_000:
                merge_results(Path(args.results), {
                    "bgp_1m_xdp_s": figures["ipv4_xdp_s"],
                    "bgp_1m_kernel_s": figures["ipv4_kernel_s"],
                    "bgp_1m": figures})
            else:
                merge_results(Path(args.results),
                              {f"bgp_scale_{args.v4}": figures})
    finally:
        lab.close()
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true",
                    help="1,000,000 IPv4 and 200,000 IPv6 prefixes")
    ap.add_argument("--v4", type=int, default=100000)
    ap.add_argument("--v6", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample4", type=int, default=5000)
    ap.add_argument("--sample6", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--results", default=str(DEFAULT_RESULTS))
    ap.add_argument("--no-write", action="store_true",
                    help="print the figures only")
    args = ap.parse_args()
    if args.full:
        args.v4, args.v6 = 1_000_000, 200_000
    if os.geteuid() != 0:
        print("scale.py: run as root (namespaces, XDP)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
