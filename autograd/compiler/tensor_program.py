"""A traced Tensor graph as a straight list of array forwards and gradient rules.

Each step computes an op's output array from its inputs' arrays (the registry's array
forward, or the numpy call the Tensor method makes) and, backward, calls the op's own
rule (``Op.rule``): no nodes are built on replay. Every op the function made is a
step, including ops on arguments that do not require grad (they are not in the
autograd graph, but their numbers change from call to call).

Two kinds of op keep state their rule needs and that depends on the numbers (a
loss's target, a ``Function``'s ``ctx``): their forward returns the output and that
fresh state on every replay. nn's losses are replayed by calling the loss function
again on the new arrays of all its Tensor arguments, the target included (the trace
recorded the call: ``Trace.replay_call``); a ``Function`` by calling its ``forward``
with a new ``ctx``. Any other op with no forward here is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.compiler.tensor_codegen import TensorCode
from autograd.compiler.trace import CompileError
from autograd.core import tensor_rules as vjp
from autograd.core.function import FunctionCtx, _forward_result, _function_rule
from autograd.core.graph import PER_THREAD, WRITE_LOCK, enable_grad
from autograd.core.registry import REGISTRY
from autograd.core.tensor import (
    _LINEAR,
    OPS,
    Tensor,
    _constant,
    _fitted,
    linear_array,
    matmul_array,
)

Forward = Callable[[list[np.ndarray], Any, tuple[int, ...]], np.ndarray]


def _elementwise(name: str) -> Forward:
    f = REGISTRY[name].array
    if REGISTRY[name].arity == 1:
        return lambda xs, saved, shape: f(xs[0], *saved)
    return lambda xs, saved, shape: f(xs[0], xs[1])


def _linear(xs: list[np.ndarray], saved: Any, shape: tuple[int, ...]) -> np.ndarray:
    return linear_array(*xs)


def _method(name: str) -> Forward:
    """Replay through the Tensor method itself, on a constant (no second copy of it)."""
    method = getattr(Tensor, name)
    return lambda xs, saved, shape: method(_constant(xs[0]), saved).data


FORWARDS: dict[str, Forward] = {name: _elementwise(name) for name in REGISTRY}
FORWARDS.update(
    {
        "sum": lambda xs, saved, shape: xs[0].sum(axis=saved[0], keepdims=saved[1]),
        "mean": lambda xs, saved, shape: xs[0].mean(axis=saved[0], keepdims=saved[1]),
        "max": lambda xs, saved, shape: np.max(xs[0], axis=saved[0], keepdims=saved[1]),
        "min": lambda xs, saved, shape: np.min(xs[0], axis=saved[0], keepdims=saved[1]),
        "reshape": lambda xs, saved, shape: xs[0].reshape(shape),
        "transpose": lambda xs, saved, shape: xs[0].transpose(saved),
        "getitem": lambda xs, saved, shape: xs[0][saved[0]],
        "broadcast_to": lambda xs, saved, shape: np.broadcast_to(xs[0], shape),
        "scatter": lambda xs, saved, shape: vjp.scatter_array(xs[0], saved[0], saved[1], shape),
        "matmul": lambda xs, saved, shape: matmul_array(xs[0], xs[1]),
        "linear": _linear,
        "concatenate": lambda xs, saved, shape: np.concatenate(xs, axis=saved),
        "stack": lambda xs, saved, shape: np.stack(xs, axis=saved),
        "where": lambda xs, saved, shape: np.where(saved, xs[0], xs[1]),
        "softmax": _method("softmax"),
        "log_softmax": _method("log_softmax"),
    }
)


# -- ops with fresh saved state: forward(xs, saved, shape) -> (output, the rule's saved) ----
def _leaf(data: np.ndarray, requires_grad: bool) -> Tensor:
    leaf = _constant(data)
    leaf.requires_grad = requires_grad
    return leaf


def _call_forward(fn: Any, args: tuple[Any, ...]) -> tuple[Forward, list[Tensor]]:
    """Replay ``fn(*args)`` (a loss of nn) on new arrays for its Tensor arguments; the
    forward, and the Tensors whose arrays it takes (in argument order)."""
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    tensors = [args[i] for i in positions]
    requires = [bool(t.requires_grad) for t in tensors]
    template = [None if isinstance(a, Tensor) else a for a in args]  # (keeps no traced node)

    def forward(xs: list[np.ndarray], saved: Any, shape: tuple[int, ...]) -> Any:
        call = template.copy()
        for i, x, need in zip(positions, xs, requires, strict=True):
            call[i] = _leaf(x, need)
        if not PER_THREAD.state.grad_enabled:  # called under no_grad(): still keep the state
            with enable_grad():
                node = fn(*call)
        else:
            node = fn(*call)
        return node.data, node._saved

    return forward, tensors


def _function_forward(xs: list[np.ndarray], saved: Any, shape: tuple[int, ...]) -> Any:
    """A ``Function``: its ``forward`` on the new arrays with a new ``ctx``, as ``apply`` does."""
    cls, ctx, positions, n_inputs, raw, _ = saved
    raw = list(raw)
    for i, x in zip(positions, xs, strict=True):
        raw[i] = x
    fresh = FunctionCtx(ctx.needs_input_grad)
    result = cls.forward(fresh, *raw)
    out = _forward_result(cls, result)
    # As ``Function.apply`` keeps it: what forward returned, so a saved result is known.
    returned = (id(result), id(out), id(result.data) if isinstance(result, Tensor) else 0)
    return out, (cls, fresh, positions, n_inputs, raw, returned)


def _is_mse(fn: Any, args: tuple[Any, ...]) -> bool:
    """nn's ``mse_loss(input, target)`` with its defaults, a target that needs no grad and
    of the input's shape and dtype (float32 or float64): the call ``TensorCode`` inlines."""
    if getattr(fn, "__name__", None) != "mse_loss" or getattr(fn, "__module__", None) != (
        "nn.functional.losses"
    ):
        return False
    if (
        len(args) != 4
        or args[2] is not None
        or not (isinstance(args[3], str) and args[3] == "mean")
    ):
        return False
    x, t = args[0], args[1]
    if not (isinstance(x, Tensor) and isinstance(t, Tensor)) or t.requires_grad:
        return False
    xd, td = x.data, t.data
    return (
        xd.dtype in (np.float32, np.float64)
        and td.dtype is xd.dtype
        and td.shape == xd.shape
        and xd.size > 0
    )


