"""unmix: hyperspectral unmixing from Python (docs/python.md).

Numpy in, numpy out. A scene is a ``rows x cols x bands`` cube (C or Fortran order), a
``bands x rows x cols`` cube as rasterio reads it (``bands_first=True``), an xarray DataArray
with a band dimension, or a ``bands x pixels`` matrix (``shape=(rows, cols)`` for its image
shape); float32 or float64. Results come back as numpy arrays in the layout the scene came in,
with ``summary``, the content of the run folder's ``run.json``.

Every long call releases the GIL, and Ctrl-C stops a network's training at the next batch
(KeyboardInterrupt). Library errors are ``unmix.OptionError`` / ``unmix.InputError`` (both
ValueError) and ``unmix.FileError`` (InputError and OSError), with the CLI's messages.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from . import _unmix
from ._unmix import (  # noqa: F401  (re-exported)
    Error,
    FileError,
    InputError,
    Model,
    OptionError,
    __version__,
    load_model,
    methods,
    read_endmembers_csv,
    spectral_angles,
    write_endmembers_csv,
)

__all__ = [
    "Error", "FileError", "InputError", "OptionError", "Model", "Result", "methods", "method_names", "run",
    "train", "apply", "estimate_r", "evaluate", "synth", "read_scene", "read_ground_truth", "write_raster",
    "write_mat", "write_result_mat", "read_endmembers_csv", "write_endmembers_csv", "spectral_angles",
    "load_model", "__version__",
]

_BAND_DIMS = ("band", "bands", "wavelength", "wavelengths", "spectral", "channel", "z")


def method_names() -> list[str]:
    """The registered method names, in the order help texts list them."""
    return [m["name"] for m in methods()]


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@dataclass
class _Layout:
    """How a scene argument was given, to return results the same way."""

    kind: str  # "cube" (rows x cols x bands), "bands_first" (bands x rows x cols), "matrix" (bands x pixels)
    rows: int
    cols: int
    coords: Any = None  # xarray: the DataArray, for coordinates of the results


def _scene_args(scene, info, bands_first, shape, name="scene"):
    """The array to pass to the library, its _SceneArgs and layout; xarray handled by name."""
    info = dict(info) if info else {}
    data = scene
    if hasattr(scene, "dims") and hasattr(scene, "values"):  # xarray.DataArray
        dims = [str(d).lower() for d in scene.dims]
        if scene.ndim == 3 and bands_first is None:
            band = [i for i, d in enumerate(dims) if d in _BAND_DIMS]
            if len(band) != 1 or band[0] not in (0, 2):
                raise ValueError(
                    f"{name}: cannot tell the band dimension of a DataArray with dims {tuple(scene.dims)}; "
                    "name it 'band' (first or last) or pass bands_first=")
            bands_first = band[0] == 0
            bdim = scene.dims[band[0]]
            if "wavelengths" not in info and bdim in scene.coords:
                c = np.asarray(scene.coords[bdim].values)
                if c.dtype.kind in "fiu" and str(bdim).lower().startswith("wavelength"):
                    info["wavelengths"] = [float(v) for v in c]
        data = scene.values
    data = np.asarray(data) if not isinstance(data, np.ndarray) else data
    bands_first = bool(bands_first)
    if data.ndim == 3:
        if bands_first:
            layout = _Layout("bands_first", data.shape[1], data.shape[2])
        else:
            layout = _Layout("cube", data.shape[0], data.shape[1])
    elif data.ndim == 2:
        rows, cols = (1, data.shape[1]) if shape is None else (int(shape[0]), int(shape[1]))
        layout = _Layout("matrix", rows, cols)
    else:
        layout = _Layout("matrix", 0, 0)  # the library names the problem
    if hasattr(scene, "dims"):
        layout.coords = scene
    return data, _unmix._SceneArgs(bands_first, shape, info, name), layout


def _pixels(a: np.ndarray, layout: _Layout, name: str) -> np.ndarray:
    """A per-pixel array (abundances) in the layout of the scene -> r x pixels (a view)."""
    a = np.asarray(a)
    if a.ndim == 3:
        if layout.kind == "bands_first":
            return a.reshape(a.shape[0], -1)
        return a.reshape(-1, a.shape[2]).T
    if a.ndim == 2:
        return a
    raise ValueError(f"{name}: expected per-pixel values as a cube or an r x pixels matrix, got shape {a.shape}")


def _per_pixel(m: Optional[np.ndarray], layout: _Layout):
    """An r x N matrix from the library (Fortran order) in the scene's layout, without a copy."""
    if m is None:
        return None
    if layout.kind == "cube":
        return m.T.reshape(layout.rows, layout.cols, m.shape[0])
    if layout.kind == "bands_first":
        return m.T.reshape(layout.rows, layout.cols, m.shape[0]).transpose(2, 0, 1)
    return m


