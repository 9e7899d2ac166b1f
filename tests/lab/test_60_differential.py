"""Differential test of the fast path against the kernel (tests/diff/).

For every scenario of tests/diff/difftest.py (one router configuration
each) a fresh lab sends the CI-sized corpus of tests/diff/corpus.py
(every kind of frame once, about 550 frames) through R three times:
kernel alone, xdpfwd on every interface, kernel alone again.  A scenario
passes when what every host receives (ICMP errors back to C included) is
byte for byte the same with xdpfwd as with the kernel alone.

Harness failures (the two kernel runs differ, a queue dropped frames, the
fast path forwarded nothing) raise difftest.HarnessError and always fail.
Scenarios in which xdpfwd is known to differ from the kernel are marked
xfail(strict=True, raises=difftest.Differences): they fail the day the
difference is fixed (XPASS), which is the cue to remove the mark.

The full corpus (about 3,500 frames): /usr/bin/python3
tests/diff/difftest.py --full
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "diff"))

import difftest  # noqa: E402

# scenario -> why xdpfwd's output differs from the kernel's today.  Add an
# entry (the precise cause: frame kinds, what the kernel does, what xdpfwd
# does) when a scenario is found to differ; remove it when the strict
# xfail turns into XPASS.  History: "throw" was listed until 359525e
# (throw routes are now sent to the kernel); the build before 1471869
# differed in every scenario (trailers kept, no redirects, forwarding,
# rp_filter, rules, martian sources, route and IPv6 MTUs ignored).
KNOWN_DIFFERENCES: dict[str, str] = {}


def scenario_params():
    for s in difftest.SCENARIOS:
        marks = []
        if s.name in KNOWN_DIFFERENCES:
            marks.append(pytest.mark.xfail(
                strict=True, raises=difftest.Differences,
                reason=KNOWN_DIFFERENCES[s.name]))
        yield pytest.param(s, id=s.name, marks=marks)


@pytest.fixture(scope="module")
def module_copy(xdpfwd_module, tmp_path_factory):
    """One copy of the module for every scenario (a rebuild during the run
    changes nothing)."""
    workdir = tmp_path_factory.mktemp("difftest")
    workdir.chmod(0o755)
    return difftest.snapshot_module(xdpfwd_module, workdir)


def test_scenario_names_are_unique():
    names = [s.name for s in difftest.SCENARIOS]
    assert len(names) == len(set(names))
    assert set(KNOWN_DIFFERENCES) <= set(names)


@pytest.mark.parametrize("scenario", scenario_params())
def test_differential(scenario, module_copy, xdpfwd_vtysh):
    """The corpus through R: xdpfwd's output equals the kernel's."""
    result = difftest.run_scenario(scenario, module=module_copy,
                                   vtysh_client=xdpfwd_vtysh,
                                   size=difftest.CI_SIZE)
    print(result.summary())
    result.check()
