"""grad's argnums and the inputs it accepts."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import (
    Tensor,
    grad,
    value_and_grad,
)


# -- 11. grad's argnums and inputs -------------------------------------------------------------
def test_grad_with_repeated_argnums_gives_the_full_gradient_in_each_entry():
    def f(x, y):
        return (x**2 * y).sum()

    x = np.array([1.0, -2.0])
    g = grad(f, argnums=(0, 0))(x, 3.0)
    assert len(g) == 2
    for gi in g:
        np.testing.assert_array_equal(gi, 6.0 * x)
    value, (gx, gy, gx2) = value_and_grad(f, argnums=(0, 1, -2))(x, 3.0)
    assert value == 15.0 and gy == 5.0
    np.testing.assert_array_equal(gx, gx2)


@pytest.mark.parametrize("bad", [None, 1j, np.array([1.0 + 2j]), "1.0", [None]])
def test_grad_and_value_and_grad_refuse_what_tensor_refuses(bad):
    with pytest.raises(TypeError):
        Tensor(bad)
    for make in (grad, value_and_grad):
        with pytest.raises(TypeError, match=r"grad: argument 0: .*(numeric|convert)"):
            make(lambda x: x.sum())(bad)
