"""Saving and loading: load_state_dict and nn.load leave the model unchanged; special files, modes,
temporary files, .npy headers, NaN checkpoints.
"""

from __future__ import annotations

import copy
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import warnings
import zipfile

import numpy as np
import pytest

import nn
from autograd import (
    manual_seed,
)
from autograd.system.atomic_write import NotARegularFileError, atomic_write
from tests.nn.model_state import arrays as _arrays
from tests.nn.model_state import untouched as _untouched


def _model(seed=0):
    manual_seed(seed)
    return nn.MLP([3, 4, 2])


def _same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return list(sa) == list(sb) and all(np.array_equal(sa[k], sb[k], equal_nan=True) for k in sa)


# -- load_state_dict and nn.load leave the model unchanged ---------------------------------------
def _float32_mlp():
    manual_seed(0)
    model = nn.MLP([2, 3, 1])
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    return model


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda sd: sd.__setitem__("9.weight", np.zeros(1)), "unexpected keys: 9.weight"),
        (lambda sd: sd.pop("2.bias"), "missing keys: 2.bias"),
        (
            lambda sd: sd.__setitem__("0.weight", np.zeros((2, 3))),
            r"0.weight: shape \(2, 3\) does "
            r"not match .* \(3, 2\)",
        ),
        (
            lambda sd: sd.__setitem__("0.bias", np.array(["a", "b", "c"])),
            "0.bias: dtype <U1 is not a real number type",
        ),
        (
            lambda sd: sd.__setitem__("0.bias", np.zeros(3, dtype=object)),
            "0.bias: dtype object is not a real number type",
        ),
        (
            lambda sd: sd.__setitem__("0.bias", np.zeros(3, dtype=complex)),
            "0.bias: dtype complex128",
        ),
        (lambda sd: sd.__setitem__("2.bias", np.array([np.nan])), "2.bias: 1 of 1 values are NaN"),
        (
            lambda sd: sd.__setitem__("0.bias", np.array([1e300, 0.0, 0.0])),
            r"0.bias: 1 of 3 values overflow the parameter's dtype float32 "
            r"\(largest magnitude 1e\+300\)",
        ),
    ],
)
def test_failed_load_state_dict_leaves_every_parameter_array_unchanged_and_in_place(edit, message):
    model = _float32_mlp()
    before = _arrays(model)
    sd = {k: v.astype(np.float64) + 1.0 for k, v in model.state_dict().items()}
    edit(sd)
    with pytest.raises(nn.StateDictError, match=message) as info:
        model.load_state_dict(sd)
    assert "nothing was loaded" in str(info.value)
    assert _untouched(model, before)
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_successful_load_state_dict_keeps_the_parameter_arrays_and_dtypes():
    model = _float32_mlp()
    objects = [p.data for p in model.parameters()]
    sd = {k: np.full(v.shape, 0.25) for k, v in model.state_dict().items()}  # float64
    model.load_state_dict(sd)
    assert all(
        p.data is o and p.dtype == np.float32 and (p.data == 0.25).all()
        for p, o in zip(model.parameters(), objects, strict=True)
    )


def _npz_with_object_array(path):
    np.savez(path, **{"0.weight": np.array([None, 1], dtype=object)})


def _truncated(path, model):
    nn.save(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt(path, model):
    nn.save(model, path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    local = info.header_offset  # the local header: 30 bytes, then the name and extra field
    name_len = int.from_bytes(data[local + 26 : local + 28], "little")
    extra_len = int.from_bytes(data[local + 28 : local + 30], "little")
    start = local + 30 + name_len + extra_len  # the member's stored bytes
    data[start : start + 8] = b"\xff" * 8  # wreck its .npy header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p, m: None, FileNotFoundError, "no such file"),
        (lambda p, m: p.write_bytes(b""), ValueError, r"is empty \(0 bytes\)"),
        (_truncated, ValueError, "cannot read"),
        (_corrupt, ValueError, "cannot read"),
        (lambda p, m: p.write_bytes(os.urandom(1000)), ValueError, "cannot read|pickled"),
        (lambda p, m: _npz_with_object_array(p), ValueError, "pickled.*refused"),
        (lambda p, m: nn.save(nn.MLP([2, 4, 1]), p), ValueError, "does not fit the module"),
    ],
    ids=["missing", "zero-byte", "truncated", "corrupt", "garbage", "pickle", "mismatched"],
)
def test_nn_load_refuses_bad_files_and_leaves_the_module_unchanged(tmp_path, make, error, message):
    path = tmp_path / "m.npz"
    model = _float32_mlp()
    make(path, copy.deepcopy(model))
    before = _arrays(model)
    with pytest.raises(error, match=message) as info:
        nn.load(model, path)
    assert str(path) in str(info.value)
    assert _untouched(model, before)


