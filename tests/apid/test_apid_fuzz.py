"""The fwd API's request parser under libFuzzer (tests/apid/fuzz_request.c,
clang -fsanitize=fuzzer,address,undefined), for a bounded run from the
seed corpus in tests/apid/corpus/ and the field names of fuzz.dict: any crash, sanitizer report, leak or
broken invariant of the parser fails the test.

The target is built by `make check` when configure found a clang that
builds libFuzzer targets (Debian: libclang-rt-14-dev); without it this
test fails, it does not skip.  Seen: a one-byte over-read planted in
apid_mac_parse() was reported by AddressSanitizer in a run of this
length (a planted off-by-range limit check was not found: value ranges
are the unit test's job).
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("XDPFWD_BUILDDIR", REPO))
CORPUS = REPO / "tests" / "apid" / "corpus"
DICT = REPO / "tests" / "apid" / "fuzz.dict"
RUNS = 200000


def test_fuzz_request_parser(tmp_path):
    """200,000 inputs mutated from the seeds (fixed seed: repeatable),
    at most 120 s: libFuzzer reports "Done" and no crash artifact."""
    target = BUILD / "tests" / "apid" / "fuzz_request"
    assert target.exists(), (
        f"{target} not built: configure found no clang able to build "
        "libFuzzer targets (install libclang-rt-14-dev) or make check "
        "was not run")
    seeds = sorted(CORPUS.iterdir())
    assert len(seeds) >= 5, "the seed corpus is missing"
    # a copy: libFuzzer adds what it finds to the corpus directory
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    proc = subprocess.run(
        [str(target), f"-runs={RUNS}", "-seed=1", "-max_total_time=120",
         "-max_len=4096", "-timeout=10", "-rss_limit_mb=1024",
         f"-dict={DICT}",
         f"-artifact_prefix={artifacts}/", str(corpus)],
        capture_output=True, text=True, timeout=300)
    log = proc.stderr[-4000:]
    assert proc.returncode == 0, log
    assert not list(artifacts.iterdir()), log
    done = re.search(r"^Done (\d+) runs", proc.stderr, re.M)
    assert done, log
    assert int(done.group(1)) > 1000, log
