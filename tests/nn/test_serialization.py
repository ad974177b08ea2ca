"""nn.save / nn.load: .npz state dicts, atomic writes, and refusal of bad files."""

import os
import zipfile

import numpy as np
import pytest

import nn
from autograd import Tensor, manual_seed


def _model(seed=0):
    manual_seed(seed)
    return nn.MLP([3, 5, 2])


def _state(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def _unchanged(model, before):
    sd = model.state_dict()
    return list(sd) == list(before) and all(np.array_equal(sd[k], before[k]) for k in sd)


def test_save_then_load_reproduces_the_model(tmp_path):
    a, b = _model(0), _model(1)
    path = tmp_path / "model.npz"
    assert nn.save(a, path) == str(path)
    assert nn.load(b, path) is b
    x = Tensor(np.random.default_rng(0).normal(size=(4, 3)))
    assert np.array_equal(a(x).data, b(x).data)


def test_save_writes_exactly_the_path_given(tmp_path):
    path = tmp_path / "weights.bin"
    nn.save(_model(), path)
    assert os.listdir(tmp_path) == ["weights.bin"]
    nn.load(_model(1), str(path))


def test_saved_files_are_plain_npz_readable_without_pickle(tmp_path):
    path = tmp_path / "m.npz"
    model = _model()
    nn.save(model, path)
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == sorted(model.state_dict())
        assert np.array_equal(f["0.weight"], model[0].weight.data)


def test_keys_that_clash_with_numpy_argument_names_are_fine(tmp_path):
    m = nn.Module()
    m.file = nn.Parameter([1.0])
    m.allow_pickle = nn.Parameter([2.0])
    nn.save(m, tmp_path / "m.npz")
    other = nn.Module()
    other.file, other.allow_pickle = nn.Parameter([0.0]), nn.Parameter([0.0])
    nn.load(other, tmp_path / "m.npz")
    assert other.file.data.tolist() == [1.0] and other.allow_pickle.data.tolist() == [2.0]


def test_scalar_models_round_trip(tmp_path):
    a, b = nn.scalar.MLP(2, [3, 1]), nn.scalar.MLP(2, [3, 1])
    nn.save(a, tmp_path / "s.npz")
    nn.load(b, tmp_path / "s.npz")
    assert a([1.0, 2.0]).data == b([1.0, 2.0]).data


def test_float32_parameters_keep_their_dtype(tmp_path):
    a = nn.Linear(2, 2)
    a.weight = nn.Parameter(a.weight.data.astype(np.float32))
    nn.save(a, tmp_path / "f.npz")
    b = nn.Linear(2, 2)
    b.weight = nn.Parameter(np.zeros((2, 2), dtype=np.float32))
    nn.load(b, tmp_path / "f.npz")
    assert b.weight.dtype == np.float32 and np.array_equal(b.weight.data, a.weight.data)


def test_save_overwrites_atomically_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(_model(0), path)
    nn.save(_model(1), path)
    assert os.listdir(tmp_path) == ["m.npz"]
    loaded = nn.load(_model(2), path)
    assert _unchanged(loaded, _model(1).state_dict())


def test_a_failed_save_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    nn.save(_model(0), path)
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", explode)
    with pytest.raises(OSError, match="disk full"):
        nn.save(_model(1), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.npz"]


def test_save_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save(_model(), tmp_path / "nope" / "m.npz")


def test_save_and_load_need_a_module(tmp_path):
    with pytest.raises(TypeError):
        nn.save({"w": np.zeros(1)}, tmp_path / "m.npz")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        nn.load("model", tmp_path / "m.npz")  # type: ignore[arg-type]


# -- refusing bad files, module unchanged ----------------------------------------------------


def _refused(model, path, error, match):
    before = _state(model)
    with pytest.raises(error, match=match):
        nn.load(model, path)
    assert _unchanged(model, before)


def test_a_missing_file_raises_file_not_found_with_the_path(tmp_path):
    path = tmp_path / "absent.npz"
    _refused(_model(), path, FileNotFoundError, "absent.npz")


def test_a_zero_byte_file_is_refused(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    _refused(_model(), path, ValueError, "empty.npz.*empty \\(0 bytes\\)")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_file_is_refused(tmp_path, keep):
    path = tmp_path / "m.npz"
    nn.save(_model(1), path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    _refused(_model(), path, ValueError, "m.npz")


def test_a_file_with_corrupted_array_bytes_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(_model(1), path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("0.weight.npy")
    middle = info.header_offset + 30 + len(info.filename) + 200  # inside the array data
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    _refused(_model(), path, ValueError, "m.npz")


def test_random_garbage_is_refused(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(os.urandom(500))
    _refused(_model(), path, ValueError, "garbage.npz")


def test_a_pickle_bearing_object_array_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    sd = _model(1).state_dict()
    sd["0.weight"] = np.array([{"payload": 1}] * 15, dtype=object).reshape(5, 3)
    np.savez(path, **sd)
    _refused(_model(), path, ValueError, "pickle")


def test_a_pickle_file_is_refused(tmp_path):
    import pickle

    path = tmp_path / "p.npz"
    path.write_bytes(pickle.dumps({"0.weight": np.zeros((5, 3))}))
    _refused(_model(), path, ValueError, "pickle")


def test_a_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "one.npy"
    np.save(path, np.zeros(3))
    _refused(_model(), path, ValueError, "single array")


def test_missing_and_unexpected_keys_are_refused(tmp_path):
    path = tmp_path / "m.npz"
    sd = _model(1).state_dict()
    del sd["2.bias"]
    sd["extra"] = np.zeros(2)
    np.savez(path, **sd)
    _refused(_model(), path, nn.StateDictError, "missing keys: 2.bias.*\n.*unexpected keys: extra")


def test_wrong_shapes_are_refused(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 6, 2]), path)
    _refused(_model(), path, ValueError, "0.weight: shape \\(6, 3\\)")


def test_a_directory_is_refused(tmp_path):
    _refused(_model(), tmp_path, ValueError, "not a regular file")
