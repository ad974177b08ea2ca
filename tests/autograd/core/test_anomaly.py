"""Anomaly mode: it names the op, the module and file:line, and is off (and free) by default."""

from __future__ import annotations

import os
import re
import sys
import threading

import numpy as np
import pytest

import autograd.core.graph as graph
import nn
from autograd import (
    Tensor,
    Value,
    detect_anomaly,
    manual_seed,
)
from autograd.core.graph import topological_order
from nn import functional as F

HERE = os.path.abspath(__file__)


def _line() -> int:
    """The caller's line number."""
    return sys._getframe(1).f_lineno


# -- anomaly mode ----------------------------------------------------------------------------
def test_anomaly_mode_is_off_by_default_and_nodes_record_no_creation_site():
    assert graph.thread_state().anomaly is False
    x = Tensor([1.0, 2.0], requires_grad=True)
    v = Value(3.0)
    nodes = topological_order((x.exp() * x).sum()) + topological_order((v * v).tanh())
    assert all(n._origin is None for n in nodes)


def test_detect_anomaly_records_the_creation_site_only_inside_the_context():
    x = Tensor([1.0], requires_grad=True)
    with detect_anomaly():
        line = _line() + 1
        inside = x.exp()
        v_inside = Value(1.0).tanh()
    outside = x.exp()
    assert inside._origin == f"{HERE}:{line}"
    assert v_inside._origin == f"{HERE}:{line + 1}"
    assert outside._origin is None
    assert graph.thread_state().anomaly is False


def test_detect_anomaly_stops_at_the_first_bad_gradient_in_a_tensor_graph():
    x = Tensor([1.0, 0.0], requires_grad=True)
    w = Tensor([2.0, 3.0], requires_grad=True)
    with detect_anomaly():
        line = _line() + 1
        r = x.sqrt()  # d sqrt / dx = inf at 0
        out = (r * w).sum()
        with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as info:
            out.backward()
    msg = str(info.value)
    assert "backward of 'sqrt'" in msg and "non-finite" in msg
    assert f"{HERE}:{line}" in msg


def test_detect_anomaly_names_the_op_in_a_value_graph():
    a = Value(1.0)
    with detect_anomaly():
        line = _line() + 1
        b = (a - 1.0).sqrt()
        out = b * 2.0
        with pytest.raises(FloatingPointError, match=re.escape(f"{HERE}:{line}")) as info:
            out.backward()
    assert "'sqrt'" in str(info.value)


def test_detect_anomaly_through_nn_layers_names_the_module():
    manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = Tensor([[np.inf, 1.0]])  # a bad input row: tanh saturates, the weight gradient is nan
    with detect_anomaly():
        loss = F.mse_loss(model(x), [[0.0]])
        with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as info:
            loss.backward()
    msg = str(info.value)
    assert "'linear' in module '0'" in msg
    assert os.path.join("nn", "linear.py") in msg  # the layer's own line made the op


def test_detect_anomaly_on_a_graph_built_outside_says_so():
    x = Tensor([0.0], requires_grad=True)
    y = (x.sqrt() * 1.0).sum()
    with (
        detect_anomaly(),
        np.errstate(all="ignore"),
        pytest.raises(FloatingPointError, match="created outside detect_anomaly"),
    ):
        y.backward()


def test_detect_anomaly_is_per_thread():
    seen = []
    with detect_anomaly():
        t = threading.Thread(
            target=lambda: seen.append(Tensor([1.0], requires_grad=True).exp()._origin)
        )
        t.start()
        t.join()
    assert seen == [None]
