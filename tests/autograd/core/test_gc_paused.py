"""gc_paused(): pauses the cyclic collector for a block and restores exactly what it found."""

import gc
import signal
import sys
import threading

import pytest

from autograd import Value, gc_paused
from autograd.core import gc_pause as gp


@pytest.fixture(params=[True, False], ids=["gc-enabled", "gc-disabled-by-user"])
def user_gc(request):
    """The collector as the user left it before the pause; restored after the test."""
    before = gc.isenabled()
    (gc.enable if request.param else gc.disable)()
    yield request.param
    (gc.enable if before else gc.disable)()
    assert gp.pause_depth() == 0


def test_with_block_pauses_and_restores(user_gc):
    with gc_paused() as pause:
        assert not gc.isenabled()
        assert gp.pause_depth() == 1
    assert isinstance(pause, gc_paused)
    assert gc.isenabled() is user_gc
    assert gp.pause_depth() == 0


def test_an_exception_inside_restores(user_gc):
    with pytest.raises(ZeroDivisionError), gc_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled() is user_gc and gp.pause_depth() == 0


def test_a_keyboard_interrupt_raised_inside_restores(user_gc):
    with pytest.raises(KeyboardInterrupt), gc_paused():
        raise KeyboardInterrupt
    assert gc.isenabled() is user_gc and gp.pause_depth() == 0


def test_nested_pauses_restore_only_when_the_outermost_ends(user_gc):
    outer = gc_paused()
    with outer:
        with gc_paused():
            with outer:  # the same object, reentered
                assert gp.pause_depth() == 3
            assert not gc.isenabled()
        assert not gc.isenabled() and gp.pause_depth() == 1
    assert gc.isenabled() is user_gc and gp.pause_depth() == 0


def test_as_a_decorator_called_and_bare(user_gc):
    @gc_paused()
    def called(x):
        """Doc kept."""
        return x, gc.isenabled()

    @gc_paused
    def bare(x):
        return x, gc.isenabled()

    assert called(1) == (1, False) and bare(2) == (2, False)
    assert called.__doc__ == "Doc kept." and bare.__name__ == "bare"
    assert gc.isenabled() is user_gc

    @gc_paused()
    def fails():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fails()
    assert gc.isenabled() is user_gc and gp.pause_depth() == 0


def test_a_decorated_function_may_recurse_and_call_other_paused_code(user_gc):
    @gc_paused()
    def depth(n):
        return gp.pause_depth() if n == 0 else depth(n - 1)

    assert depth(5) == 6
    assert gc.isenabled() is user_gc


def test_a_decorated_generator_pauses_only_while_its_body_runs(user_gc):
    seen_inside = []

    @gc_paused()
    def steps(n):
        for i in range(n):
            seen_inside.append(gc.isenabled())
            received = yield i
            if received is not None:
                seen_inside.append(("sent", received))
        return "done"

    gen = steps(3)
    assert gc.isenabled() is user_gc  # nothing runs before the first next()
    outside = []
    for item in gen:
        outside.append((item, gc.isenabled()))
    assert outside == [(0, user_gc), (1, user_gc), (2, user_gc)]
    assert seen_inside == [False, False, False]

    gen = steps(3)
    assert next(gen) == 0 and gen.send("x") == 1
    assert ("sent", "x") in seen_inside
    with pytest.raises(StopIteration) as stop:
        gen.send(None), gen.send(None)
    assert stop.value.value == "done"

    gen = steps(3)
    next(gen)
    with pytest.raises(KeyboardInterrupt):
        gen.throw(KeyboardInterrupt)
    gen = steps(3)
    next(gen)
    gen.close()
    assert gc.isenabled() is user_gc and gp.pause_depth() == 0


def test_a_coroutine_function_is_refused_with_a_clear_error():
    async def train():
        return None

    with pytest.raises(TypeError, match="coroutine function .*train"):
        gc_paused()(train)


def test_the_state_found_is_restored_even_if_changed_inside(user_gc):
    with gc_paused():
        gc.enable()  # someone else's change during the pause is overwritten at its end
    assert gc.isenabled() is user_gc


def test_gc_collect_still_works_during_a_pause():
    class Cycle:
        pass

    with gc_paused():
        a = Cycle()
        a.me = a
        del a
        assert gc.collect() >= 1


def test_overlapping_pauses_in_two_threads_restore_the_state_before_the_first(user_gc):
    # Thread A begins, thread B begins, A ends (still paused: B is inside), B ends.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with gc_paused():
            a_in.set()
            b_in.wait(10)
        seen["after a"] = gc.isenabled()
        a_out.set()

    def b():
        a_in.wait(10)
        with gc_paused():
            b_in.set()
            a_out.wait(10)
            seen["b inside after a"] = gc.isenabled()
        seen["after b"] = gc.isenabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"after a": False, "b inside after a": False, "after b": user_gc}
    assert gp.pause_depth() == 0


def test_many_threads_pausing_at_random_leave_the_state_as_found(user_gc):
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:

        def worker():
            for _ in range(300):
                with gc_paused():
                    x = Value(1.0)
                    (x * x).backward()

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(switch)
    assert gc.isenabled() is user_gc and gp.pause_depth() == 0


def test_an_interrupt_right_after_the_collector_is_disabled_still_restores(monkeypatch):
    # Simulates Ctrl-C landing just after gc.disable() inside __enter__: the with
    # statement never calls __exit__; the pause object ends its pause when it is freed.
    real_disable = gc.disable

    def disable_then_interrupt():
        real_disable()
        raise KeyboardInterrupt

    monkeypatch.setattr(gc, "disable", disable_then_interrupt)
    try:
        with gc_paused():
            pytest.fail("the body must not run")
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert gc.isenabled() and gp.pause_depth() == 0


def test_a_pause_whose_exit_was_skipped_ends_when_its_object_is_freed():
    pause = gc_paused()
    pause.__enter__()  # as if an interrupt had kept the with statement from calling __exit__
    assert not gc.isenabled()
    del pause
    assert gc.isenabled() and gp.pause_depth() == 0


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_real_interrupts_at_random_points_never_leave_the_collector_off():
    # A timer raises KeyboardInterrupt every 50 us into a loop of pauses that catches it,
    # as a notebook kernel does: wherever it lands, the state is restored afterwards.
    armed = [False]

    def interrupt(signum, frame):
        if armed[0]:  # one interrupt at a time, as a person pressing Ctrl-C sends them
            armed[0] = False
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupts = 0
    try:
        signal.setitimer(signal.ITIMER_REAL, 5e-5, 5e-5)
        while interrupts < 2000:
            try:
                try:
                    armed[0] = True
                    while True:
                        with gc_paused(), gc_paused():
                            pass
                finally:
                    armed[0] = False
            except KeyboardInterrupt:
                interrupts += 1
            assert gc.isenabled() and gp.pause_depth() == 0, interrupts
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert gc.isenabled() and gp.pause_depth() == 0
