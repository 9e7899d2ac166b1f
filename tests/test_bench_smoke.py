"""The benchmark suite (bench/run.sh) works: a smoke run on a tiny table
builds the references, loads every forwarder, checks that all three
redirect every sampled packet to the right gateway, and writes its
results, including the per-check costs (variants of the xdpfwd object
without one check each).  No timing is asserted: benchmarks report,
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
