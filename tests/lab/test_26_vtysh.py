"""The vtysh built in the tree (tools/vtysh/vtysh): FRR's own vtysh whose
command table also has xdpfwd's commands, routed to zebra.

Its table is the stock vtysh's plus exactly xdpfwd's commands; against
zebra -M xdpfwd it runs every xdpfwd command, configures an interface,
shows and saves it in the integrated frr.conf, and `vtysh -b` applies that
file with no error line.  A missing build fails (never skips).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lablib
import vtyshcheck

@pytest.fixture(scope="module")
def built_vtysh() -> Path:
    for base in lablib.build_dirs():
        path = base / "tools" / "vtysh" / "vtysh"
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail("tools/vtysh/vtysh is not built (make)", pytrace=False)


def test_table_is_stock_plus_xdpfwd(built_vtysh):
    """Every command of Debian's vtysh, plus exactly xdpfwd's."""
    vtyshcheck.check_table_is_stock_plus_xdpfwd(built_vtysh,
                                                vtyshcheck.stock_vtysh())


def test_stock_vtysh_does_not_know_xdpfwd(xdpfwd_module, xdpfwd_vtysh):
    """Why this vtysh exists: the stock one rejects the module's commands."""
    out = vtyshcheck.stock_vtysh_unknown(vtyshcheck.stock_vtysh(), xdpfwd_module,
                                         xdpfwd_vtysh, "vtyshstock")
    assert "% Unknown command" in out, out


def test_end_to_end(built_vtysh, xdpfwd_module, xdpfwd_vtysh):
    vtyshcheck.check_vtysh_end_to_end(built_vtysh, xdpfwd_module,
                                      xdpfwd_vtysh, "vtysh")
