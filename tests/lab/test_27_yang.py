"""Every `show xdpfwd ... json` answer is an instance of yang/frr-xdpfwd.yang.

On the bridge lab (lablib.build_bridge_topology: R bridges br0 over p1..p5
and routes to X behind to-x, a static route through H3), with routed and
bridged traffic, ARP/ND neighbours, an FDB, trace records, and firewall
rules for the detection to find (an nftables forward chain, a qdisc on
to-x), each json command's output is validated by libyang's yanglint as
RFC 7951 state data of the model: strictly, so an output member the model
lacks, a wrong type or a 64-bit integer printed as a JSON number fails.
The running configuration's xdpfwd lines, mapped to the model's config
leaves as README "YANG model" documents, are validated the same way.
Every json command the plugin's sources define is exercised (a new one
must be added here).
"""

from __future__ import annotations

import json
import re
import time

import pytest

import lablib
from lablib import BR_GW_ROUTE, BR_GW_TARGET, BR_HOST_ADDR, X_ADDR

TABLE = "xdpfwdyang"

COMMANDS = [
    "show xdpfwd json",
    "show xdpfwd routes json",
    f"show xdpfwd routes {BR_GW_ROUTE} json",
    f"show xdpfwd routes {X_ADDR[1]} json",
    "show xdpfwd nexthops json",
    "show xdpfwd neighbors json",
    "show xdpfwd counters json",
    "show xdpfwd bridge json",
    "show xdpfwd bridge fdb json",
    "show xdpfwd forward hosts json",
    "show xdpfwd forward hosts 10.50.0.0/24 offset 1 limit 2 json",
    "show xdpfwd forward routes json",
    f"show xdpfwd forward routes {BR_GW_TARGET} json",
    "show xdpfwd trace json",
    "show xdpfwd audit json",
]


def json_command_heads() -> set[str]:
    """`show xdpfwd WORDS` of every DEFPY in plugin/ that prints json."""
    heads = set()
    for src in (lablib.REPO_ROOT / "plugin").rglob("*.c"):
        for cmd in re.findall(r'DEFPY\(\s*\w+,\s*\w+,\s*"([^"]+)"',
                              src.read_text()):
            if "json" not in cmd or not cmd.startswith("show xdpfwd"):
                continue
            words = []
            for w in cmd.split():
                if w[0] in "[<" or w.startswith("json"):
                    break
                words.append(w)
            heads.add(" ".join(words))
    return heads


def head_of(command: str, heads: set[str]) -> str:
    words = command.split()
    return max((h for h in heads if words[:len(h.split())] == h.split()),
               key=len)


def wait_ready(topo) -> None:
    def ready():
        try:
            bridges = topo.frr.xdpfwd_json("show xdpfwd bridge json")
        except (lablib.LabError, KeyError):
            return False
        ports = [p for b in bridges.get("bridges", []) for p in b["ports"]]
        return len(ports) == 5 and all(p["fastPath"] for p in ports)

    lablib.wait_until(ready, 20, interval=0.3, what="bridge ports in XDP")
    lablib.wait_until(
        lambda: BR_GW_ROUTE in lablib.xdpfwd_route_prefixes(topo.frr), 15,
        what=f"{BR_GW_ROUTE} in the fast path")


@pytest.fixture(scope="module")
def outputs(xdpfwd_module, xdpfwd_vtysh):
    """{command: parsed output} on a router with everything to show."""
    with lablib.bridge_lab_topology("yang", vtysh_client=xdpfwd_vtysh,
                                    module=xdpfwd_module) as topo:
        wait_ready(topo)
        h1, x = topo.host("h1"), topo.x
        # neighbours, FDB, routed and bridged traffic in XDP
        for role in ("h2", "h3", "hm"):
            for addr in BR_HOST_ADDR[role]:
                assert h1.ping(addr, count=3, interval=0.1).returncode == 0
        for dst in (*X_ADDR, BR_GW_TARGET):
            assert h1.ping(dst, count=3, interval=0.1).returncode == 0
        x.ping(BR_HOST_ADDR["h1"][1], count=2, interval=0.1)
        # trace records
        topo.frr.xdpfwd("debug xdpfwd packet count 4")
        assert h1.ping(X_ADDR[0], count=6, interval=0.05).returncode == 0
        lablib.wait_until(lambda: topo.frr.xdpfwd_json(
            "show xdpfwd trace json")["trace"]["armed"] == 0, 5,
            what="the trace to complete")
        # something for the firewall detection to find
        topo.r.run("nft", "-f", "-", input=(
            f"table inet {TABLE} {{\n chain c {{\n"
            "  type filter hook forward priority 0; policy accept;\n"
            "  udp dport 7777 counter drop\n }\n}\n"))
        topo.r.run("tc", "qdisc", "add", "dev", "to-x", "root", "handle",
                   "1:", "htb")
        lablib.wait_until(
            lambda: topo.frr.xdpfwd_json("show xdpfwd json")["firewall"][
                "ipv4"]["verdict"] == "kernel", 5, what="the nft chain")
        time.sleep(1)  # the qdisc scan
        out = {cmd: topo.frr.xdpfwd_doc(cmd) for cmd in COMMANDS}
        out["show running-config"] = topo.frr.xdpfwd(
            "show running-config").stdout
        yield out


