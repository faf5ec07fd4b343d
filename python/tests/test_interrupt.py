"""Ctrl-C (SIGINT) stops a long call: a real Python process training a network for a very long
time is interrupted and raises KeyboardInterrupt within seconds."""
import os
import signal
import subprocess
import sys
import textwrap
import time

SCRIPT = textwrap.dedent("""
    import sys, unmix
    s = unmix.synth(patch=4, bands=40, endmembers=3, snr=30, seed=7)
    def progress(e):
        if e["epoch"] == 1:
            print("training", flush=True)
    try:
        unmix.run(s["scene"], "bunet1", 3, epochs=1000000, threads=1, progress=progress)
    except KeyboardInterrupt as e:
        print("KeyboardInterrupt:", e, flush=True)
        # The module still works after an interrupt.
        r = unmix.run(s["scene"], "bunet1", 3, epochs=2, threads=1)
        print("again", r.summary["method"], flush=True)
        sys.exit(0)
    sys.exit(1)
""")


def test_sigint_interrupts_training():
    p = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ))
    try:
        assert p.stdout.readline().strip() == "training"
        time.sleep(0.2)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert "KeyboardInterrupt: interrupted by SIGINT" in out
    assert "again bunet1" in out
    assert took < 10