def _kind(op: Any, parents: tuple[Tensor, ...], saved: Any, fresh: bool, mse: bool) -> str | None:
    """Which of ``TensorCode``'s inline forms replays this op (None: call its forward
    and rule)."""
    if mse:
        return "mse"
    if fresh:
        return None
    if op is _LINEAR:
        arrays = [p.data for p in parents]
        x, w = arrays[0], arrays[1]
        dtype = x.dtype
        return (
            "linear"
            if x.ndim == 2
            and w.ndim == 2
            and (len(arrays) == 2 or arrays[2].ndim == 1)
            and dtype.kind == "f"
            and all(a.dtype is dtype for a in arrays)
            else None
        )
    spec = REGISTRY.get(op.name)
    if spec is None or op is not OPS[op.name]:
        return None
    if spec.arity == 1 and callable(spec.d) and type(saved) is tuple:
        return "unary"
    if spec.arity == 2 and len(parents) == 2:
        a, b = parents[0].data, parents[1].data
        return "binary" if a.dtype is b.dtype and a.dtype.kind == "f" else None
    return None


class Stale(Exception):
    """A captured tensor changed shape, dtype or requires_grad since the trace: trace again."""


def _signature(t: Tensor) -> tuple[Any, ...]:
    return t.data.shape, t.data.dtype, bool(t.requires_grad)