@dataclass
class Result:
    """What a run gives back.

    endmembers: bands x r. abundances: rows x cols x r for a cube, r x rows x cols for a
    bands-first cube, r x pixels for a matrix. summary: run.json's content (method, endmembers,
    seed, settings, details, reports, timings, ...). metrics: metrics.json's content when
    ground truth was given. model: the trained network (unmix.Model) for network methods.
    """

    endmembers: np.ndarray
    abundances: np.ndarray
    summary: dict
    metrics: Optional[dict] = None
    model: Optional[Model] = None
    names: list = field(default_factory=list)
    init_endmembers: Optional[np.ndarray] = None
    init_abundances: Optional[np.ndarray] = None
    notes: list = field(default_factory=list)
    report: Optional[str] = None  # report.html of the run folder, with out=


def _run(scene, method, r, *, gt, info, bands_first, shape, out, match, progress, wait, networks_only, options):
    data, args, layout = _scene_args(scene, info, bands_first, shape)
    gt_e = gt_a = gt_names = None
    if gt is not None:
        gt = dict(gt)
        gt_e = gt.get("endmembers")
        gt_a = gt.get("abundances")
        gt_names = gt.get("names")
        if gt_a is not None:
            gt_a = _pixels(gt_a, layout, "gt['abundances']")
    d = _unmix._run(data, args, method, int(r or 0), gt_e, gt_a, gt_names, options, progress,
                    "" if out is None else str(out), match, networks_only, _main_thread(), wait)
    return Result(
        endmembers=d["endmembers"],
        abundances=_per_pixel(d["abundances"], layout),
        summary=d["summary"],
        metrics=d["metrics"],
        model=d["model"],
        names=d["names"],
        init_endmembers=d["init_endmembers"],
        init_abundances=_per_pixel(d["init_abundances"], layout),
        notes=d["notes"],
        report=d["report"],
    )


def run(scene, method: str = "vca-fcls", r: Optional[int] = None, *, gt: Optional[dict] = None,
        info: Optional[dict] = None, bands_first: Optional[bool] = None, shape=None, out=None,
        match: str = "hungarian-sad", progress: Optional[Callable[[dict], Any]] = None, wait: bool = False,
        **options) -> Result:
    """Unmixes a scene with a registered method (``unmix.method_names()``), as ``unmix run`` does.

    r: the number of endmembers; None takes the ground truth's, else the default estimate
    (refused above min(20, bands/10), as the CLI). gt: ground truth as a dict with
    "endmembers" (bands x r) and/or "abundances" (per pixel, in the scene's layout) and
    optionally "names": scores the result (Result.metrics) and trains supervised methods.
    info: wavelengths, wavelength_units, band_names, valid (rows x cols mask) and
    georeference ({"projection_wkt", "geotransform", "metadata"}), as read_scene returns it.
    out: also write the CLI's run folder there (Result.summary is then run.json as written).
    progress: called with {"epoch", "epochs", "loss", "best_loss", "elapsed"} after every
    training epoch of a network; an exception it raises stops training and is raised here.
    options: the CLI's options by name (seed, threads, lambda_, iterations, epochs, lr, batch,
    preset, init, mu, keep_better, ...; ``--decoder-lr`` is ``decoder_lr``).
    """
    return _run(scene, method, r, gt=gt, info=info, bands_first=bands_first, shape=shape, out=out, match=match,
                progress=progress, wait=wait, networks_only=False, options=options)


def train(scene, method: str, r: Optional[int] = None, **kwargs) -> Result:
    """``unmix train``: run() for network methods only; Result.model holds the trained network
    (save it with Result.model.save(path); with out=, the run folder has model.json)."""
    opts = {k: kwargs.pop(k) for k in list(kwargs) if k not in
            ("gt", "info", "bands_first", "shape", "out", "match", "progress", "wait")}
    return _run(scene, method, r, gt=kwargs.get("gt"), info=kwargs.get("info"),
                bands_first=kwargs.get("bands_first"), shape=kwargs.get("shape"), out=kwargs.get("out"),
                match=kwargs.get("match", "hungarian-sad"), progress=kwargs.get("progress"),
                wait=kwargs.get("wait", False), networks_only=True, options=opts)


def apply(model, scene, *, info=None, bands_first=None, shape=None, threads: int = 0) -> np.ndarray:
    """``unmix apply``: a trained model's abundances of a scene, in the scene's layout. model: an
    unmix.Model or the path of a model file (checked as the CLI checks it)."""
    if not isinstance(model, Model):
        model = load_model(str(model))
    data, args, layout = _scene_args(scene, info, bands_first, shape)
    return _per_pixel(_unmix._apply(model, data, args, threads, _main_thread()), layout)


def estimate_r(scene, *, info=None, bands_first=None, shape=None, estimator: str = "default",
               false_alarm: float = 1e-3, guard_bands: int = 3, max_r: int = 20, min_gain: float = 0.15,
               seed: int = 0, threads: int = 0) -> dict:
    """``unmix estimate-r --json``: the number of endmembers ("endmembers") and every estimate."""
    data, args, _ = _scene_args(scene, info, bands_first, shape)
    return _unmix._estimate_r(data, args, estimator, false_alarm, guard_bands, max_r, min_gain, seed, threads,
                              _main_thread())


