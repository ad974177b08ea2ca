"""Hardening 2 (issue 15): files, optimizer state and steps, constructor arguments, drawing.

Each test is named after the promise it holds; the README's "Errors and
guarantees" table points here.
"""

from __future__ import annotations

import copy
import math
import os
import re
import shutil
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
from autograd import Tensor, Value, draw, manual_seed, render_graph
from autograd.system.atomic_write import NotARegularFileError, atomic_write
from nn import data as nn_data
from nn import optim

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


def _model(seed=0):
    manual_seed(seed)
    return nn.MLP([3, 4, 2])


def _same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return list(sa) == list(sb) and all(np.array_equal(sa[k], sb[k], equal_nan=True) for k in sa)


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
    with pytest.raises(NotARegularFileError, match=rf"nn.save: '{re.escape(str(target))}' is "
                                                   rf"{what}.*not a regular file"):
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
    assert dangling.is_symlink() and _same_state(nn.load(_model(2), tmp_path / "run4.npz"),
                                                 _model(3))


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


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root may give a file to another owner")
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


@pytest.mark.parametrize("make, error, message", [
    (_two_gigabytes, nn.StateDictError, "unexpected keys: huge"),
    (_wrong_shape, nn.StateDictError, r"0.weight: shape \(268435456, 3\) does not match the "
                                      r"parameter's shape \(4, 3\)"),
    (_declared_size_mismatch, ValueError, r"declares float64 \(4, 3\) \(96 bytes of data\) but "
                                          r"holds 88 bytes"),
    (_complex_member, nn.StateDictError, "0.weight: dtype complex128 is not a real number type"),
    (_object_member, ValueError, r"pickled \(object\) data in '0.weight'"),
    (_duplicate, ValueError, "more than one member named '0.weight.npy'"),
    (_not_npy, ValueError, "member 'notes.txt' is not an .npy array"),
], ids=["2GB-extra-member", "wrong-shape", "size-mismatch", "complex", "object", "duplicate",
        "not-npy"])
def test_nn_load_checks_member_names_shapes_and_dtypes_before_reading_any_data(
        tmp_path, monkeypatch, make, error, message):
    model = _model()
    before = copy.deepcopy(model)
    path = tmp_path / "crafted.npz"
    _archive(path, make(model))
    reads = []
    real = np.lib.format.read_array
    monkeypatch.setattr(np.lib.format, "read_array",
                        lambda *a, **k: reads.append(1) or real(*a, **k))
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
    monkeypatch.setattr(np.lib.format, "read_array",
                        lambda *a, **k: reads.append(1) or real(*a, **k))
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
    with pytest.raises(nn.StateDictError, match=r"0.weight: 1 of 12 values are NaN or inf"
                                                r"(.|\n)*allow_nonfinite=True") as info:
        nn.load(fresh, path)
    assert "0.bias: 1 of 4" in str(info.value)
    assert _same_state(fresh, before)
    assert nn.load(fresh, path, allow_nonfinite=True) is fresh
    assert _same_state(fresh, model)


# -- 13. optimizer state on load, and an atomic step() ----------------------------------------
def _trained(opt_class, **kw):
    manual_seed(0)
    model = nn.Linear(3, 2)
    opt = opt_class(model.parameters(), lr=0.1, **kw)
    for _ in range(2):
        opt.zero_grad()
        (model(Tensor(np.ones((4, 3)))) ** 2).sum().backward()
        opt.step()
    return model, opt


def _with(sd, key, value, index=0):
    sd = copy.deepcopy(sd)
    sd["state"][index][key] = value
    return sd


