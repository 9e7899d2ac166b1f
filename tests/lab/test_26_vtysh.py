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


def test_other_frr_runs_stock_vtysh():
    """Built for another FRR than the installed libfrr: one line on stderr
    and the stock vtysh runs instead (here /bin/echo stands in for it)."""
    for base in lablib.build_dirs():
        prog = base / "tests" / "vtysh" / "vtysh_wrongver"
        if prog.is_file():
            break
    else:
        pytest.fail("tests/vtysh/vtysh_wrongver is not built (make check)")
    res = lablib.run([str(prog), "-c", "show xdpfwd"], check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == "-c show xdpfwd\n", res.stdout
    lines = res.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "built for FRR 0.0.0-test but libfrr is FRR " in lines[0]
    assert "running /bin/echo" in lines[0]


def test_boot_with_module_reading_frr_conf_too(built_vtysh, xdpfwd_module,
                                               xdpfwd_vtysh):
    """With the stock vtysh the module applies the interface lines of the
    integrated frr.conf itself (frrconf=); when this vtysh's `vtysh -b`
    then applies the same file, the second enable is accepted silently."""
    with lablib.Lab("vtyshboth") as lab:
        r, frr = vtyshcheck.router_lab(lab, xdpfwd_vtysh)
        conf = frr.dir / "frr.conf"
        conf.write_text(f"interface {vtyshcheck.IFNAME}\n xdpfwd\nexit\n!\n")
        spec = xdpfwd_module + ("," if ":" in xdpfwd_module else ":")
        frr.start("zebra", module=f"{spec}frrconf={conf}",
                  config_file=False)
        v = vtyshcheck.VtyshUnderTest(built_vtysh, frr)
        lablib.wait_until(lambda: v.attached() == {vtyshcheck.IFNAME}, 15,
                          what="xdpfwd attached from frrconf=")
        res = v.run(boot=True)
        assert not vtyshcheck.errors_in(res), res.stdout + res.stderr
        assert v.attached() == {vtyshcheck.IFNAME}
        running = v.run("show running-config").stdout
        assert running.count(" xdpfwd\n") == 1, running
