"""The module's interface: the registry, synthetic scenes, runs in every array layout, results
as numpy without copies, metrics, the readers and writers, models, estimate_r."""
import threading
import time

import numpy as np
import pytest
from conftest import assert_close, run_cli

import unmix


def test_methods_are_the_registry_and_the_cli_lists_them():
    names = unmix.method_names()
    assert "vca-fcls" in names and "bunet2" in names and "nmf-sae" in names
    help_text = run_cli("run", "--help").stdout
    for name in names:
        assert name in help_text
    info = {m["name"]: m for m in unmix.methods()}
    assert info["vca-fcls"]["kind"] == "extractor" and not info["vca-fcls"]["network"]
    assert info["bunet2"]["network"] and info["bunet2"]["blind"]
    assert info["fcls"]["kind"] == "abundance" and info["fcls"]["supervised"]
    assert info["l1-nmf"]["defaults"]["iterations"] is not None


def test_synth_shapes_and_simplex(scene):
    y, e, x = scene["scene"], scene["endmembers"], scene["abundances"]
    assert y.shape == (16, 16, 40) and y.dtype == np.float32 and y.flags["C_CONTIGUOUS"]
    assert e.shape == (40, 3) and x.shape == (16, 16, 3)
    assert_close(x.sum(axis=2), np.ones((16, 16)), 1e-5)
    clean = np.einsum("bj,rcj->rcb", e, x)
    assert_close(clean, scene["clean"], 1e-5)
    again = unmix.synth(patch=4, bands=40, endmembers=3, snr=30, seed=7)
    assert np.array_equal(again["scene"], y)
    assert not np.array_equal(unmix.synth(patch=4, bands=40, endmembers=3, snr=30, seed=8)["scene"], y)


def test_run_returns_numpy_and_summary(scene, gt):
    res = unmix.run(scene["scene"], "vca-fcls", 3, gt=gt, seed=1)
    assert res.abundances.shape == (16, 16, 3) and res.endmembers.shape == (40, 3)
    # Handed over from the library without a copy: views of one buffer that numpy does not own.
    assert not res.abundances.flags["OWNDATA"] and not res.endmembers.flags["OWNDATA"]
    assert_close(res.abundances.sum(axis=2), np.ones((16, 16)), 1e-4)
    assert res.abundances.min() >= 0
    s = res.summary
    assert s["method"] == "vca-fcls" and s["endmembers"] == 3 and s["seed"] == 1
    assert s["endmembers_chosen"] == "given"
    assert s["scene"] == {"bands": 40, "cols": 16, "rows": 16, "valid_pixels": 256}
    assert "vca" in s["details"] and "fcls" in s["details"]
    assert res.metrics["sad_deg_mean"] < 10 and res.metrics["rmse"] < 0.15
    # evaluate() scores the same way as the run did.
    m = unmix.evaluate(gt=gt, endmembers=res.endmembers, abundances=res.abundances)
    assert m["sad_deg_mean"] == pytest.approx(res.metrics["sad_deg_mean"], abs=1e-9)
    assert m["rmse"] == pytest.approx(res.metrics["rmse"], abs=1e-9)


def test_r_from_ground_truth_or_estimate(scene, gt):
    assert unmix.run(scene["scene"], gt=gt).summary["endmembers_chosen"] == "from the ground truth"
    res = unmix.run(scene["scene"])
    assert res.summary["endmembers_chosen"].startswith("estimated")
    assert res.endmembers.shape[1] == unmix.estimate_r(scene["scene"])["endmembers"]
    assert res.notes and "r = " in res.notes[0]


def test_every_layout_gives_the_same_numbers(scene):
    y = scene["scene"]
    ref = unmix.run(y, "vca-fcls", 3, seed=2)
    layouts = {
        "float64": (y.astype(np.float64), {}),
        "fortran cube": (np.asfortranarray(y), {}),
        "matrix C": (np.ascontiguousarray(y.reshape(-1, 40).T), {"shape": (16, 16)}),
        "matrix F": (y.reshape(-1, 40).T, {"shape": (16, 16)}),
        "bands first (rasterio)": (np.ascontiguousarray(y.transpose(2, 0, 1)), {"bands_first": True}),
    }
    for name, (data, kw) in layouts.items():
        res = unmix.run(data, "vca-fcls", 3, seed=2, **kw)
        assert_close(res.endmembers, ref.endmembers, 1e-6)
        a = res.abundances
        if kw.get("bands_first"):
            assert a.shape == (3, 16, 16), name
            a = a.transpose(1, 2, 0)
        elif "shape" in kw:
            assert a.shape == (3, 256), name
            a = a.T.reshape(16, 16, 3)
        assert_close(a, ref.abundances, 1e-6)


