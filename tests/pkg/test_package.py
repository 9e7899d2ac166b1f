"""The Debian package, built, checked by lintian, installed and removed.

One package build (dpkg-buildpackage -us -uc -b) from a copy of the source
tree in a temporary directory (the work tree stays clean), reusing the
configured FRR tree of the build (FRR_SRC, as debian/rules allows), so
nothing is downloaded.  Then, installed with dpkg -i:
- zebra -M xdpfwd loads the module from the package's path in a lab
  namespace; the packaged vtysh, now /usr/bin/vtysh through the package's
  diversion, has the stock table plus xdpfwd's commands, runs them, saves
  and applies an integrated frr.conf through `vtysh -b` with no error;
- dpkg -r frr-xdpfwd gives /usr/bin/vtysh back to frr (`% Unknown
  command` again) and removes the module.
The package is removed at the end whatever happened (the machine is left
as found).  Needs root, dpkg-dev, debhelper, lintian; takes a few minutes
(the build; XDPFWD_DEB_DIR=DIR uses the outputs of an earlier
dpkg-buildpackage instead).  If frr-xdpfwd is already installed the test fails rather
than replace it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lab"))

import lablib  # noqa: E402
import vtyshcheck  # noqa: E402

PACKAGE = "frr-xdpfwd"
DIVERTED = Path("/usr/bin/vtysh.frr")
VTYSH = Path("/usr/bin/vtysh")
CLIENT = Path("/usr/bin/xdpfwd-vtysh")
# beside FRR's own models, which it imports
YANG_MODEL = Path("/usr/share/yang/frr-xdpfwd.yang")


def package_status(name: str = PACKAGE) -> str:
    res = subprocess.run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}",
                          name], capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else ""


def installed() -> bool:
    return package_status().startswith("ii")


def diversion() -> str:
    return subprocess.run(["dpkg-divert", "--list", str(VTYSH)],
                          capture_output=True, text=True).stdout.strip()


def frr_source_tree() -> str:
    """The configured FRR tree the build used (FRR_SRC in its Makefile),
    else $FRR_SRC, else the prepared one under /var/tmp/xdpfwd-frr."""
    for base in lablib.build_dirs():
        makefile = base / "Makefile"
        if makefile.is_file():
            m = re.search(r"^FRR_SRC = (\S+)$", makefile.read_text(), re.M)
            if m:
                return m.group(1)
    if os.environ.get("FRR_SRC"):
        return os.environ["FRR_SRC"]
    trees = sorted(Path("/var/tmp/xdpfwd-frr").glob("frr-*/lib/version.h"))
    if not trees:
        pytest.fail("no configured FRR tree (tools/prepare-frr-source.sh)")
    return str(trees[-1].parents[1])


def copy_source(dest: Path) -> None:
    """The source files of the work tree (tracked and new, not ignored)."""
    repo = lablib.REPO_ROOT
    if (repo / ".git").exists():
        files = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-co", "--exclude-standard",
             "-z"], check=True, capture_output=True).stdout.split(b"\0")
        for name in filter(None, (f.decode() for f in files)):
            src = repo / name
            if not src.is_file():
                continue  # deleted in the work tree
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    else:
        shutil.copytree(repo, dest, dirs_exist_ok=True, ignore=(
            shutil.ignore_patterns("*.o", "*.lo", "*.la", ".libs", ".deps",
                                   "__pycache__", "autom4te.cache")))


def remove_package() -> None:
    if package_status():
        subprocess.run(["dpkg", "--purge", PACKAGE], check=True,
                       capture_output=True, text=True)


@pytest.fixture(scope="module")
def built():
    """Build the package once; yields its directory of outputs."""
    if os.geteuid() != 0:
        pytest.fail("the package test must run as root (dpkg -i)")
    if package_status():
        pytest.fail(f"{PACKAGE} is already on this machine "
                    f"({package_status()}); the test installs and removes "
                    "it, so it refuses to touch an existing installation",
                    pytrace=False)
    for tool in ("dpkg-buildpackage", "dh", "lintian", "strings"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing (tools/setup-and-run.sh installs it)")
    if os.environ.get("XDPFWD_DEB_DIR"):
        # outputs of an earlier dpkg-buildpackage (iterating on this test)
        yield Path(os.environ["XDPFWD_DEB_DIR"])
        return
    tmp = Path(tempfile.mkdtemp(prefix="xdpfwd-pkg-"))
    try:
        src = tmp / "xdpfwd"
        src.mkdir()
        copy_source(src)
        env = dict(os.environ, FRR_SRC=frr_source_tree())
        env.pop("MAKEFLAGS", None)  # not make check's jobserver
        env.pop("MFLAGS", None)
        log = tmp / "build.log"
        with open(log, "w") as out:
            rc = subprocess.call(["dpkg-buildpackage", "-us", "-uc", "-b",
                                  f"-j{os.cpu_count() or 1}"], cwd=src,
                                 env=env, stdout=out,
                                 stderr=subprocess.STDOUT, timeout=1200)
        assert rc == 0, "dpkg-buildpackage failed:\n" + log.read_text()[-6000:]
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def deb(built) -> Path:
    debs = [p for p in built.glob(f"{PACKAGE}_*.deb")]
    assert len(debs) == 1, debs
    return debs[0]


@pytest.fixture(scope="module")
def installed_package(deb):
    """dpkg -i the package; purged at the end whatever happened."""
    try:
        res = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True,
                             text=True)
        assert res.returncode == 0, res.stdout + res.stderr
        yield deb
    finally:
        remove_package()
        assert not package_status()
        assert not diversion(), diversion()


def test_lintian_clean(built):
    """lintian (pedantic, info tags too) on the .changes and its .debs says
    nothing: every remaining tag is overridden, with its reason, in
    debian/frr-xdpfwd.lintian-overrides."""
    changes = list(built.glob("*.changes"))
    assert len(changes) == 1, changes
    res = subprocess.run(["lintian", "--pedantic", "-I", str(changes[0])],
                         capture_output=True, text=True, timeout=600)
    tags = [line for line in (res.stdout + res.stderr).splitlines()
            if re.match(r"^[EWIPXOCNM]: ", line)]
    assert tags == [], "\n".join(tags)
    assert res.returncode == 0, res.stdout + res.stderr


def test_contents(deb):
    files = subprocess.run(["dpkg-deb", "-c", str(deb)], check=True,
                           capture_output=True, text=True).stdout
    for path in ("./usr/bin/vtysh", "./usr/bin/xdpfwd-vtysh",
                 "." + str(vtyshcheck.PACKAGED_MODULE), "." + str(YANG_MODEL)):
        assert f" {path}\n" in files, files
    depends = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"],
                             check=True, capture_output=True,
                             text=True).stdout
    frr = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "frr"],
                         check=True, capture_output=True, text=True).stdout
    assert f"frr (= {frr})" in depends, depends


def test_installed_vtysh_diverts_stock(installed_package):
    """/usr/bin/vtysh is the package's (stock table plus xdpfwd's), frr's
    own waits as /usr/bin/vtysh.frr."""
    assert "frr-xdpfwd" in diversion() and str(DIVERTED) in diversion()
    assert DIVERTED.is_file()
    vtyshcheck.check_table_is_stock_plus_xdpfwd(VTYSH, DIVERTED)
    assert f"diversion by {PACKAGE} to: {DIVERTED}" in subprocess.run(
        ["dpkg", "-S", str(VTYSH)], capture_output=True, text=True).stdout


def test_installed_end_to_end(installed_package):
    """zebra -M xdpfwd loads the packaged module; the packaged vtysh runs
    the commands, saves and boots an integrated frr.conf (vtysh -b)."""
    assert lablib.resolve_module("xdpfwd") == vtyshcheck.PACKAGED_MODULE
    vtyshcheck.check_vtysh_end_to_end(
        VTYSH, "xdpfwd", CLIENT, "pkg",
        module_file=vtyshcheck.PACKAGED_MODULE)


def test_installed_yang_model(installed_package):
    """The model is where FRR keeps its own and compiles there with FRR's
    installed models (its imports found in that directory)."""
    assert YANG_MODEL.is_file()
    res = subprocess.run(["yanglint", "-p", str(YANG_MODEL.parent),
                          "-f", "tree", str(YANG_MODEL)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "module: frr-xdpfwd" in res.stdout, res.stdout
    assert "augment /frr-interface:lib/frr-interface:interface:" in \
        res.stdout, res.stdout


def test_remove_restores_stock(installed_package):
    """dpkg -r: frr's vtysh is /usr/bin/vtysh again and does not know
    xdpfwd; the module and the client are gone."""
    res = subprocess.run(["dpkg", "-r", PACKAGE], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert not diversion(), diversion()
    assert not DIVERTED.exists()
    assert not vtyshcheck.PACKAGED_MODULE.exists()
    assert not CLIENT.exists()
    assert not YANG_MODEL.exists()
    owner = subprocess.run(["dpkg", "-S", str(VTYSH)], capture_output=True,
                           text=True).stdout
    assert owner.startswith("frr: "), owner
    assert not vtyshcheck.command_table(VTYSH) & vtyshcheck.xdpfwd_commands()
    # the stock vtysh against a zebra with the module (from the build)
    module = lablib.xdpfwd_module_spec()
    if lablib.resolve_module(module) is not None:
        client = lablib.find_xdpfwd_vtysh()
        out = vtyshcheck.stock_vtysh_unknown(VTYSH, module, client, "pkgrm")
        assert "% Unknown command" in out, out