@pytest.mark.parametrize("opt_class, kw, key, value, message", [
    (optim.Adam, {}, "exp_avg", np.full((2, 3), np.nan), "exp_avg has 6 NaN or inf values"),
    (optim.Adam, {}, "exp_avg_sq", -np.ones((2, 3)), "exp_avg_sq .* 6 negative values"),
    (optim.Adam, {}, "exp_avg", np.full((2, 3), 1e300), "exp_avg has 6 .*beyond float32's range"),
    (optim.Adam, {}, "step", "3", r"step must be an integer in \[0, 2\*\*63 - 1\], got '3'"),
    (optim.Adam, {}, "step", 10**400, r"step must be an integer .*got 1000000000.*characters"),
    (optim.Adam, {}, "step", -1, "step must be an integer .*got -1"),
    (optim.Adam, {}, "step", 1.5, "step must be an integer .*got 1.5"),
    (optim.Adam, {}, "step", float("nan"), "step must be an integer .*got nan"),
    (optim.Adam, {}, "step", True, "step must be an integer .*got True"),
    (optim.AdamW, {}, "exp_avg_sq", np.full((2, 3), np.inf), "exp_avg_sq has 6 NaN or inf"),
    (optim.SGD, {"momentum": 0.9}, "momentum_buffer", np.full((2, 3), np.nan),
     "momentum_buffer has 6 NaN or inf"),
    (optim.SGD, {"momentum": 0.9}, "momentum_buffer", "x",
     r"momentum_buffer must be a float array of shape \(2, 3\), got <U1 \(\)"),
])
def test_optimizer_load_state_dict_refuses_bad_state_and_leaves_the_optimizer_unchanged(
        opt_class, kw, key, value, message):
    model, opt = _trained(opt_class, **kw)
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    for entry in opt.state.values():
        for k, v in entry.items():
            if isinstance(v, np.ndarray):
                entry[k] = v.astype(np.float32)
    good = opt.state_dict()
    with pytest.raises(ValueError, match=rf"{opt_class.__name__}.load_state_dict: state of "
                                         rf"parameter 0 \(shape \(2, 3\)\): {message}"):
        opt.load_state_dict(_with(good, key, value))
    after = opt.state_dict()
    assert after["param_groups"] == good["param_groups"]
    for n, entry in good["state"].items():
        for k, v in entry.items():
            assert np.array_equal(after["state"][n][k], v)


def test_optimizer_load_state_dict_checks_value_parameters_too():
    w = Value(1.0)
    w.grad = 0.5
    opt = optim.Adam([w], lr=0.1)
    opt.step()
    good = opt.state_dict()
    for key, value, message in [("exp_avg_sq", -1.0, "must be >= 0"),
                                ("exp_avg", float("nan"), "must be finite"),
                                ("exp_avg", "0.1", "must be a real number")]:
        with pytest.raises((ValueError, TypeError), match=rf"parameter 0 \(a Value\).*{message}"):
            opt.load_state_dict(_with(good, key, value))
    assert opt.state_dict() == good


def _two_params():
    a = nn.Parameter(np.ones(3))
    b = nn.Parameter(np.ones((2, 2)))
    a.grad = np.full(3, 0.5)
    b.grad = np.full((2, 2), 0.5)
    return a, b


@pytest.mark.parametrize("spoil, error, message", [
    (lambda b: setattr(b, "grad", np.ones(4)), ValueError,
     r"parameter 1 \(shape \(2, 2\)\) has a gradient of shape \(4,\), expected the parameter's "
     r"shape \(2, 2\)"),
    (lambda b: setattr(b, "grad", np.ones((1, 2))), ValueError, r"gradient of shape \(1, 2\)"),
    (lambda b: b.data.setflags(write=False), ValueError, "parameter 1 .* has read-only data"),
    (lambda b: setattr(b, "grad", np.ones((2, 2), complex)), TypeError,
     "an array of dtype complex128"),
    (lambda b: setattr(b, "grad", "0.5"), TypeError, "gradient that is str"),
    (lambda b: setattr(b, "data", np.ones((2, 2), np.int64)), TypeError, "holds int64 data"),
])
@pytest.mark.parametrize("opt_class, kw", [
    (optim.SGD, {"momentum": 0.9}), (optim.Adam, {}), (optim.AdamW, {}),
])
def test_optimizer_step_checks_every_parameter_before_moving_any(opt_class, kw, spoil, error,
                                                                   message):
    a, b = _two_params()
    opt = opt_class([a, b], lr=0.1, **kw)
    opt.step()  # a first good step, so there is state to keep
    a.grad, b.grad = np.full(3, 0.5), np.full((2, 2), 0.5)
    spoil(b)
    a_before, state_before = a.data.copy(), copy.deepcopy(opt.state_dict())
    with pytest.raises(error, match=rf"{opt_class.__name__}.step: .*{message}"):
        opt.step()
    assert np.array_equal(a.data, a_before)  # the first parameter did not move
    after = opt.state_dict()
    for n, entry in state_before["state"].items():
        for k, v in entry.items():
            assert np.array_equal(after["state"][n][k], v)  # step counts did not advance