def test_xarray_dataarray_as_it_comes(scene):
    xr = pytest.importorskip("xarray")
    y = scene["scene"]
    ref = unmix.run(y, "vca-fcls", 3, seed=2)
    wl = np.linspace(400, 2500, 40)
    last = xr.DataArray(y, dims=("y", "x", "wavelength"), coords={"wavelength": wl})
    first = xr.DataArray(np.ascontiguousarray(y.transpose(2, 0, 1)), dims=("band", "y", "x"))
    assert_close(unmix.run(last, "vca-fcls", 3, seed=2).abundances, ref.abundances, 1e-6)
    assert_close(unmix.run(first, "vca-fcls", 3, seed=2).abundances.transpose(1, 2, 0), ref.abundances, 1e-6)
    with pytest.raises(ValueError, match="band dimension"):
        unmix.run(xr.DataArray(y, dims=("a", "b", "c")), "vca-fcls", 3)


def test_valid_mask_leaves_pixels_out(scene):
    y = scene["scene"].copy()
    y[0, 0, :] = np.nan
    mask = np.ones((16, 16), bool)
    mask[0, 0] = False
    res = unmix.run(y, "vca-fcls", 3, info={"valid": mask})
    assert res.summary["scene"]["valid_pixels"] == 255
    assert np.all(res.abundances[0, 0] == 0) and np.all(np.isfinite(res.abundances))


def test_read_write_round_trip(tmp_path, scene):
    y = scene["scene"]
    info = {"wavelengths": list(np.linspace(0.4, 2.5, 40)), "wavelength_units": "micrometers",
            "georeference": {"geotransform": [500000.0, 30.0, 0.0, 4100000.0, 0.0, -30.0],
                             "projection_wkt": "", "metadata": {}}}
    for name in ("scene.tif", "scene.img"):
        unmix.write_raster(tmp_path / name, y, info)
        back, got = unmix.read_scene(tmp_path / name)
        assert back.shape == y.shape and np.array_equal(back, y)
        assert got["georeference"]["geotransform"] == info["georeference"]["geotransform"]
        assert_close(got["wavelengths"], info["wavelengths"], 1e-9)
    unmix.write_mat(tmp_path / "scene.mat", y)
    back, _ = unmix.read_scene(tmp_path / "scene.mat")
    assert np.array_equal(back, y)
    unmix.write_result_mat(tmp_path / "gt.mat", scene["endmembers"], scene["abundances"], rows=16, cols=16)
    g = unmix.read_ground_truth(tmp_path / "gt.mat", y)
    assert_close(g["endmembers"], scene["endmembers"], 1e-6)
    assert_close(g["abundances"], scene["abundances"], 1e-6)
    unmix.write_endmembers_csv(tmp_path / "e.csv", scene["endmembers"], names=["a", "b", "c"])
    e = unmix.read_endmembers_csv(tmp_path / "e.csv")
    assert e["names"] == ["a", "b", "c"]
    assert_close(e["endmembers"], scene["endmembers"], 1e-6)


def test_train_save_apply(tmp_path, scene):
    epochs = []
    res = unmix.train(scene["scene"], "bunet1", 3, epochs=4, seed=3, threads=1, progress=epochs.append)
    assert isinstance(res.model, unmix.Model) and res.model.architecture == "bunet1"
    assert [e["epoch"] for e in epochs] == [0, 1, 2, 3, 4] and all(e["epochs"] == 4 for e in epochs)
    path = tmp_path / "model.json"
    res.model.save(str(path))
    x = unmix.apply(path, scene["scene"], threads=1)
    assert x.shape == (16, 16, 3)
    assert_close(x, unmix.apply(res.model, scene["scene"], threads=1), 0)
    assert np.all(np.isfinite(x))
    with pytest.raises(unmix.OptionError, match="has nothing to train"):
        unmix.train(scene["scene"], "vca-fcls", 3)


def test_progress_exception_stops_training(scene):
    calls = []

    def stop(e):
        calls.append(e["epoch"])
        if e["epoch"] == 2:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        unmix.run(scene["scene"], "bunet1", 3, epochs=1000, threads=1, progress=stop)
    assert calls == [0, 1, 2]
    # The cancellation was reset: the next run completes.
    assert unmix.run(scene["scene"], "bunet1", 3, epochs=2, threads=1).summary["method"] == "bunet1"


def test_long_calls_release_the_gil(scene):
    done = threading.Event()
    ticks = []

    def work():
        unmix.run(scene["scene"], "bunet1", 3, epochs=3000, threads=1)
        done.set()

    t = threading.Thread(target=work)
    start = time.perf_counter()
    t.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    took = time.perf_counter() - start
    assert took > 0.05, "the run was too quick to tell"
    # With the GIL held for the whole run, this thread would get no ticks in between.
    assert len(ticks) > 10 and max(np.diff(ticks)) < took / 3


def test_estimate_r(scene):
    est = unmix.estimate_r(scene["scene"])
    assert est["estimator"] == "default" and est["endmembers"] == est["estimates"]["default"]
    assert set(est["estimates"]) == {"default", "hysime", "hysime_guard", "hfc", "nwhfc", "reconstruction"}
    assert 2 <= est["endmembers"] <= 5
    assert unmix.estimate_r(scene["scene"], estimator="hfc")["endmembers"] == est["estimates"]["hfc"]
