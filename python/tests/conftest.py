"""Shared fixtures of the Python module's tests: small synthetic scenes (a few hundred pixels,
so that each test file runs in a second or two) and the built CLI (UNMIX_CLI, set by ctest)."""
import os
import shutil
import subprocess

import numpy as np
import pytest

import unmix


def cli_path():
    path = os.environ.get("UNMIX_CLI") or shutil.which("unmix")
    if not path:
        pytest.skip("the unmix CLI is not known (ctest sets UNMIX_CLI)")
    return path


def run_cli(*args, check=True):
    """Runs the built CLI; returns the CompletedProcess (text)."""
    p = subprocess.run([cli_path(), *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"unmix {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


@pytest.fixture(scope="session")
def scene():
    """16 x 16 pixels, 40 bands, 3 endmembers, 30 dB."""
    return unmix.synth(patch=4, bands=40, endmembers=3, snr=30, seed=7)


@pytest.fixture(scope="session")
def gt(scene):
    return {"endmembers": scene["endmembers"], "abundances": scene["abundances"]}


def assert_close(a, b, tol=0.0):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=0, atol=tol)