# -- 1. nn.save and special files, symlinks ---------------------------------------------------
@pytest.mark.parametrize("kind", ["directory", "fifo", "link-to-directory", "link-to-fifo"])
def test_save_refuses_a_target_that_is_not_a_regular_file(tmp_path, kind):
    thing = tmp_path / "thing"
    if kind.endswith("directory"):
        thing.mkdir()
    else:
        os.mkfifo(thing)
    target = thing
    if kind.startswith("link"):
        target = tmp_path / "link.npz"
        target.symlink_to(thing)
    before = sorted(os.listdir(tmp_path))
    what = "a directory" if kind.endswith("directory") else "a FIFO"
    with pytest.raises(
        NotARegularFileError,
        match=rf"nn.save: '{re.escape(str(target))}' is "
        rf"{what}.*not a regular file",
    ):
        nn.save(_model(), target)
    assert sorted(os.listdir(tmp_path)) == before  # nothing replaced, no temporary left
    assert stat.S_ISFIFO(os.stat(thing).st_mode) or thing.is_dir()
    assert issubclass(NotARegularFileError, ValueError)
    assert issubclass(NotARegularFileError, OSError)


def test_save_through_a_symlink_keeps_the_link_and_writes_the_file_it_points_to(tmp_path):
    run3 = tmp_path / "run3.npz"
    nn.save(_model(0), run3)
    latest = tmp_path / "latest.npz"
    latest.symlink_to("run3.npz")  # relative, as `ln -s run3.npz latest.npz`
    nn.save(_model(1), latest)
    assert latest.is_symlink() and os.readlink(latest) == "run3.npz"
    assert _same_state(nn.load(_model(2), run3), _model(1))
    assert sorted(os.listdir(tmp_path)) == ["latest.npz", "run3.npz"]

    dangling = tmp_path / "next.npz"
    dangling.symlink_to(tmp_path / "run4.npz")
    nn.save(_model(3), dangling)
    assert dangling.is_symlink() and _same_state(
        nn.load(_model(2), tmp_path / "run4.npz"), _model(3)
    )


