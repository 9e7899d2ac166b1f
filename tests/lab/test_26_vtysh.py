"""The vtysh built in the tree (tools/vtysh/vtysh): FRR's own vtysh whose
command table also has xdpfwd's commands, routed to zebra.

Its table is the stock vtysh's plus exactly xdpfwd's commands; against
zebra -M xdpfwd it runs every xdpfwd command, configures an interface,
shows and saves it in the integrated frr.conf, and `vtysh -b` applies that
file with no error line.  A missing build fails (never skips).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import lablib
import vtyshcheck

XDPFWD_COMMANDS = {
    "debug_xdpfwd", "show_xdpfwd", "show_xdpfwd_audit", "show_xdpfwd_bridge",
    "show_xdpfwd_bridge_fdb", "show_xdpfwd_counters",
    "show_xdpfwd_neighbors", "show_xdpfwd_nexthops", "show_xdpfwd_routes",
    "xdpfwd_if",
}


def stock_vtysh() -> Path:
    """Debian's vtysh: /usr/bin/vtysh.frr while frr-xdpfwd diverts it."""
    diverted = Path("/usr/bin/vtysh.frr")
    return diverted if diverted.exists() else Path("/usr/bin/vtysh")


def command_table(binary: Path) -> set[str]:
    """The DEFSH names vtysh/extract.pl generated into a vtysh binary
    (each command's name is kept as a string for its xref)."""
    out = subprocess.run(["strings", "-n", "8", str(binary)], check=True,
                         capture_output=True, text=True).stdout
    return {m[:-len("_cmd_vtysh")]
            for m in re.findall(r"^[a-z0-9_]+_cmd_vtysh$", out, re.M)}


@pytest.fixture(scope="module")
def built_vtysh() -> Path:
    for base in lablib.build_dirs():
        path = base / "tools" / "vtysh" / "vtysh"
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail("tools/vtysh/vtysh is not built (make)", pytrace=False)


def test_table_is_stock_plus_xdpfwd(built_vtysh):
    """Every command of Debian's vtysh, plus exactly xdpfwd's."""
    stock = command_table(stock_vtysh())
    ours = command_table(built_vtysh)
    assert len(stock) > 2000
    assert stock - ours == set()
    assert ours - stock == XDPFWD_COMMANDS


def test_stock_vtysh_does_not_know_xdpfwd(xdpfwd_module, xdpfwd_vtysh):
    """Why this vtysh exists: the stock one rejects the module's commands."""
    out = vtyshcheck.stock_vtysh_unknown(stock_vtysh(), xdpfwd_module,
                                         xdpfwd_vtysh, "vtyshstock")
    assert "% Unknown command" in out, out


def test_end_to_end(built_vtysh, xdpfwd_module, xdpfwd_vtysh):
    vtyshcheck.check_vtysh_end_to_end(built_vtysh, xdpfwd_module,
                                      xdpfwd_vtysh, "vtysh")
