"""Read by mypy, never called: the elementwise methods and functions are typed.

``tests/autograd/core/test_typing.py`` runs mypy on this file. A line ending in
``# error: <code>`` must be reported with that error code, and no other line may be:
a method gives its own class (not ``Any``), a function follows its input, and a typo
is an error, as it is for a method written by hand.
"""

from __future__ import annotations

import autograd
from autograd import Tensor, Value


def value_methods_give_a_value(x: Value) -> float:
    return x.tanh().leaky_relu(0.1).softplus(beta=2.0).exp().data


def tensor_methods_give_a_tensor(t: Tensor) -> Tensor:
    return t.softplus(beta=2.0).gelu(approximate="tanh").relu().sigmoid()


def functions_follow_their_input(x: Value, t: Tensor) -> tuple[Value, Tensor, Tensor]:
    return autograd.exp(x), autograd.softplus(t, beta=2.0), autograd.tanh([0.0, 1.0])


def typos_and_misuse_are_reported(x: Value, t: Tensor) -> None:
    x.tahn()  # error: attr-defined
    t.tahn()  # error: attr-defined
    autograd.tahn(x)  # error: attr-defined
    x.tanh(0.5)  # error: call-arg
    x.tanh().tahn()  # error: attr-defined
    t.softplus(beta=2.0).tahn()  # error: attr-defined
    autograd.relu(x).sum()  # error: attr-defined
    autograd.relu(t).sum()
