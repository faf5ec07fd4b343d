"""A HySUPP-style comparison: every blind method on one synthetic scene, scored against its
ground truth (SAD of the endmembers, RMSE of the abundances, time), as one table.

    PYTHONPATH=build/release/python python3 python/examples/comparison_table.py [--epochs N]
"""
import argparse

import unmix

parser = argparse.ArgumentParser()
parser.add_argument("--patch", type=int, default=10, help="patch size a: the scene is a^2 x a^2 pixels")
parser.add_argument("--epochs", type=int, default=None, help="training epochs of the networks (default: theirs)")
args = parser.parse_args()

s = unmix.synth(patch=args.patch, snr=30, seed=0)
gt = {"endmembers": s["endmembers"], "abundances": s["abundances"]}
options = {} if args.epochs is None else {"epochs": args.epochs}

print(f"{'method':<16}{'SAD (deg)':>10}{'RMSE':>8}{'time (s)':>10}")
for m in unmix.methods():
    if m["blind"]:
        res = unmix.run(s["scene"], m["name"], gt=gt, seed=0, **(options if m["network"] else {}))
        print(f"{m['name']:<16}{res.metrics['sad_deg_mean']:>10.3f}{res.metrics['rmse']:>8.4f}"
              f"{res.summary['timings']['total']:>10.2f}")
