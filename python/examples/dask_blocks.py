"""Unmixes a large scene block by block with dask: endmembers once from a sample of the pixels,
then abundances of every block in parallel (each unmix call releases the GIL, so dask's threads
run side by side).

    PYTHONPATH=build/release/python python3 python/examples/dask_blocks.py [--side 500] [--block 125]
"""
import argparse
import time

import dask.array as da
import numpy as np

import unmix

parser = argparse.ArgumentParser()
parser.add_argument("--side", type=int, default=500, help="the scene is side x side pixels")
parser.add_argument("--block", type=int, default=125, help="rows per block")
parser.add_argument("-r", type=int, default=6)
args = parser.parse_args()

# A large scene: the 100 x 100 synthetic scene of u-admm-nets.txt, tiled (a real one would be
# a dask array from xarray/rioxarray or dask.array.from_zarr).
s = unmix.synth(endmembers=args.r, snr=30, seed=1)
reps = -(-args.side // s["scene"].shape[0])
tile = np.tile(s["scene"], (reps, reps, 1))[: args.side, : args.side]
scene = da.from_array(tile, chunks=(args.block, args.side, tile.shape[2]))

# Endmembers once, from a strided sample of the pixels (a bands x pixels matrix).
t0 = time.perf_counter()
sample = np.ascontiguousarray(tile[::7, ::7].reshape(-1, tile.shape[2]).T)
endmembers = unmix.run(sample, "vca-fcls", args.r, seed=0).endmembers


def block_abundances(block):
    # FCLS with the endmembers fixed: pixels are independent, so blocks give what the whole
    # scene would.
    # (dask may hand over a strided view: ascontiguousarray copies only then.)
    return unmix.run(np.ascontiguousarray(block), "fcls", args.r, gt={"endmembers": endmembers}, threads=1).abundances


abundances = scene.map_blocks(block_abundances, chunks=(args.block, args.side, args.r), dtype=np.float32)
x = abundances.compute(scheduler="threads")
took = time.perf_counter() - t0
print(f"{args.side} x {args.side} pixels, {tile.shape[2]} bands, r = {args.r}: "
      f"{scene.numblocks[0]} blocks in {took:.2f} s")
print(f"abundances {x.shape}, sums {x.sum(axis=2).min():.4f} .. {x.sum(axis=2).max():.4f}")

# The blocks agree with one call on the first two blocks together.
rows = min(2 * args.block, args.side)
whole = unmix.run(np.ascontiguousarray(tile[:rows]), "fcls", args.r, gt={"endmembers": endmembers}).abundances
print(f"largest difference from one call over {rows} rows: {np.abs(whole - x[:rows]).max():.2e}")
