"""The same method gives the same numbers from Python and from the CLI on the same scene: the
CLI runs as a real process, and its run folder is read back with the module's readers."""
import json
import re

import numpy as np
import pytest
from conftest import assert_close, run_cli

import unmix


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth")
    run_cli("synth", "--out", d / "scene", "--patch", 4, "--bands", 60, "-r", 4, "--snr", 30, "--seed", 11)
    return d


def without_times(v):
    """A run.json value without what measures time (seconds, rates): the rest must be equal."""
    if isinstance(v, dict):
        return {k: without_times(x) for k, x in v.items() if "second" not in k}
    if isinstance(v, list):
        return [without_times(x) for x in v]
    if isinstance(v, str):
        return re.sub(r"\d+(\.\d+)? s\b", "T s", v)
    return v


def cli_run(files, method, *args):
    out = files / f"run-{method}"
    run_cli("run", "--method", method, "--input", files / "scene" / "scene.img", "--gt", files / "scene" / "gt.mat",
            "-r", 4, "--seed", 5, "--threads", 1, "--out", out, *args)
    return out


def python_run(files, method, **kw):
    y, info = unmix.read_scene(files / "scene" / "scene.img")
    gt = unmix.read_ground_truth(files / "scene" / "gt.mat", y)
    return y, unmix.run(y, method, 4, gt=gt, info=info, seed=5, threads=1, **kw)


@pytest.mark.parametrize("method,cli_args,kw", [
    ("vca-fcls", [], {}),
    ("l1-nmf", ["--iterations", "30"], {"iterations": 30}),
    ("bunet1", ["--epochs", "5"], {"epochs": 5}),
])
def test_same_numbers_as_the_cli(files, method, cli_args, kw):
    out = cli_run(files, method, *cli_args)
    y, res = python_run(files, method, **kw)
    cli_x, _ = unmix.read_scene(out / "abundances.tif")
    cli_e = unmix.read_endmembers_csv(out / "endmembers.csv")["endmembers"]
    assert cli_x.shape == res.abundances.shape == (16, 16, 4)
    # The endmembers are stored in the CLI's CSV as text (float32 round trip), the abundance
    # raster as float32.
    assert_close(res.endmembers, cli_e, 1e-6)
    assert_close(res.abundances, cli_x, 1e-6)
    run_json = json.loads((out / "run.json").read_text())
    for key in ("method", "endmembers", "endmembers_chosen", "seed", "threads", "details", "reports", "scene",
                "options", "network", "wavelength_units"):
        assert without_times(res.summary.get(key)) == without_times(run_json.get(key)), key
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("sad_deg_mean", "rmse", "aad_deg", "aid", "sad_deg"):
        assert res.metrics[key] == pytest.approx(metrics[key], abs=1e-9), key


def test_run_folder_from_python_matches_the_cli(files, tmp_path):
    out = cli_run(files, "vca-fcls")
    _, res = python_run(files, "vca-fcls", out=tmp_path / "py-run")
    assert res.report and (tmp_path / "py-run" / "report.html").exists()
    written = json.loads((tmp_path / "py-run" / "run.json").read_text())
    assert res.summary == written
    cli = json.loads((out / "run.json").read_text())
    same = set(cli) - {"command", "input", "ground_truth", "timings", "input_checksums", "output_checksums",
                       "georeference", "outputs", "preview"}
    for key in same:
        assert without_times(written.get(key)) == without_times(cli[key]), key
    x_py, _ = unmix.read_scene(tmp_path / "py-run" / "abundances.tif")
    x_cli, _ = unmix.read_scene(out / "abundances.tif")
    assert np.array_equal(x_py, x_cli)


def test_estimate_r_matches_the_cli(files):
    cli = json.loads(run_cli("estimate-r", "--input", files / "scene" / "scene.img", "--json").stdout)
    y, _ = unmix.read_scene(files / "scene" / "scene.img")
    est = unmix.estimate_r(y)
    for key in ("endmembers", "estimates", "false_alarm", "guard_bands", "min_relative_gain"):
        assert est[key] == cli[key], key
    assert est["reconstruction_rmse"] == pytest.approx(cli["reconstruction_rmse"], rel=1e-12)


def test_eval_matches_the_cli(files):
    out = cli_run(files, "vca-fcls")
    cli = json.loads(run_cli("eval", "--input", files / "scene" / "scene.img", "--gt", files / "scene" / "gt.mat",
                             "--estimate", out / "result.mat", "--json").stdout)
    y, _ = unmix.read_scene(files / "scene" / "scene.img")
    gt = unmix.read_ground_truth(files / "scene" / "gt.mat", y)
    est = unmix.read_ground_truth(out / "result.mat", y, check_simplex=False)
    m = unmix.evaluate(gt=gt, endmembers=est["endmembers"], abundances=est["abundances"], scene=y)
    for key in ("sad_deg_mean", "rmse", "aad_deg", "aid"):
        assert m[key] == pytest.approx(cli[key], abs=1e-12), key


def test_model_from_the_cli_applies_in_python(files):
    out = cli_run(files, "bunet1", "--epochs", "5")
    y, _ = unmix.read_scene(files / "scene" / "scene.img")
    model = unmix.load_model(out / "model.json")
    assert model.architecture == "bunet1" and model.bands == 60
    x = unmix.apply(out / "model.json", y, threads=1)
    cli_x, _ = unmix.read_scene(out / "abundances.tif")
    # A blind network's run folder holds the encoder's abundances of the scene: applying the
    # saved model gives them again (unless the guard kept the start).
    run_json = json.loads((out / "run.json").read_text())
    if run_json["details"].get("keep_better", {}).get("kept") == "start":
        pytest.skip("the guard kept the start")
    assert_close(x, cli_x, 1e-5)