@pytest.mark.parametrize("opt_class", [optim.SGD, optim.Adam])
def test_optimizer_step_refuses_an_array_gradient_on_a_value_naming_it(opt_class):
    a, b = Value(1.0), Value(2.0)
    a.grad, b.grad = 0.5, np.array(1.0)
    opt = opt_class([a, b], lr=0.1)
    with pytest.raises(TypeError, match=rf"{opt_class.__name__}.step: parameter 1 \(a Value\) "
                                        r"has a gradient of type ndarray"):
        opt.step()
    assert a.data == 1.0  # nothing moved


def test_optimizer_step_names_a_state_buffer_whose_parameter_changed_shape():
    a, b = _two_params()
    opt = optim.Adam([a, b], lr=0.1)
    opt.step()
    b.data, b.grad = np.ones(5), np.ones(5)
    with pytest.raises(ValueError, match=r"parameter 1 \(shape \(5,\)\): its exp_avg has shape "
                                         r"\(2, 2\)"):
        opt.step()


# -- 16. constructor and function arguments in nn ---------------------------------------------
@pytest.mark.parametrize("make, error, message", [
    (lambda: nn.Flatten(start_dim=1.5), TypeError,
     "Flatten: start_dim must be an integer, got float 1.5"),
    (lambda: nn.Flatten(end_dim=True), TypeError, "Flatten: end_dim must be an integer"),
    (lambda: nn.Flatten(start_dim="1"), TypeError, "Flatten: start_dim must be an integer"),
    (lambda: nn.LeakyReLU("0.1"), TypeError,
     "LeakyReLU: negative_slope must be a finite real number, got str '0.1'"),
    (lambda: nn.LeakyReLU(float("nan")), ValueError, "LeakyReLU: negative_slope .* got nan"),
    (lambda: nn.ELU(float("inf")), ValueError, "ELU: alpha must be a finite real number"),
    (lambda: nn.CELU("1"), TypeError, "CELU: alpha must be a finite real number"),
    (lambda: nn.Softmax(dim=0.5), TypeError, "Softmax: dim must be an integer"),
    (lambda: nn.LogSoftmax(dim="1"), TypeError, "LogSoftmax: dim must be an integer"),
])
def test_nn_layer_arguments_of_the_wrong_type_or_not_finite_are_refused_naming_them(
        make, error, message):
    with pytest.raises(error, match=message):
        make()
    assert nn.LeakyReLU(np.float32(0.2)).negative_slope == pytest.approx(0.2)
    assert nn.Flatten(np.int64(0)).start_dim == 0


@pytest.mark.parametrize("call, error, message", [
    (lambda t: nn.init.normal_(t, std=math.inf), ValueError,
     "normal_: std must be a finite real number, got inf"),
    (lambda t: nn.init.normal_(t, mean=math.nan), ValueError, "normal_: mean must be a finite"),
    (lambda t: nn.init.normal_(t, std="1"), TypeError, "normal_: std must be a finite real"),
    (lambda t: nn.init.uniform_(t, a=-math.inf), ValueError, "uniform_: a must be a finite"),
    (lambda t: nn.init.uniform_(t, -1e308, 1e308), ValueError, "uniform_: b - a must be finite"),
    (lambda t: nn.init.constant_(t, math.nan), ValueError, "constant_: val must be a finite"),
    (lambda t: nn.init.xavier_uniform_(t, gain=math.inf), ValueError,
     "xavier_uniform_: gain must be a finite"),
    (lambda t: nn.init.xavier_normal_(t, gain=None), TypeError, "xavier_normal_: gain must be"),
    (lambda t: nn.init.kaiming_uniform_(t, a="0"), TypeError, "kaiming_uniform_: a must be"),
    (lambda t: nn.init.kaiming_normal_(t, a=math.nan), ValueError, "kaiming_normal_: a must be"),
    (lambda t: nn.init.normal_(t, generator=0), TypeError,
     "normal_: generator must be a numpy.random.Generator or None, got int"),
])
def test_nn_init_refuses_non_finite_and_non_numeric_arguments_naming_them(call, error, message):
    t = nn.Parameter(np.ones((3, 4)))
    with pytest.raises(error, match=message):
        call(t)
    assert np.array_equal(t.data, np.ones((3, 4)))


@pytest.mark.parametrize("maker", [nn_data.make_moons, nn_data.make_blobs, nn_data.make_spirals,
                                   nn_data.make_linearly_separable, nn_data.make_xor])
