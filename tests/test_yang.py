"""The YANG model (yang/frr-xdpfwd.yang) against the code it describes.

- libyang (yanglint) compiles it with FRR's installed models, which it
  imports (frr-interface, augmented);
- the names the code prints or accepts are the model's: the counter
  reasons (plugin/vty.c's table, in enum order), the audit's kinds
  (plugin/audit.c), the firewall modes of the `xdpfwd firewall` command,
  the module arguments (plugin/module.c).

What the show commands print is validated against the model on a lab
router (tests/lab/test_27_yang.py).
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "yang" / "frr-xdpfwd.yang"
FRR_YANG = Path("/usr/share/yang")

# module argument key -> its leaf in module-arguments
MODULE_ARGS = {"tbl8": "tbl8-groups", "fib6": "fib6-routes",
               "neigh": "neighbors", "frrconf": "frr-conf"}


def model() -> str:
    return MODEL.read_text()


def enum_names(body: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in
            re.finditer(r'^\s*enum (?:"([^"]+)"|([^\s;{]+))', body, re.M)]


def block(text: str, start: str) -> str:
    """The braces-balanced block that follows `start` in text."""
    i = text.index(start)
    i = text.index("{", i)
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j + 1]
    raise AssertionError(f"unbalanced block after {start!r}")


def c_table(path: str, name: str) -> list[str]:
    """The strings of a designated-initialiser name table, in index
    order of appearance."""
    src = (REPO / path).read_text()
    body = block(src, name)
    return re.findall(r'\]\s*=\s*"([^"]*)"', body)


def test_model_compiles_with_frr_models():
    if shutil.which("yanglint") is None:
        pytest.fail("yanglint missing: apt-get install libyang2-tools")
    res = subprocess.run(["yanglint", "-p", str(FRR_YANG), "-f", "tree",
                          str(MODEL)], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    # libyang warns on stderr about what it accepts
    assert res.stderr == "", res.stderr
    assert "augment /frr-interface:lib/frr-interface:interface:" in \
        res.stdout


def test_reasons_are_the_vty_table():
    """Every counter reason the datapath has is an enum of typedef
    reason, same names, same order (a new reason: one line there)."""
    table = c_table("plugin/vty.c", "reason_names[XDPFWD_R__MAX]")
    maps_h = (REPO / "include/xdpfwd_maps.h").read_text()
    enum = re.findall(r"^\s*(XDPFWD_R_[A-Z0-9_]+)\b",
                      block(maps_h, "enum xdpfwd_reason"), re.M)
    enum = [e for e in enum if e != "XDPFWD_R__MAX"]
    assert len(table) == len(enum), "a reason without a name in vty.c"
    assert enum_names(block(model(), "typedef reason")) == table


def test_audit_kinds_are_audit_c():
    kinds = c_table("plugin/audit.c", "diff_names[D__MAX]")
    audit = block(model(), "container audit")
    assert enum_names(block(audit, "leaf kind")) == kinds
    by_kind = block(audit, "container byKind")
    assert re.findall(r"leaf (\w+)", by_kind) == kinds


def test_firewall_modes_are_the_command():
    src = (REPO / "plugin/vty.c").read_text()
    cmd = re.search(r'"\[no\] xdpfwd firewall <([^>]+)>"', src).group(1)
    modes = {w.split("$")[0] for w in cmd.split("|")}
    # the modes the command takes are the values of the config leaf
    assert modes == set(enum_names(block(model(), "typedef firewall-mode")))


def test_module_arguments_are_module_c():
    src = (REPO / "plugin/module.c").read_text()
    known = re.search(r"known: ([a-z0-9, ]+)\)", src).group(1).split(", ")
    assert sorted(known) == sorted(MODULE_ARGS)
    args = block(model(), "container module-arguments")
    assert re.findall(r"leaf ([\w-]+)", args) == list(MODULE_ARGS.values())
    for key, leaf in (("fib6", "fib6-routes"), ("neigh", "neighbors")):
        assert f"{key}=N" in block(args, f"leaf {leaf}")