class TensorProgram:
    """Forward and backward of one traced Tensor graph, as array calls over slots."""

    def __init__(
        self,
        root: Tensor,
        ops: dict[int, tuple[Any, ...]],
        arguments: list[Tensor],
        sites: dict[int, str],
        calls: dict[int, tuple[Any, ...]] | None = None,
    ) -> None:
        calls = calls or {}
        replays: dict[int, tuple[Forward, list[Tensor]]] = {
            key: _call_forward(fn, args) for key, (_, fn, args) in calls.items()
        }
        # Walk every op the function made (ops[id] = (out, op, parents, saved)), depth first.
        order: list[Tensor] = []
        seen: set[int] = set()
        stack: list[tuple[Tensor, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            entry = ops.get(id(node))
            if entry is not None:
                replay = replays.get(id(node))
                for p in reversed(entry[2] if replay is None else replay[1]):
                    if id(p) not in seen:
                        stack.append((p, False))
        arg_index = {id(t): i for i, t in enumerate(arguments)}
        slot: dict[int, int] = {}
        self.n_arguments = len(arguments)
        self.captured: list[Tensor] = []  # leaves read by identity: parameters, constants
        self.steps: list[tuple[Any, ...]] = []
        for node in order:
            entry = ops.get(id(node))
            if entry is None:  # a leaf
                if id(node) in arg_index:
                    slot[id(node)] = arg_index[id(node)]
                else:
                    slot[id(node)] = len(arguments) + len(self.captured)
                    self.captured.append(node)
                continue
        n_leaves = len(arguments) + len(self.captured)
        k = n_leaves
        self.kinds: list[str | None] = []  # per step: how TensorCode replays it
        for node in order:
            entry = ops.get(id(node))
            if entry is None:
                continue
            _, op, parents, saved = entry
            forward = FORWARDS.get(op.name)
            fresh = False  # does the forward return (output, saved)?
            sources = parents  # the Tensors whose arrays the forward takes
            if id(node) in replays:  # a loss of nn: its function again, on the new target
                forward, sources = replays[id(node)]
                fresh = True
            elif op.rule is _function_rule:  # a Function: its forward with a new ctx
                forward, fresh = _function_forward, True
            if forward is None:
                raise CompileError(
                    f"compile cannot replay the Tensor op {op.name!r} (made at "
                    f"{sites.get(id(node), '<unknown>')}): it has no recorded forward (fused "
                    "layers of nn have none yet). Write the function with autograd's Tensor "
                    "ops, or call it without compile."
                )
            if op.name == "where" and not isinstance(saved, np.ndarray):
                raise CompileError("compile cannot replay where() with this condition")
            replay_call = calls.get(id(node))
            self.kinds.append(
                _kind(
                    op,
                    parents,
                    saved,
                    fresh,
                    replay_call is not None and _is_mse(replay_call[1], replay_call[2]),
                )
            )
            slot[id(node)] = k
            k += 1
            recorded = bool(node._parents)
            needs = tuple(p.requires_grad for p in parents)
            self.steps.append(
                (
                    forward,
                    tuple(slot[id(p)] for p in sources),
                    saved,
                    node.data.shape,
                    slot[id(node)],
                    op,
                    recorded,
                    needs,
                    node._op,
                    tuple(slot[id(p)] for p in parents),
                    fresh,
                )
            )
        self.n_slots = k
        self.meta: list[tuple[tuple[int, ...], np.dtype[Any]]] = [((), np.dtype(float))] * k
        for node in order:  # every slot's shape and dtype, fixed for the program
            if id(node) in slot:
                data = node.data
                self.meta[slot[id(node)]] = (data.shape, data.dtype)
        self.code: TensorCode | None = None  # generated after the first replay
        self.code_failed = False
        self.root_slot = slot[id(root)]
        self.requires_grad = root.requires_grad
        self.leaf_requires = [bool(t.requires_grad) for t in arguments] + [
            bool(t.requires_grad) for t in self.captured
        ]
        self.n_nodes = len(self.steps)
        self._signatures = [_signature(t) for t in self.captured]
        self._fits: set[tuple[int, int]] = set()  # (input slot, output slot) seen to fit

    def call(self, arrays: list[np.ndarray], arguments: list[Any], backward: bool) -> np.ndarray:
        """Replay on the arguments' ``arrays`` (their Tensors in ``arguments``, None for
        ndarrays) and, with ``backward``, accumulate the leaves' gradients; the result.

        The first replay goes step by step (``run``) and sees which gradients fit their
        inputs as they are; every later one runs the generated code (``TensorCode``).
        """
        code = self.code
        if code is not None:
            result: np.ndarray = code.replay(arrays, arguments)
            return result
        out, grads = self.run(arrays, backward)
        if backward:
            self.write_grads(grads, arguments)
        if not self.code_failed:
            if self.root_slot < len(self.leaf_requires):  # the result is a leaf: no ops
                self.code_failed = True
            else:
                self.code = TensorCode(self, self._fits, backward, Stale)
        return out

    def run(self, arrays: list[np.ndarray], backward: bool) -> tuple[np.ndarray, list[Any]]:
        env: list[Any] = [None] * self.n_slots
        env[: len(arrays)] = arrays
        base = len(arrays)
        signatures = zip(self.captured, self._signatures, strict=True)
        for i, (t, (shape, dtype, requires)) in enumerate(signatures):
            data = t.data
            if (
                data.shape != shape
                or (data.dtype is not dtype and data.dtype != dtype)
                or t.requires_grad is not requires
            ):
                raise Stale
            env[base + i] = data
        fresh_saved: list[Any] = []  # the state of each fresh step, in order
        for forward, ins, saved, shape, out, *_, fresh in self.steps:
            r = forward([env[i] for i in ins], saved, shape)
            if fresh:
                r, state = r
                fresh_saved.append(state)
            env[out] = r if type(r) is np.ndarray else np.asarray(r)  # as Tensor ops keep it
        result = env[self.root_slot]
        if not backward:
            return result, []
        if not self.requires_grad:
            raise RuntimeError(
                "backward: the compiled function's result does not require "
                "grad (no parameter or argument it depends on requires grad); "
                "use compile(fn, backward=False)"
            )
        if result.size != 1:
            raise ValueError(
                f"backward: the compiled function returned shape {result.shape}; "
                "backward needs a one-element result (reduce it, e.g. .sum())"
            )
        grads: list[Any] = [None] * self.n_slots
        seed = np.empty_like(result)
        seed.fill(1)
        grads[self.root_slot] = seed
        shared: set[int] = set()
        fits = self._fits
        for _forward, _ins, saved, _shape, out, op, recorded, needs, name, ins, fresh in reversed(
            self.steps
        ):
            if fresh:
                saved = fresh_saved.pop()
            g = grads[out]
            if g is None or not recorded:
                continue
            pgs = op.rule(g, tuple([env[i] for i in ins]), env[out], saved, needs)
            if len(pgs) != len(ins):
                raise ValueError(
                    f"{name}: its gradient rule returned {len(pgs)} gradient(s) "
                    f"for {len(ins)} input(s)"
                )
            for i, pg, need in zip(ins, pgs, needs, strict=True):
                if pg is None or not need:
                    continue
                # Shapes and dtypes are fixed for a program: once a rule's ndarray has been
                # seen to fit its input (fits), later runs skip the check.
                if type(pg) is not np.ndarray or (i, out) not in fits:
                    like = env[i]
                    if (
                        type(pg) is not np.ndarray
                        or pg.dtype is not like.dtype
                        or pg.shape != like.shape
                    ):
                        pg = _fitted(pg, like, name, False)
                    else:
                        fits.add((i, out))
                old = grads[i]
                if old is None:
                    grads[i] = pg
                    if pg is g:  # a rule passed its upstream on: two slots hold this array
                        shared.add(id(pg))
                else:
                    grads[i] = old + pg
        n = len(self.leaf_requires)
        # A leaf keeps its gradient and may update it in place: it must own it.
        return result, [
            (g.copy() if id(g) in shared else g) if need else None
            for g, need in zip(grads[:n], self.leaf_requires, strict=True)
        ]

    def write_grads(self, grads: list[Any], arguments: list[Any]) -> None:
        """Accumulate into the leaves that require grad, as ``backward()`` does."""
        with WRITE_LOCK:
            for i, g in enumerate(grads):
                if g is None:
                    continue
                k = i - self.n_arguments
                target = arguments[i] if k < 0 else self.captured[k]
                if target is not None:
                    target._accumulate_leaf(g, False)

    def describe(self) -> str:
        counts: dict[str, int] = {}
        recorded = 0
        for step in self.steps:
            counts[step[8]] = counts.get(step[8], 0) + 1
            recorded += step[6]
        code = self.code
        executor = (
            "  executor: array calls and gradient rules, step by step (generated "
            "straight-line Python from the second call on)"
            if code is None
            else f"  executor: generated straight-line Python, {code.lines} lines; "
            f"{code.inlined} of {self.n_nodes} ops inline (linear, mse_loss, elementwise), "
            "the rest call their forward and rule"
        )
        lines = [
            f"tensor program: {self.n_nodes} ops ({recorded} with a gradient rule), "
            f"{self.n_arguments} argument(s), {len(self.captured)} captured tensor(s)",
            executor,
            f"  {self.n_nodes} array calls forward, {recorded} rules backward",
            "  forward steps in order: " + " -> ".join(s[8] for s in self.steps),
        ]
        lines.append("  by op: " + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())))
        return "\n".join(lines)
