"""End-to-end checks of a vtysh that knows xdpfwd's commands.

Shared by tests/lab/test_26_vtysh.py (the vtysh built in the tree) and
tests/pkg/test_package.py (the packaged /usr/bin/vtysh): one router
namespace, zebra -M xdpfwd started as Debian's integrated-config setup
starts it (no zebra.conf), and the vtysh under test driving it through
--vty_socket/--config_dir pointing at the lab's directory.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import lablib

IFNAME = "eth1"


def xdpfwd_commands() -> set[str]:
    """The commands the module installs (install_element(NODE, &NAME_cmd)
    in plugin/), by NAME."""
    names = set()
    for src in (lablib.REPO_ROOT / "plugin").rglob("*.c"):
        if src.name.endswith("_clippy.c"):
            continue
        names |= set(re.findall(r"install_element\(\s*[A-Z_]+,\s*&(\w+)_cmd\)",
                                src.read_text()))
    return names


PACKAGED_MODULE = lablib.FRR_MODULE_DIR / "zebra_xdpfwd.so"


def stock_vtysh() -> Path:
    """Debian's vtysh: /usr/bin/vtysh.frr while frr-xdpfwd diverts it."""
    diverted = Path("/usr/bin/vtysh.frr")
    return diverted if diverted.exists() else Path("/usr/bin/vtysh")


def command_table(binary: Path | str) -> set[str]:
    """The DEFSH names vtysh/extract.pl generated into a vtysh binary
    (each command's name is kept as a string for its xref)."""
    out = subprocess.run(["strings", "-n", "8", str(binary)], check=True,
                         capture_output=True, text=True).stdout
    return {m[:-len("_cmd_vtysh")]
            for m in re.findall(r"^[a-z0-9_]+_cmd_vtysh$", out, re.M)}


def check_table_is_stock_plus_xdpfwd(ours: Path | str,
                                     stock: Path | str) -> None:
    """Every command of Debian's vtysh, plus exactly xdpfwd's."""
    stock_cmds = command_table(stock)
    our_cmds = command_table(ours)
    module_cmds = xdpfwd_commands()
    assert len(stock_cmds) > 2000 and len(module_cmds) >= 10
    assert not module_cmds & stock_cmds
    assert stock_cmds - our_cmds == set()
    assert our_cmds - stock_cmds == module_cmds


# the module's deliberate warning when `xdpfwd firewall bypass` is applied
BYPASS_WARNING = "% xdpfwd: firewall bypassed: "


def errors_in(res: subprocess.CompletedProcess,
              bypass: bool = False) -> list[str]:
    """vtysh's error lines: "% ..." answers and -b's "line N: ..." ones
    (with bypass, the firewall-bypass warning is expected, not an error)."""
    return [line for line in (res.stdout + res.stderr).splitlines()
            if (line.lstrip().startswith("%") or line.startswith("line ")
                or "Unknown command" in line)
            and not (bypass and line.startswith(BYPASS_WARNING))]


class VtyshUnderTest:
    def __init__(self, vtysh: Path | str, frr: lablib.Frr):
        self.vtysh = str(vtysh)
        self.frr = frr

    def run(self, *commands: str, boot: bool = False, check: bool = True,
            bypass: bool = False) -> subprocess.CompletedProcess:
        args = [self.vtysh, "--vty_socket", str(self.frr.dir),
                "--config_dir", str(self.frr.dir)]
        if boot:
            args.append("-b")
        for cmd in commands:
            args += ["-c", cmd]
        res = lablib.run(args, check=False)
        if check and (res.returncode != 0 or errors_in(res, bypass)):
            raise AssertionError(f"{args}: rc {res.returncode}\n"
                                 f"{res.stdout}{res.stderr}")
        return res

    def json(self, command: str):
        """A `show xdpfwd ... json` answer's state (lablib.xdpfwd_state)."""
        return lablib.xdpfwd_state(json.loads(self.run(command).stdout))

    def attached(self) -> set[str]:
        status = self.json("show xdpfwd json")
        return {i["name"] for i in status["interfaces"] if i.get("attached")}


