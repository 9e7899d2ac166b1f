"""Bring the xdpfwd lab up or down from a shell (used by tools/demo.sh).

  labctl.py up --state FILE [--module SPEC] [--xdpfwd-in-config] [--routes]
      Build C -- R -- S1/S2 (lablib.build_topology), start zebra (-M SPEC
      if given) and staticd in R, record what was created in FILE, and
      print shell assignments: NS_C NS_R NS_S1 NS_S2 VTY_DIR LAB_STATE.
      On failure everything created so far is removed again.
  labctl.py down --state FILE
      Stop exactly the daemons and delete exactly the namespaces and the
      directory recorded in FILE.

Run as root with Debian's python3 (/usr/bin/python3).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lablib  # noqa: E402


def up(args) -> int:
    state_file = Path(args.state)
    if state_file.exists():
        print(f"labctl: {state_file} exists: a lab is up; run down first",
              file=sys.stderr)
        return 1
    lab = lablib.Lab("ctl")
    try:
        topo = lablib.build_topology(lab, vtysh_client=None,
                                     module=args.module,
                                     xdpfwd_in_config=args.xdpfwd_in_config,
                                     static_routes=args.routes)
        state = lab.state()
        state_file.write_text(json.dumps(state, indent=1) + "\n")
    except BaseException:
        lab.close()
        raise
    values = {"NS_C": topo.c.name, "NS_R": topo.r.name,
              "NS_S1": topo.s1.name, "NS_S2": topo.s2.name,
              "VTY_DIR": str(topo.frr.dir), "LAB_STATE": str(state_file)}
    for key, value in values.items():
        print(f"{key}={shlex.quote(value)}")
    return 0


def down(args) -> int:
    state_file = Path(args.state)
    if not state_file.exists():
        return 0
    lab = lablib.Lab.from_state(json.loads(state_file.read_text()))
    lab.close()
    state_file.unlink()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("up")
    p.add_argument("--state", required=True)
    p.add_argument("--module", default=None,
                   help="zebra -M argument (path or name); none: kernel only")
    p.add_argument("--xdpfwd-in-config", action="store_true",
                   help="enable xdpfwd on R's interfaces in zebra.conf")
    p.add_argument("--routes", action="store_true",
                   help="also type the lab's static routes")
    p = sub.add_parser("down")
    p.add_argument("--state", required=True)
    args = parser.parse_args()
    return up(args) if args.cmd == "up" else down(args)


if __name__ == "__main__":
    sys.exit(main())
