"""The layering of plugin/ (docs/design.md), checked on the built objects.

Each plugin/ source file compiles to one object; an object that uses a
symbol another one defines calls it.  From `nm` on the module's objects:
  - the file-level call graph has no cycle (no two files call each other,
    directly or around a loop);
  - every call goes to the same layer or one below it, in the order
    shared state (xdpfwd.c) < lib < dp < mirror < writers < dispatch <
    provider < commands < module;
  - only the BPF layer (plugin/dp/) touches a map fd (libbpf's map and
    object calls);
  - the writers that are unit tested over a fake BPF layer know FRR's lib
    but not zebra (only rib_mark.c reaches into zebra's RIB).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("XDPFWD_BUILDDIR", SRC))

# layer of each plugin/ file (by path relative to plugin/), low to high
LAYERS = [
    ("shared state", lambda p: p == "xdpfwd.c"),
    ("lib", lambda p: p.startswith("lib/")),
    ("dp", lambda p: p.startswith("dp/")),
    ("mirror", lambda p: p.startswith("mirror/")),
    ("writers", lambda p: p.startswith("writers/")),
    ("dispatch", lambda p: p in ("dispatch.c", "dispatch_fw.c")),
    ("provider", lambda p: p == "provider.c"),
    ("commands", lambda p: p in ("vty.c", "audit.c", "trace.c")),
    ("module", lambda p: p == "module.c"),
]

# FRR's descriptor of the module (FRR_MODULE_SETUP in module.c), which
# hook_register() names in every file that registers a hook: not a call
FRAMEWORK = {"_frrmod_this_module"}

# libbpf calls that take or make a map (or pinned object) fd
MAP_FD_CALLS = ("bpf_map_", "bpf_obj_get", "bpf_map__fd",
                "bpf_object__pin_maps", "bpf_map_get_fd_by_id")

# zebra symbols: what the FRR-lib-only writers must not use
ZEBRA_SYMBOLS = ("zebra_vrf_", "zrouter", "rib_dest_", "dplane_")
FRR_LIB_ONLY = ("writers/route_update.c", "writers/iface.c",
                "writers/nexthop.c", "writers/routes.c")


def layer_of(rel: str) -> int:
    for i, (_, match) in enumerate(LAYERS):
        if match(rel):
            return i
    raise AssertionError(f"plugin/{rel} belongs to no layer: add it to "
                         "LAYERS (and to docs/design.md)")


def objects() -> dict[str, Path]:
    """plugin/ source (relative path) -> its object in the module build."""
    objs = {}
    for c in sorted((SRC / "plugin").rglob("*.c")):
        rel = c.relative_to(SRC / "plugin").as_posix()
        if rel.endswith("_clippy.c"):
            continue
        o = (BUILD / "plugin" / c.parent.relative_to(SRC / "plugin") /
             ".libs" / f"zebra_xdpfwd_la-{c.stem}.o")
        if not o.exists():
            pytest.skip(f"{o} not built (make first)")
        objs[rel] = o
    return objs


def symbols(obj: Path) -> tuple[set[str], set[str]]:
    out = subprocess.run(["nm", str(obj)], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
        elif len(f) == 3 and f[1] in "TDBR":
            defined.add(f[2])
    return defined, undefined


@pytest.fixture(scope="module")
def graph():
    objs = objects()
    syms = {rel: symbols(o) for rel, o in objs.items()}
    owner = {s: rel for rel, (d, _) in syms.items() for s in d}
    edges: dict[str, dict[str, set[str]]] = {rel: {} for rel in objs}
    for rel, (_, undef) in syms.items():
        for s in undef:
            if s in owner and owner[s] != rel and s not in FRAMEWORK:
                edges[rel].setdefault(owner[s], set()).add(s)
    return {"syms": syms, "edges": edges}


def test_every_file_has_a_layer(graph):
    """A new file of plugin/ is placed in a layer on purpose."""
    for rel in graph["edges"]:
        layer_of(rel)


def test_no_cycle(graph):
    """The file-level call graph of plugin/ is acyclic."""
    edges = graph["edges"]
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(n):
        state[n] = 1
        path.append(n)
        for m in edges[n]:
            if state.get(m) == 1:
                cycle = path[path.index(m):] + [m]
                raise AssertionError("call cycle: " + " -> ".join(cycle))
            if not state.get(m):
                visit(m)
        path.pop()
        state[n] = 2

    for n in edges:
        if not state.get(n):
            visit(n)


def test_calls_go_downward(graph):
    """A file calls its own layer or the ones below, never one above."""
    bad = []
    for rel, callees in graph["edges"].items():
        for callee, syms in callees.items():
            if layer_of(callee) > layer_of(rel):
                bad.append(f"{rel} -> {callee}: {sorted(syms)[:4]}")
    assert not bad, "\n".join(bad)


def test_only_the_bpf_layer_touches_map_fds(graph):
    bad = []
    for rel, (_, undef) in graph["syms"].items():
        if rel.startswith("dp/"):
            continue
        hits = sorted(s for s in undef if s.startswith(MAP_FD_CALLS))
        if hits:
            bad.append(f"{rel}: {hits}")
    assert not bad, "\n".join(bad)


def test_unit_tested_writers_know_no_zebra(graph):
    bad = []
    for rel in FRR_LIB_ONLY:
        _, undef = graph["syms"][rel]
        hits = sorted(s for s in undef if s.startswith(ZEBRA_SYMBOLS))
        if hits:
            bad.append(f"{rel}: {hits}")
    assert not bad, "\n".join(bad)