def router_lab(lab: lablib.Lab, client: Path | None):
    """A router namespace with one veth to a host namespace."""
    r = lab.add_netns("r")
    h = lab.add_netns("h")
    lab.add_veth(r, IFNAME, h, "eth0")
    r.ip("link", "set", IFNAME, "up")
    h.ip("link", "set", "eth0", "up")
    r.ip("addr", "add", "192.0.2.1/24", "dev", IFNAME)
    frr = lab.add_frr(r, client)
    # as Debian's /etc/frr/vtysh.conf: one integrated frr.conf
    (frr.dir / "vtysh.conf").write_text("service integrated-vtysh-config\n")
    return r, frr


def check_vtysh_end_to_end(vtysh: Path | str, module: str,
                           client: Path | None, tag: str,
                           module_file: Path | None = None) -> None:
    """show xdpfwd, configure an interface, show running-config, write
    memory into the integrated frr.conf (with the top-level `xdpfwd
    firewall bypass`, whose warning line is expected), restart zebra with no
    configuration and apply that file with `vtysh -b`: no error line, and
    the interface is attached again.  module_file: the file `show modules`
    must name as loaded."""
    with lablib.Lab(tag) as lab:
        r, frr = router_lab(lab, client)
        frr.start("zebra", module=module, config_file=False)
        v = VtyshUnderTest(vtysh, frr)

        status = v.json("show xdpfwd json")
        assert status["status"] == "running", status
        assert v.attached() == set()
        if module_file:
            modules = v.run("show modules").stdout
            assert str(module_file) in modules, modules
        for cmd in ("show xdpfwd", "show xdpfwd counters",
                    "show xdpfwd trace", "show xdpfwd forward routes json",
                    "debug xdpfwd packet interface eth1 count 2",
                    "show xdpfwd routes", "show xdpfwd nexthops",
                    "show xdpfwd neighbors", "show xdpfwd bridge",
                    "show xdpfwd bridge fdb json", "show xdpfwd audit json",
                    "debug xdpfwd events", "show debugging"):
            v.run(cmd)
        assert "xdpfwd events debugging is on" in v.run(
            "show debugging").stdout
        v.run("configure terminal", "no debug xdpfwd events")

        v.run("configure terminal", f"interface {IFNAME}", "xdpfwd")
        res = v.run("configure terminal", "xdpfwd firewall bypass",
                    bypass=True)
        assert BYPASS_WARNING in res.stdout, res.stdout
        lablib.wait_until(lambda: v.attached() == {IFNAME}, 15,
                          what=f"xdpfwd attached on {IFNAME}")
        assert "xdp" in r.link(IFNAME)
        running = v.run("show running-config").stdout
        assert f"interface {IFNAME}\n xdpfwd\n" in running, running
        assert "\nxdpfwd firewall bypass\n" in running, running

        v.run("write memory")
        saved = (frr.dir / "frr.conf").read_text()
        assert f"interface {IFNAME}\n xdpfwd\n" in saved, saved
        assert "\nxdpfwd firewall bypass\n" in saved, saved

        # Boot: zebra without a configuration of its own, then the
        # integrated file through `vtysh -b` as frrinit.sh does.
        frr.daemons["zebra"].stop()
        lablib.wait_until(lambda: "xdp" not in r.link(IFNAME), 10,
                          what=f"XDP detached from {IFNAME} at zebra stop")
        frr.start("zebra", module=module, config_file=False)
        assert v.attached() == set()
        res = v.run(boot=True, bypass=True)
        assert not errors_in(res, bypass=True), res.stdout + res.stderr
        lablib.wait_until(lambda: v.attached() == {IFNAME}, 15,
                          what=f"xdpfwd attached on {IFNAME} by vtysh -b")
        running = v.run("show running-config").stdout
        assert f"interface {IFNAME}\n xdpfwd\n" in running, running
        assert "\nxdpfwd firewall bypass\n" in running, running
        v.run("configure terminal", "no xdpfwd firewall bypass")
        assert "firewall bypass" not in v.run("show running-config").stdout

        v.run("configure terminal", f"interface {IFNAME}", "no xdpfwd")
        lablib.wait_until(lambda: v.attached() == set(), 15,
                          what=f"xdpfwd detached from {IFNAME}")


def stock_vtysh_unknown(vtysh: Path | str, module: str,
                        client: Path | None, tag: str) -> str:
    """What a vtysh answers to `show xdpfwd` against zebra -M xdpfwd."""
    with lablib.Lab(tag) as lab:
        _, frr = router_lab(lab, client)
        frr.start("zebra", module=module, config_file=False)
        res = VtyshUnderTest(vtysh, frr).run("show xdpfwd", check=False)
        return res.stdout + res.stderr
