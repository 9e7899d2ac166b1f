"""The benchmark suite (bench/run.sh) works: a smoke run on a tiny table
builds the references, loads every forwarder, checks that all three
redirect every sampled packet to the right gateway, and writes its
results, including the per-check costs (variants of the xdpfwd object
without one check each) and the lookup structures alone (lookup4: a
Poptrie and DIR-24-8, both checked against the oracle first).  No timing is asserted: benchmarks report,
tests decide.
"""
import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("XDPFWD_BUILDDIR", REPO))


def test_bench_smoke_runs_and_reports():
    """bench/run.sh --smoke exits 0 (it fails on any verdict mismatch) and
    its latest.json has the per-packet figures as numbers."""
    env = dict(os.environ, XDPFWD_BUILDDIR=str(BUILD))
    proc = subprocess.run([str(REPO / "bench/run.sh"), "--smoke"],
                          capture_output=True, text=True, timeout=900,
                          env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = REPO / "bench/results/tmp/smoke/latest.json"
    data = json.loads(out.read_text())
    assert isinstance(data["v4_1k_ns"], (int, float)) and data["v4_1k_ns"] > 0
    costs = [c for c in data["bench_cost"] if c["family"] == 4]
    assert costs, data
    assert data["commit"] and data["machine"]
    # every faithfulness check has a cost figure, and every variant
    # without one forwarded every packet (its figure means something)
    checks = data["bench_check_cost"]
    assert checks and {c["family"] for c in checks} == {4, 6}, checks
    for c in checks:
        for key in ("settings", "martian", "hairpin", "ecmp_hairpin",
                    "egress_mode", "use_stamp", "trim", "liveness",
                    "trace"):
            assert isinstance(c[f"{key}_ns"], (int, float)), c
        assert c["variant_mismatches"] == 0, c
    # lookup4 ran both table sizes of a smoke run (it exits non-zero, and
    # run.sh with it, when a structure disagrees with the oracle)
    lookups = data["v4_lookup"]
    assert set(lookups) == {"1000", "10000"}, lookups
    for routes, row in lookups.items():
        for key in ("dir248", "poptrie", "poptrie_inline"):
            assert row[f"{key}_dep_ns"] > 0 and row[f"{key}_ind_ns"] > 0, row
        # the structures' map bytes: DIR-24-8's tbl24 alone is 32 MiB,
        # a Poptrie's direct table 1 MiB
        assert row["dir248_bytes_per_route"] * int(routes) >= 1 << 25, row
        assert row["poptrie_bytes_per_route"] * int(routes) >= 1 << 20, row
    results = (REPO / "bench/results/tmp/smoke/results.md").read_text()
    assert "## IPv4 lookup structures alone (lookup4)" in results
