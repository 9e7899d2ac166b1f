"""pytest fixtures for the xdpfwd namespace lab (see lablib.py).

Run as root:  /usr/bin/python3 -m pytest tests/lab
Environment:
  XDPFWD_MODULE   what zebra loads with -M (path or module name); default
                  plugin/.libs/zebra_xdpfwd.so under $XDPFWD_BUILDDIR or
                  the repository root if built, else "xdpfwd" (installed
                  in FRR's module directory).
  XDPFWD_VTYSH    the xdpfwd-vtysh client; default build/tools/ or tools/
                  xdpfwd-vtysh under $XDPFWD_BUILDDIR or the repository
                  root, else compiled from tools/xdpfwd-vtysh.c into
                  pytest's temporary directory.
  XDPFWD_LAB_KEEP_LOGS=1  keep daemon logs (the lab directory) after a run.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lablib  # noqa: E402

REQUIRED_TOOLS = ["ip", "ethtool", "ping", "ss", "gcc", "vtysh"]


@pytest.fixture(scope="session", autouse=True)
def lab_prerequisites():
    """The lab needs root, iproute2, ethtool, iputils, FRR's daemons."""
    if os.geteuid() != 0:
        pytest.fail("the namespace lab must run as root")
    missing = [t for t in REQUIRED_TOOLS if shutil.which(t) is None]
    missing += [str(p) for p in (lablib.FRR_SBIN / "zebra",
                                 lablib.FRR_SBIN / "staticd")
                if not p.exists()]
    if missing:
        pytest.fail(f"missing lab prerequisites: {', '.join(missing)}")


@pytest.fixture(scope="session")
def xdpfwd_vtysh(tmp_path_factory) -> Path:
    """Path of the xdpfwd-vtysh client (built from source if needed)."""
    if os.environ.get("XDPFWD_VTYSH"):
        path = lablib.find_xdpfwd_vtysh()
        if path is None:
            pytest.fail(f"XDPFWD_VTYSH={os.environ['XDPFWD_VTYSH']} is not "
                        "an executable file")
        return path
    path = lablib.find_xdpfwd_vtysh()
    if path is None:
        path = lablib.build_xdpfwd_vtysh(tmp_path_factory.mktemp("client"))
    return path


@pytest.fixture(scope="session")
def xdpfwd_module() -> str:
    """The -M argument for the xdpfwd plugin; FAILS (never skips) when the
    module file cannot be found, so a missing build cannot pass silently."""
    spec = lablib.xdpfwd_module_spec()
    message = lablib.module_missing_message(spec)
    if message:
        pytest.fail(message, pytrace=False)
    return spec


def pytest_sessionfinish(session, exitstatus):
    """Every lab closes itself; this catches a leak anyway (by our own
    names only: prefix-<this pid>-...)."""
    leftovers = lablib.our_leftover_namespaces()
    if leftovers:
        sys.stderr.write("\nxdpfwd lab left namespaces behind: "
                         + ", ".join(leftovers) + "\n")
        session.exitstatus = 1
