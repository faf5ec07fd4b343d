"""Ctrl-C (SIGINT) stops a long call: a real Python process in a very long network training, or
a very long L1-NMF, is interrupted and raises KeyboardInterrupt within seconds, and the module
works again afterwards."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

SCRIPT = textwrap.dedent("""
    import sys, unmix
    method = sys.argv[1]
    if method == "bunet1":
        s = unmix.synth(patch=4, bands=40, endmembers=3, snr=30, seed=7)
        def progress(e):
            if e["epoch"] == 1:
                print("started", flush=True)
        kw = dict(epochs=1000000, progress=progress)
    else:
        s = unmix.synth(patch=10, bands=100, snr=30, seed=7)
        print("started", flush=True)
        kw = dict(iterations=1000000)
    try:
        unmix.run(s["scene"], method, 3, threads=1, **kw)
    except KeyboardInterrupt as e:
        print("KeyboardInterrupt:", e, flush=True)
        # The module still works after an interrupt.
        r = unmix.run(s["scene"], "vca-fcls", 3, threads=1)
        print("again", r.summary["method"], flush=True)
        sys.exit(0)
    sys.exit(1)
""")


@pytest.mark.parametrize("method", ["bunet1", "l1-nmf"])
def test_sigint_interrupts_a_long_call(method):
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, method], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=dict(os.environ))
    try:
        assert p.stdout.readline().strip() == "started"
        time.sleep(0.5)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert "KeyboardInterrupt: interrupted by SIGINT" in out
    assert "again vca-fcls" in out
    assert took < 10