def test_every_json_command_is_validated():
    heads = json_command_heads()
    assert {"show xdpfwd", "show xdpfwd counters", "show xdpfwd trace",
            "show xdpfwd audit", "show xdpfwd forward"} <= heads, heads
    assert {head_of(c, heads) for c in COMMANDS} == heads


@pytest.mark.parametrize("command", COMMANDS)
def test_output_is_a_model_instance(outputs, command):
    doc = outputs[command]
    res = lablib.yang_validate(doc)
    assert res.returncode == 0 and res.stderr == "", (
        f"{command}: {res.stderr}\n{json.dumps(doc)[:2000]}")


def test_outputs_are_populated(outputs):
    """The validation saw what matters: lists with entries, 64-bit
    counters as strings, the detection's findings."""
    def state(cmd):
        return lablib.xdpfwd_state(outputs[cmd])

    raw = outputs["show xdpfwd counters json"]["frr-xdpfwd:xdpfwd"]["state"]
    fwd = {r["reason"]: r for r in raw["counters"]["reasons"]}
    assert isinstance(fwd["fwdV4"]["packets"], str)
    assert int(fwd["fwdV4"]["packets"]) > 0 and int(
        fwd["bridgeFwd"]["packets"]) > 0, fwd
    assert raw["counters"]["interfaces"]
    status = state("show xdpfwd json")
    assert status["status"] == "running"
    assert status["firewall"]["ipv4"]["verdict"] == "kernel"
    assert {"name": "to-x", "tc": "egress", "nftables": "-"} in \
        status["firewall"]["interfaces"]
    assert status["mapWriteErrors"] and status["liveness"]["gateOpen"]
    assert [r["prefix"] for r in state(
        f"show xdpfwd routes {BR_GW_ROUTE} json")["routes"]] == [BR_GW_ROUTE]
    assert state("show xdpfwd nexthops json")["adjacencies"]
    assert state("show xdpfwd neighbors json")["neighbors"]
    assert state("show xdpfwd bridge json")["bridges"][0]["ports"]
    assert state("show xdpfwd bridge fdb json")["fdb"]
    assert state("show xdpfwd forward routes json")["forward"]["entries"]
    page = state("show xdpfwd forward hosts 10.50.0.0/24 offset 1 limit 2 "
                 "json")["forward"]
    assert page["total"] >= 2 and page["offset"] == 1, page
    assert len(page["entries"]) == min(2, page["total"] - 1), page
    assert len(state("show xdpfwd trace json")["trace"]["packets"]) >= 4
    assert "converged" in state("show xdpfwd audit json")["audit"]


def test_validation_is_strict(outputs):
    """yanglint as used here rejects a member the model lacks and a
    64-bit integer printed as a JSON number."""
    doc = json.loads(json.dumps(outputs["show xdpfwd counters json"]))
    st = doc["frr-xdpfwd:xdpfwd"]["state"]
    st["counters"]["reasons"][0]["packets"] = 1
    assert lablib.yang_validate(doc).returncode != 0
    st["counters"]["reasons"][0]["packets"] = "1"
    st["counters"]["newMember"] = 1
    assert lablib.yang_validate(doc).returncode != 0
    del st["counters"]["newMember"]
    assert lablib.yang_validate(doc).returncode == 0


def config_instance(running_config: str) -> dict:
    """The xdpfwd lines of a running configuration as the model's config
    (README "YANG model": one line, one leaf)."""
    interfaces, top, ifname = [], {}, None
    for line in running_config.splitlines():
        m = re.match(r"interface (\S+)", line)
        if m:
            ifname = m.group(1)
        elif line.startswith(" xdpfwd") and ifname:
            mode = "generic" if line.strip() == "xdpfwd mode generic" \
                else "native"
            assert line.strip() in ("xdpfwd", "xdpfwd mode generic"), line
            interfaces.append({"name": ifname, "frr-xdpfwd:xdpfwd": {
                "enable": True, "mode": mode}})
        elif line.startswith("xdpfwd firewall "):
            top["firewall-mode"] = line.split()[2]
        elif not line.startswith(" "):
            ifname = None
    doc = {"frr-interface:lib": {"interface": interfaces}}
    if top:
        doc[lablib.XDPFWD_YANG_TOP] = top
    return doc


def test_running_config_is_a_model_instance(outputs):
    doc = config_instance(outputs["show running-config"])
    enabled = {i["name"] for i in doc["frr-interface:lib"]["interface"]}
    assert enabled == set(lablib.BR_XDP_IFS), doc
    res = lablib.yang_validate(doc, "config")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    doc[lablib.XDPFWD_YANG_TOP] = {"firewall-mode": "conntrack"}
    assert lablib.yang_validate(doc, "config").returncode == 0
    doc[lablib.XDPFWD_YANG_TOP] = {"firewall-mode": "off"}
    assert lablib.yang_validate(doc, "config").returncode != 0