def evaluate(*, gt: dict, endmembers=None, abundances=None, scene=None, bands_first=None, shape=None,
             match: str = "hungarian-sad", aid_epsilon: float = 1e-8, method: str = "estimate") -> dict:
    """``unmix eval``: scores estimates against ground truth; returns metrics.json's content.

    gt: {"endmembers": bands x r, "abundances": per pixel, "names": [...]} (either may be
    absent). endmembers (bands x r) and/or abundances: the estimates. scene: the data, for the
    reconstruction error when both estimates are given. Per-pixel arrays may be cubes (rows x
    cols x r, or r x rows x cols with bands_first=True) or r x pixels matrices.
    """
    layout = _Layout("bands_first" if bands_first else "cube", 0, 0)
    ref_a = gt.get("abundances")
    ref_a = None if ref_a is None else _pixels(ref_a, layout, "gt['abundances']")
    est_a = None if abundances is None else _pixels(abundances, layout, "abundances")
    data = None
    if scene is not None:
        data = np.asarray(scene.values if hasattr(scene, "dims") else scene)
        data = data.reshape(data.shape[0], -1) if (data.ndim == 3 and bands_first) else (
            data.reshape(-1, data.shape[2]).T if data.ndim == 3 else data)
    return _unmix._evaluate(gt.get("endmembers"), endmembers, ref_a, est_a, data, match, aid_epsilon,
                            list(gt.get("names") or []), method)


def synth(preset: str = "uadmm", **options) -> dict:
    """``unmix synth``: a synthetic scene and its ground truth.

    Returns {"scene": rows x cols x bands, "endmembers": bands x r, "abundances": rows x cols x
    r, "clean": rows x cols x bands (noise-free), "info", "noise_sigma", "realized_snr_db",
    "names"}. preset "uadmm" (u-admm-nets.txt VI-B) or "nmfsae"; options: patch, gamma,
    endmembers, snr (dB; None: no noise), seed, blur_variance, kernel, bands, min_angle,
    layout ("patches" / "regions"), regions, brightness, max_purity, dark, variability,
    noise_correlation.
    """
    d = _unmix._synth(preset, options)
    layout = _Layout("cube", d["rows"], d["cols"])
    return {
        "scene": d["scene"],
        "endmembers": d["endmembers"],
        "abundances": _per_pixel(d["abundances"], layout),
        "clean": _per_pixel(d["clean"], layout),
        "info": d["info"],
        "names": d["names"],
        "noise_sigma": d["noise_sigma"],
        "realized_snr_db": d["realized_snr_db"],
    }


def read_scene(path, *, var: str = "", bands: str = "", apply_scale: bool = True, drop_bad_bands: bool = True,
               nodata: Optional[float] = None, remove_water_vapor: bool = False):
    """Reads a scene (.mat, ENVI, GeoTIFF, ... as the CLI's --input) -> (cube, info).

    cube: rows x cols x bands float32; info: wavelengths, wavelength_units, band_names, valid
    (rows x cols bool mask, or None when every pixel is valid), georeference
    ({"projection_wkt", "geotransform", "metadata"}), source and warnings (the CLI's).
    """
    return _unmix._read_scene(str(path), var, bands, apply_scale, drop_bad_bands, nodata, remove_water_vapor)


def read_ground_truth(path, scene, *, info=None, bands_first=None, shape=None, check_simplex: bool = True) -> dict:
    """Reads ground truth (or estimates) for a scene, as the CLI's --gt: {"endmembers": bands x
    r or None, "abundances": in the scene's layout or None, "names", "source"}."""
    data, args, layout = _scene_args(scene, info, bands_first, shape)
    d = _unmix._read_ground_truth(str(path), data, args, check_simplex)
    d["abundances"] = _per_pixel(d["abundances"], layout)
    return d


def write_raster(path, data, info=None, *, bands_first=None, shape=None, format: str = "auto",
                 compress: bool = True) -> None:
    """Writes a cube (or bands x pixels matrix with shape=) as GeoTIFF or ENVI (format "auto":
    by extension), with info's wavelengths, band names, mask and georeference."""
    arr, args, _ = _scene_args(data, info, bands_first, shape, name="data")
    _unmix._write_raster(str(path), arr, args, format, compress)


def write_mat(path, data, info=None, *, bands_first=None, shape=None) -> None:
    """Writes a scene as a MATLAB .mat file (the layout the CLI reads back)."""
    arr, args, _ = _scene_args(data, info, bands_first, shape, name="data")
    _unmix._write_mat(str(path), arr, args)


def write_result_mat(path, endmembers=None, abundances=None, *, rows: int, cols: int) -> None:
    """Writes endmembers (bands x r) and abundances (rows x cols x r or r x pixels) as the run
    folder's result.mat (benchmark layout)."""
    a = None
    if abundances is not None:
        a = _pixels(abundances, _Layout("cube", rows, cols), "abundances")
    _unmix._write_result_mat(str(path), endmembers, a, rows, cols)
