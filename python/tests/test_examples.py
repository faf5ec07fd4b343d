"""The examples run (small sizes) and print what they promise."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import unmix

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, *args):
    p = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_dask_blocks():
    pytest.importorskip("dask")
    out = run_example("dask_blocks.py", "--side", "120", "--block", "40", "-r", "4")
    assert "120 x 120 pixels, 224 bands, r = 4: 3 blocks" in out
    assert "sums 1.0000 .. 1.0000" in out
    diff = float(re.search(r"largest difference from one call over 80 rows: (\S+)", out).group(1))
    assert diff < 1e-6


def test_comparison_table():
    out = run_example("comparison_table.py", "--patch", "4", "--epochs", "3").splitlines()
    assert out[0].split() == ["method", "SAD", "(deg)", "RMSE", "time", "(s)"]
    blind = [m["name"] for m in unmix.methods() if m["blind"]]
    assert [line.split()[0] for line in out[1:]] == blind
    for line in out[1:]:
        sad, rmse = float(line.split()[1]), float(line.split()[2])
        assert 0 < sad < 30 and 0 < rmse < 0.5
