"""Run the C unit programs (datapath fixtures, FIB builder, netlink, writers) under
pytest, so that one runner reports every layer.

Each program prints "ok N - desc" / "not ok N - desc" per case and a final
"N passed, M failed" line; a test here fails if the program fails, if any
case failed, or if it ran no case at all.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("XDPFWD_BUILDDIR", REPO))

PROGRAMS = [
    "tests/datapath/test_datapath",
    "tests/datapath/test_bridge",
    "tests/builder/test_fib4",
    "tests/builder/test_fib6",
    "tests/builder/test_nhg_slots",
    "tests/netlink/test_netlink",
    "tests/fw/test_fwhooks",
    "tests/fw/test_vlanhw",
    "tests/writers/test_writers",
    "tests/apid/test_apid_request",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_unit_program(program):
    """The program's cases all pass (and there is at least one)."""
    path = BUILD / program
    assert path.exists(), f"{path} not built (run make check)"
    proc = subprocess.run([str(path)], capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout
    failed = [l for l in out.splitlines() if l.startswith("not ok")]
    summary = re.findall(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert proc.returncode == 0, (
        f"{program} exited {proc.returncode}\n{out[-4000:]}\n{proc.stderr[-2000:]}")
    assert not failed, "\n".join(failed)
    assert summary, f"{program} printed no summary line\n{out[-2000:]}"
    passed, nfailed = map(int, summary[-1])
    assert nfailed == 0 and passed > 0
