"""Grad modes (no_grad, enable_grad) on generator functions."""

from __future__ import annotations

from autograd import (
    Tensor,
    enable_grad,
    is_grad_enabled,
    no_grad,
)


# -- 10. grad modes on generator functions -----------------------------------------------------
def test_no_grad_and_enable_grad_decorate_generator_functions():
    w = Tensor([2.0], requires_grad=True)

    @no_grad()
    def batches(n):
        for i in range(n):
            assert not is_grad_enabled()
            yield w * float(i)

    @no_grad
    def bare(n):
        for i in range(n):
            yield w * float(i)

    seen = []
    for out in batches(3):
        assert out.parents == ()  # nothing recorded inside the body
        assert is_grad_enabled()  # the caller's code between items records as usual
        seen.append((w * out).requires_grad)
    assert seen == [True, True, True]
    assert [o.parents for o in bare(2)] == [(), ()]

    @enable_grad()
    def recording(n):
        for i in range(n):
            yield w * float(i)

    with no_grad():
        outs = list(recording(2))
        assert not is_grad_enabled()
        assert (w * 1.0).parents == ()
    assert all(o.requires_grad and o.parents for o in outs)

    # send, throw and close reach the body in its mode; the mode never leaks
    @no_grad()
    def echo():
        received = yield
        while True:
            try:
                received = yield (w * received, is_grad_enabled())
            except KeyError:
                received = yield ("caught", is_grad_enabled())

    gen = echo()
    next(gen)
    out, mode = gen.send(3.0)
    assert out.parents == () and mode is False and is_grad_enabled()
    assert gen.throw(KeyError()) == ("caught", False)
    gen.close()
    assert is_grad_enabled()
