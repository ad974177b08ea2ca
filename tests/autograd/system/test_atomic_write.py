"""Atomic saves: a crash, an interrupt or a failed rename keeps the old file and leaves no
temporary file.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import nn
from autograd import (
    manual_seed,
)


# -- atomic save ------------------------------------------------------------------------------
def _crash_after_partial_output(monkeypatch, exc):
    """Make the .npy writer write some bytes of the second array, then raise ``exc``."""
    real = np.lib.format.write_array
    calls = []

    def writer(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            fp.write(b"\x93NUMPY partial")
            raise exc
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", writer)


def _saved(tmp_path):
    manual_seed(0)
    model = nn.MLP([2, 3, 1])
    path = tmp_path / "model.npz"
    nn.save(model, path)
    return model, path, path.read_bytes()


def test_crash_mid_write_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    model, path, before = _saved(tmp_path)
    _crash_after_partial_output(monkeypatch, OSError("No space left on device"))
    with pytest.raises(OSError, match="No space left"):
        nn.save(nn.MLP([2, 3, 1]), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]
    monkeypatch.undo()
    loaded = nn.load(nn.MLP([2, 3, 1]), path)
    for a, b in zip(loaded.parameters(), model.parameters(), strict=True):
        assert np.array_equal(a.data, b.data)


def test_interrupt_mid_write_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    _, path, before = _saved(tmp_path)
    _crash_after_partial_output(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        nn.save(nn.MLP([2, 3, 1]), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def test_failed_rename_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    _, path, before = _saved(tmp_path)

    def no_rename(src, dst):
        raise PermissionError("rename refused")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(PermissionError):
        nn.save(nn.MLP([2, 3, 1]), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]