# -- 2. file modes and owners -----------------------------------------------------------------
def test_save_gives_a_new_file_the_umask_mode_and_keeps_an_overwritten_files_mode(tmp_path):
    reference = tmp_path / "by_numpy.npz"
    np.savez(reference, w=np.zeros(2))  # 0666 masked by the umask
    new = tmp_path / "new.npz"
    nn.save(_model(), new)
    assert stat.S_IMODE(os.stat(new).st_mode) == stat.S_IMODE(os.stat(reference).st_mode)

    for mode in (0o640, 0o604, 0o755):
        os.chmod(new, mode)
        nn.save(_model(1), new)
        assert stat.S_IMODE(os.stat(new).st_mode) == mode


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="only root may give a file to another owner",
)
def test_save_keeps_an_overwritten_files_owner_where_the_process_may_set_it(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(_model(), path)
    os.chown(path, 65534, 65534)
    nn.save(_model(1), path)
    st = os.stat(path)
    assert (st.st_uid, st.st_gid) == (65534, 65534)


# -- 3. temporary files left by a killed save -------------------------------------------------
_KILLED_SAVE = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import nn
    real = np.lib.format.write_array
    def write_then_die(fp, array, *args, **kwargs):
        real(fp, array, *args, **kwargs)
        fp.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    np.lib.format.write_array = write_then_die
    nn.save(nn.MLP([3, 4, 2]), sys.argv[1])
""")


def test_temporary_files_of_killed_saves_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(_model(0), path)
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(path)], check=False)
        assert done.returncode == -signal.SIGKILL
        left = sorted(os.listdir(tmp_path))  # each save removed the one killed before it
        assert len(left) == 2 and re.fullmatch(r"\.m\.npz\.[0-9a-f]{8}\.tmp", left[0])
    assert _same_state(nn.load(_model(1), path), _model(0))  # the old file is whole
    (tmp_path / ".other.npz.0123abcd.tmp").write_bytes(b"not ours to remove")
    nn.save(_model(2), path)
    assert sorted(os.listdir(tmp_path)) == [".other.npz.0123abcd.tmp", "m.npz"]


def test_a_save_in_progress_keeps_its_temporary_file_while_another_save_runs(tmp_path):
    path = tmp_path / "m.npz"
    with atomic_write(path, "test") as f:  # a writer that is still alive holds its lock
        f.write(b"first")
        nn.save(_model(), path)  # must not remove the live temporary
        assert len(os.listdir(tmp_path)) == 2
    assert path.read_bytes() == b"first" and os.listdir(tmp_path) == ["m.npz"]


# -- 4. nn.load checks names and .npy headers before reading data -----------------------------
def _npy_header(shape, descr="<f8"):
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    buf = __import__("io").BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue()


def _archive(path, members):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w") as zf:
            for name, payload in members:
                zf.writestr(name, payload)


def _member(arr):
    buf = __import__("io").BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=False)
    return buf.getvalue()


def _good_members(model):
    return [(k + ".npy", _member(v)) for k, v in model.state_dict().items()]


def _two_gigabytes(model):  # a header declaring 2 GB of float64 with only a few bytes behind it
    return _good_members(model) + [("huge.npy", _npy_header((2**28,)) + b"\0" * 64)]


def _wrong_shape(model):
    members = _good_members(model)
    members[0] = (members[0][0], _npy_header((2**28, 3)) + b"\0" * 64)
    return members


def _declared_size_mismatch(model):
    members = _good_members(model)
    name, payload = members[0]
    members[0] = (name, payload[:-8])  # the header still declares the full shape
    return members


def _complex_member(model):
    members = _good_members(model)
    members[0] = (members[0][0], _npy_header((4, 3), "<c16") + b"\0" * 192)
    return members


def _object_member(model):
    members = _good_members(model)
    members[0] = (members[0][0], _npy_header((4, 3), "|O") + b"\0" * 64)
    return members


def _duplicate(model):
    members = _good_members(model)
    return members + [members[0]]


def _not_npy(model):
    return _good_members(model) + [("notes.txt", b"hello")]


@pytest.mark.parametrize(
    "make, error, message",
    [
        (_two_gigabytes, nn.StateDictError, "unexpected keys: huge"),
        (
            _wrong_shape,
            nn.StateDictError,
            r"0.weight: shape \(268435456, 3\) does not match the "
            r"parameter's shape \(4, 3\)",
        ),
        (
            _declared_size_mismatch,
            ValueError,
            r"declares float64 \(4, 3\) \(96 bytes of data\) but "
            r"holds 88 bytes",
        ),
        (
            _complex_member,
            nn.StateDictError,
            "0.weight: dtype complex128 is not a real number type",
        ),
        (_object_member, ValueError, r"pickled \(object\) data in '0.weight'"),
        (_duplicate, ValueError, "more than one member named '0.weight.npy'"),
        (_not_npy, ValueError, "member 'notes.txt' is not an .npy array"),
    ],
    ids=[
        "2GB-extra-member",
        "wrong-shape",
        "size-mismatch",
        "complex",
        "object",
        "duplicate",
        "not-npy",
    ],
)
def test_nn_load_checks_member_names_shapes_and_dtypes_before_reading_any_data(
    tmp_path, monkeypatch, make, error, message
):
    model = _model()
    before = copy.deepcopy(model)
    path = tmp_path / "crafted.npz"
    _archive(path, make(model))
    reads = []
    real = np.lib.format.read_array
    monkeypatch.setattr(
        np.lib.format, "read_array", lambda *a, **k: reads.append(1) or real(*a, **k)
    )
    with pytest.raises(error, match=message) as info:
        nn.load(model, path)
    assert str(path) in str(info.value)
    assert reads == []  # refused from the headers alone: no array data was read
    assert _same_state(model, before)


def test_nn_load_refuses_duplicate_member_names(tmp_path):
    model = _model()
    members = _good_members(model)
    # The second copy of 0.weight would silently win in np.load; here the file is refused.
    _archive(tmp_path / "dup.npz", members + [(members[0][0], _member(np.full((4, 3), 9.0)))])
    with pytest.raises(ValueError, match="more than one member named '0.weight.npy'; refused"):
        nn.load(model, tmp_path / "dup.npz")


def test_nn_load_non_strict_never_reads_members_the_module_does_not_take(tmp_path, monkeypatch):
    model, other = _model(0), _model(1)
    path = tmp_path / "extra.npz"
    _archive(path, _two_gigabytes(other))
    reads = []
    real = np.lib.format.read_array
    monkeypatch.setattr(
        np.lib.format, "read_array", lambda *a, **k: reads.append(1) or real(*a, **k)
    )
    nn.load(model, path, strict=False)
    assert len(reads) == len(model.state_dict()) and _same_state(model, other)


# -- 5. a checkpoint with NaN weights ---------------------------------------------------------
def test_a_checkpoint_with_nan_weights_loads_with_allow_nonfinite(tmp_path):
    model = _model()
    model[0].weight.data[0, 0] = np.nan
    model[0].bias.data[1] = np.inf
    path = tmp_path / "nan.npz"
    nn.save(model, path)  # saving keeps the checkpoint as it is
    fresh = _model(1)
    before = copy.deepcopy(fresh)
    with pytest.raises(
        nn.StateDictError,
        match=r"0.weight: 1 of 12 values are NaN or inf"
        r"(.|\n)*allow_nonfinite=True",
    ) as info:
        nn.load(fresh, path)
    assert "0.bias: 1 of 4" in str(info.value)
    assert _same_state(fresh, before)
    assert nn.load(fresh, path, allow_nonfinite=True) is fresh
    assert _same_state(fresh, model)
