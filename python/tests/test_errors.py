"""Bad arrays get clear exceptions, and library errors are Python exceptions with the CLI's
messages (the CLI prints them after "unmix: error: " or "unmix: invalid option: ")."""
import numpy as np
import pytest
from conftest import run_cli

import unmix


def test_nan_is_named_with_its_position(scene):
    y = scene["scene"].copy()
    y[2, 5, 7] = np.nan
    y[3, 0, 0] = np.inf
    with pytest.raises(ValueError, match=r"2 values are NaN or infinite, the first at pixel \(row 2, col 5\) band 7"):
        unmix.run(y, "vca-fcls", 3)


def test_wrong_shape():
    with pytest.raises(ValueError, match=r"got a 1-D array of shape \(10,\)"):
        unmix.run(np.zeros(10, np.float32), "vca-fcls", 3)
    with pytest.raises(ValueError, match=r"got a 4-D array"):
        unmix.run(np.zeros((2, 2, 2, 2), np.float32), "vca-fcls", 3)
    with pytest.raises(ValueError, match=r"rows \* cols = 12"):
        unmix.run(np.ones((5, 12), np.float32), "vca-fcls", 2, shape=(5, 5))
    with pytest.raises(ValueError, match="the array is empty"):
        unmix.run(np.zeros((0, 3, 4), np.float32), "vca-fcls", 3)


def test_wrong_dtype(scene):
    with pytest.raises(TypeError, match="expected a float32 or float64 array, got dtype int16"):
        unmix.run(scene["scene"].astype(np.int16), "vca-fcls", 3)
    with pytest.raises(TypeError, match="got dtype complex64"):
        unmix.run(scene["scene"].astype(np.complex64), "vca-fcls", 3)


def test_non_contiguous(scene):
    with pytest.raises(ValueError, match="not contiguous.*ascontiguousarray"):
        unmix.run(scene["scene"][:, ::2, :], "vca-fcls", 3)
    with pytest.raises(ValueError, match="not contiguous"):
        unmix.run(scene["scene"].transpose(1, 0, 2)[::2], "vca-fcls", 3)


def test_ground_truth_shape_is_checked(scene):
    with pytest.raises(ValueError, match=r"gt endmembers: expected shape \(40, any\), got \(39, 3\)"):
        unmix.run(scene["scene"], "vca-fcls", 3, gt={"endmembers": np.ascontiguousarray(scene["endmembers"][:39])})


def cli_message(p):
    line = p.stderr.strip().splitlines()[-1]
    for prefix in ("unmix: invalid option: ", "unmix: error: "):
        if line.startswith(prefix):
            return line[len(prefix):]
    raise AssertionError(f"not a CLI error line: {line!r}")


@pytest.fixture(scope="module")
def scene_file(tmp_path_factory, scene):
    path = tmp_path_factory.mktemp("scene") / "scene.tif"
    unmix.write_raster(path, scene["scene"])
    return path


def test_option_errors_have_the_cli_messages(tmp_path, scene, scene_file):
    cases = [
        ({"method": "no-such"}, ["--method", "no-such"]),
        ({"preset": "fast"}, ["--method", "bunet1", "--preset", "fast"]),
        ({"mu": -1}, ["--method", "bunet1", "--mu", "-1"]),
        ({"keep_better": "maybe"}, ["--method", "bunet1", "--keep-better", "maybe"]),
        ({"loss_weights": [1, 2]}, ["--method", "bunet1", "--loss-weights", "1,2"]),
        ({"init": "random"}, ["--method", "l1-nmf", "--init", "random"]),
    ]
    for kw, args in cases:
        kw = dict(kw)
        method = kw.pop("method", args[1])
        p = run_cli("run", "--input", scene_file, "-r", 3, "--out", tmp_path / "run", *args, check=False)
        assert p.returncode == 2, p.stderr
        with pytest.raises(unmix.OptionError) as err:
            unmix.run(scene["scene"], method, 3, **kw)
        assert str(err.value) == cli_message(p)
        assert isinstance(err.value, ValueError)
    with pytest.raises(unmix.OptionError, match="unknown option 'epoch'"):
        unmix.run(scene["scene"], "bunet1", 3, epoch=3)


def test_file_errors_are_oserrors_with_the_cli_messages(tmp_path, scene):
    missing = tmp_path / "missing.tif"
    p = run_cli("estimate-r", "--input", missing, check=False)
    assert p.returncode == 1
    with pytest.raises(OSError) as err:
        unmix.read_scene(missing)
    assert isinstance(err.value, unmix.FileError) and isinstance(err.value, ValueError)
    assert str(err.value) == cli_message(p)
    bad = tmp_path / "model.json"
    bad.write_text("{not json")
    with pytest.raises(unmix.FileError):
        unmix.load_model(bad)
    with pytest.raises(OSError, match="file not found"):
        unmix.apply(tmp_path / "nothing.json", scene["scene"])


def test_estimated_r_above_the_bound_is_refused_like_the_cli(tmp_path, scene_file, scene):
    # 40 bands: at most 4 endmembers may be estimated; ask an estimator that finds more with a
    # noisy random scene.
    rng = np.random.default_rng(0)
    noise = rng.random((8, 8, 40), dtype=np.float32)
    path = tmp_path / "noise.tif"
    unmix.write_raster(path, noise)
    p = run_cli("run", "--input", path, "--out", tmp_path / "run", check=False)
    if p.returncode == 0:
        pytest.skip("the estimate for this scene is within the bound")
    with pytest.raises(unmix.InputError) as err:
        unmix.run(noise, "vca-fcls")
    assert str(err.value) == cli_message(p)