@pytest.mark.parametrize("seed, error, message", [
    (-1, ValueError, "seed must be None or an integer >= 0, got -1"),
    (1.5, TypeError, "seed must be None or an integer >= 0, got float 1.5"),
    ("0", TypeError, "seed must be None or an integer >= 0, got str '0'"),
    (True, TypeError, "seed must be None or an integer >= 0, got bool True"),
])
def test_nn_data_makers_refuse_bad_seeds_naming_the_function(maker, seed, error, message):
    with pytest.raises(error, match=rf"{maker.__name__}: {message}"):
        maker(10, seed=seed)
    X, _ = maker(10, seed=np.int64(3))
    assert np.array_equal(X, maker(10, seed=3)[0])


def test_nn_data_batches_refuses_a_bad_seed_when_called():
    with pytest.raises(ValueError, match="batches: seed must be None or an integer >= 0, got -1"):
        nn_data.batches(np.zeros((4, 2)), np.zeros(4), 2, seed=-1)  # before iterating


# -- 17. the drawing command's output errors, and atomic pictures -----------------------------
@needs_dot
@pytest.mark.parametrize("output, message", [
    ("DIR", "is a directory, not a regular file"),
    ("", "the output path is empty"),
    ("FIFO", r"is a FIFO \(named pipe\), not a regular file"),
    ("FILE/g.svg", "Not a directory|File exists"),
])
def test_draw_cli_output_errors_exit_2_with_a_message(tmp_path, monkeypatch, capsys, output,
                                                       message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "DIR").mkdir()
    os.mkfifo(tmp_path / "FIFO")
    reader = os.open(tmp_path / "FIFO", os.O_RDONLY | os.O_NONBLOCK)  # a writer never blocks
    (tmp_path / "FILE").write_text("x")
    before = sorted(os.listdir(tmp_path))
    try:
        assert draw.main(["x*2", "x=1", "-o", output]) == 2
    finally:
        os.close(reader)
    err = capsys.readouterr().err
    assert re.search(rf"autograd-draw: error: .*({message})", err), err
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before


@needs_dot
def test_a_failed_picture_write_keeps_the_old_picture_whole(tmp_path, monkeypatch, capsys):
    path = tmp_path / "g.svg"
    assert draw.main(["x*2", "x=1", "-o", str(path)]) == 0
    old = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert draw.main(["tanh(x*3)", "x=1", "-o", str(path)]) == 2
    assert "autograd-draw: error: cannot write" in capsys.readouterr().err
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["g.svg"]
    with pytest.raises(OSError, match="No space left"):
        render_graph(Value(1.0).exp(), path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["g.svg"]


# -- 18. only formats that write one file -----------------------------------------------------
@needs_dot
@pytest.mark.parametrize("fmt", ["vrml", "x11", "xlib", "gtk"])
def test_render_graph_and_the_cli_accept_only_single_file_formats(tmp_path, monkeypatch, capsys,
                                                                   fmt):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=f"render_graph: format '{fmt}' does not write a single "
                                         "file"):
        render_graph(Value(1.0, label="a") * 2, tmp_path / "g.out", format=fmt)
    assert draw.main(["x*2", "x=1", "--format", fmt]) == 2
    assert draw.main(["x*2", "x=1", "-o", f"g.{fmt}"]) == 2
    assert f"format '{fmt}' does not write a single file" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []  # no node1.png ... in the current folder


# -- 19. labels dot cannot read ---------------------------------------------------------------
@needs_dot
@pytest.mark.parametrize("label, shown", [
    ("a\x00b", r"a\x00b"),
    ("x\udc80y", r"x\udc80y"),
    ("bell\x07", r"bell\x07"),
    ("end\\", "end\\"),
    ("<b>", "&lt;b&gt;"),
    ("z" * 20_000, "... (20,000 characters)"),
])
def test_labels_with_nul_surrogates_huge_length_or_a_trailing_backslash_render_escaped(
        tmp_path, label, shown):
    x = Value(2.0, label=label)
    y = (x * 3).tanh()
    y.backward()
    with open(render_graph(y, tmp_path / "g.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert shown in svg
    assert len(svg) < 10_000


@needs_dot
def test_a_module_name_ending_in_a_backslash_renders(tmp_path):
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter([2.0])

        def forward(self, x):
            return x * self.w

    root = nn.Module()
    setattr(root, "odd\\", Scale())
    setattr(root, "long" + "n" * 20_000, Scale())
    out = (getattr(root, "odd\\")(Tensor([1.0])) +
           getattr(root, "long" + "n" * 20_000)(Tensor([1.0]))).sum()
    out.backward()
    with open(render_graph(out, tmp_path / "m.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert "odd\\" in svg and "(20,004 characters)" in svg
