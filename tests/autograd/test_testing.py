"""autograd.testing: the strategies keep their promises, and they test the engine for real."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor, Value, gradcheck
from autograd.testing import (
    _OPS,
    SCALAR_OPS,
    ScalarProgram,
    Step,
    arrays,
    broadcastable_arrays,
    broadcastable_shapes,
    scalar_programs,
)

REPO = Path(__file__).resolve().parents[2]


def inputs_for(program: ScalarProgram) -> st.SearchStrategy[list[float]]:
    return st.lists(st.floats(-2, 2), min_size=program.n_inputs, max_size=program.n_inputs)


# -- arrays and shapes ---------------------------------------------------------------------


@given(arrays((3, 4), dtype=np.float32, min_value=-1, max_value=1))
def test_arrays_are_finite_with_the_requested_shape_dtype_and_bounds(a):
    assert a.shape == (3, 4)
    assert a.dtype == np.float32
    assert np.isfinite(a).all()
    assert (a >= -1).all() and (a <= 1).all()


@given(arrays(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_arrays_take_a_strategy_of_shapes(a):
    assert a.ndim <= 3 and all(1 <= s <= 4 for s in a.shape)
    assert a.dtype == np.float64 and np.isfinite(a).all()
    assert (np.abs(a) <= 10).all()


@given(arrays(5, dtype=np.float32, min_value=0.1, max_value=0.2))
def test_arrays_bounds_need_not_be_representable_in_the_dtype(a):
    assert a.shape == (5,)
    assert (a >= 0.1).all() and (a <= 0.2).all()


def test_arrays_reject_non_float_dtypes_and_empty_ranges():
    with pytest.raises(ValueError, match="floating"):
        arrays((2,), dtype=np.int64)
    with pytest.raises(ValueError, match="greater than"):
        arrays((2,), min_value=1, max_value=0)


@given(broadcastable_shapes(num_shapes=3, max_dims=4))
def test_broadcastable_shapes_broadcast_together(shapes):
    assert len(shapes) == 3
    np.broadcast_shapes(*shapes)


def test_broadcastable_shapes_include_pairs_that_differ():
    a, b = find(broadcastable_shapes(), lambda s: s[0] != s[1])
    assert a != b
    np.broadcast_shapes(a, b)


@given(broadcastable_arrays(max_dims=3, min_value=-3, max_value=3))
def test_tensor_gradients_of_broadcast_operands_have_the_operands_shapes(pair):
    a, b = (Tensor(x, requires_grad=True) for x in pair)
    (a * b + a).sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    assert gradcheck(lambda x, y: x * y + x, [a, b])


# -- scalar programs -------------------------------------------------------------------------


@given(st.data())
def test_fuzz_value_gradients_match_finite_differences_on_random_programs(data):
    program = data.draw(scalar_programs(n_inputs=st.integers(1, 4), max_ops=10), "program")
    xs = data.draw(inputs_for(program), "inputs")
    assert gradcheck(program, [Value(x, label=f"x{i}") for i, x in enumerate(xs)])


@given(st.data())
def test_value_forward_matches_the_math_module_on_random_programs(data):
    program = data.draw(scalar_programs(n_inputs=st.integers(1, 3), max_ops=10), "program")
    xs = data.draw(inputs_for(program), "inputs")
    out = program(*(Value(x) for x in xs))
    assert math.isclose(out.data, program.reference(*xs), rel_tol=1e-12, abs_tol=1e-12)


@given(st.data())
def test_fuzz_tensor_engine_agrees_with_value_engine_on_random_programs(data):
    program = data.draw(scalar_programs(n_inputs=st.integers(1, 3), max_ops=8), "program")
    columns = data.draw(arrays((program.n_inputs, 3), min_value=-2, max_value=2), "inputs")
    tensors = [Tensor(c, requires_grad=True) for c in columns]
    out = program(*tensors)
    out.sum().backward()
    for k in range(3):
        values = [Value(float(c[k])) for c in columns]
        scalar = program(*values)
        scalar.backward()
        assert out.data[k] == pytest.approx(scalar.data, rel=1e-12, abs=1e-12)
        for t, v in zip(tensors, values, strict=True):
            g = 0.0 if t.grad is None else t.grad[k]
            assert g == pytest.approx(v.grad, rel=1e-9, abs=1e-12)


@given(st.data())
def test_programs_never_hit_invalid_math_and_stay_bounded(data):
    program = data.draw(scalar_programs(n_inputs=2, max_ops=12, max_magnitude=10.0), "program")
    xs = data.draw(
        st.lists(st.sampled_from([-2.0, -1e-9, 0.0, 1e-9, 2.0]), min_size=2, max_size=2), "inputs"
    )
    values = [Value(x) for x in xs]
    out = program(*values)
    out.backward()
    assert abs(out.data) <= 10.0 * len(program.outputs)
    assert all(math.isfinite(v.grad) for v in values)


def test_programs_reuse_earlier_nodes():
    def shares(program: ScalarProgram) -> bool:
        reads = [a for step in program.steps for a in step.args if a >= program.n_inputs]
        return len(reads) != len(set(reads))

    program = find(scalar_programs(max_ops=6), shares)
    assert shares(program)


@pytest.mark.parametrize("op", SCALAR_OPS)
def test_every_op_is_differentiable_and_matches_its_math_reference(op):
    arity = _OPS[op].arity
    program = ScalarProgram(2, (Step(op, (0, 1)[:arity], 1.5),))
    for xs in [(-1.7, 0.4), (0.0, -2.0), (1.3, 1.9)]:
        values = [Value(x) for x in xs]
        assert program(*values).data == pytest.approx(program.reference(*xs), rel=1e-12)
        assert gradcheck(program, values)


def test_program_repr_reads_as_numbered_steps():
    program = ScalarProgram(
        2, (Step("*", (0, 1)), Step("log", (2,)), Step("shift", (1,), -0.5), Step("+", (3, 4)))
    )
    assert repr(program) == (
        "ScalarProgram(n_inputs=2):\n"
        "  v0 = x0 * x1\n"
        "  v1 = log(1 + v0*v0)\n"
        "  v2 = x1 + -0.5\n"
        "  v3 = v1 + v2\n"
        "  out = v3"
    )


def test_program_output_sums_every_unread_step():
    program = ScalarProgram(1, (Step("tanh", (0,)), Step("sin", (0,))))
    assert program.outputs == (1, 2)
    assert program.reference(0.3) == pytest.approx(math.tanh(0.3) + math.sin(0.3))


def test_program_checks_the_number_of_inputs():
    program = ScalarProgram(2, (Step("+", (0, 1)),))
    with pytest.raises(TypeError, match="expected 2 inputs, got 1"):
        program(Value(1.0))


def test_program_checks_its_steps():
    with pytest.raises(ValueError, match="unknown op"):
        ScalarProgram(1, (Step("nope", (0,)),))
    with pytest.raises(ValueError, match="slots 0..1"):
        ScalarProgram(2, (Step("+", (0, 2)),))  # slot 2 is this step's own output
    with pytest.raises(ValueError, match="needs 1 argument"):
        ScalarProgram(1, (Step("tanh", (0, 0)),))


def test_scalar_programs_validates_its_arguments():
    with pytest.raises(ValueError, match="unknown ops"):
        scalar_programs(ops=["nope"])
    with pytest.raises(ValueError, match="min_ops"):
        scalar_programs(min_ops=3, max_ops=2)
    with pytest.raises(ValueError, match="input_bound"):
        scalar_programs(input_bound=20.0, max_magnitude=10.0)


def test_importing_autograd_does_not_import_hypothesis():
    code = "import sys, autograd; print('hypothesis' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == "False"
