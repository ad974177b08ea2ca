"""Smoke tests of the benchmark harness: it runs a tiny workload and prints a table.

No wall-clock assertions: timings on a shared machine are not a specification.
"""

import numpy as np
import pytest

from autograd import Tensor
from benchmarks import harness, numpy_reference, report, run_one, suite


def test_measure_time_reports_median_min_iqr_and_phases():
    result = harness.measure_time(lambda: {"a": 1e-6}, warmup=1, repeat=3, min_time=0.0)
    assert result["min"] <= result["median"]
    assert result["iqr"] >= 0
    assert result["phases"] == {"a": pytest.approx(1e-6)}


def test_quick_style_run_prints_a_table_with_na_for_missing_engines(capsys):
    workload = suite.Workload(
        "W3",
        "tiny chain",
        [
            suite.Case("n=100", "ours", "w3", {"n": 100}, warmup=1, repeat=2, min_time=0.0),
            suite.Case("n=100", "no-such-engine", "w3", {"n": 100}, repeat=2),
        ],
        phases=("build", "backward"),
    )
    rows = suite.run_workload(workload, verbose=False)
    assert rows[0].result["status"] == "ok", rows[0].result
    assert rows[1].result["status"] == "n/a"
    table = report.format_table(workload, rows)
    print(table)
    assert "ours" in table and "n/a" in table and "backward" in table
    assert "W3" in capsys.readouterr().out


def test_a_failing_workload_is_reported_not_raised():
    result = run_one.run(
        {"workload": "w3", "engine": "micrograd", "params": {"n": 5000}, "repeat": 1}
    )
    if result["status"] == "n/a":
        pytest.skip("micrograd is not installed")
    assert result == {"status": "error", "error": result["error"]}
    assert result["error"].startswith("RecursionError")


def test_memory_measurement_sees_a_large_temporary():
    def step():
        np.ones(8 * 2**20 // 8).sum()  # 8 MiB, freed at once

    result = harness.measure_memory(lambda: step, steps=1)
    assert result["tracemalloc_peak_mib"] >= 7.5


@pytest.mark.parametrize("batch", [6, 4200])  # temporaries / reused work arrays (>= 128 KiB)
@pytest.mark.parametrize("loss", ["mse", "ce"])
def test_numpy_reference_step_matches_our_engine(loss, batch):
    from nn import functional as F

    sizes, lr = [5, 4, 3], 0.1
    params = numpy_reference.init_params(sizes, 0, np.float64)
    X, target = numpy_reference.make_batch(sizes, batch, loss, 0, np.float64)
    ours = [Tensor(p.copy(), requires_grad=True) for p in params]
    h = (Tensor(X) @ ours[0].T + ours[1]).relu()
    out = h @ ours[2].T + ours[3]
    value = F.mse_loss(out, target) if loss == "mse" else F.cross_entropy(out, target)
    value.backward()

    model = numpy_reference.NumpyMLP([p.copy() for p in params], "relu", loss, lr)
    ref_loss = model.step(X, target)

    assert ref_loss == pytest.approx(value.item())
    updated = [p for pair in zip(model.weights, model.biases, strict=True) for p in pair]
    for t, new in zip(ours, updated, strict=True):
        np.testing.assert_allclose(new, t.data - lr * t.grad, rtol=1e-10, atol=1e-12)


def test_every_builder_has_a_case_in_the_quick_suite():
    kinds = {(c.kind, c.engine) for w in suite.workloads(quick=True) for c in w.cases}
    assert set(run_one.BUILDERS) <= kinds


def test_microgpt_style_model_gives_the_same_loss_and_gradients_on_every_engine():
    from benchmarks import transformer_workload as tw

    tokens = tw.make_tokens(5, 0)
    results = {}
    for name in ("ours", "minimal", "micrograd"):
        try:
            engine = tw.Engine(name)
        except harness.EngineMissing:
            continue
        params = tw.init_params(engine.value, 0)
        loss = tw.sequence_loss(engine, params, tokens)
        loss.backward()
        flat = [v for matrix in params.values() for row in matrix for v in row]
        results[name] = (loss.data, [float(v.grad) for v in flat])
    ours_loss, ours_grads = results["ours"]
    assert ours_loss == pytest.approx(np.log(tw.VOCAB), rel=0.15)  # small init: near uniform
    assert sum(g != 0.0 for g in ours_grads) > 1000
    for name, (loss, grads) in results.items():
        assert loss == pytest.approx(ours_loss, rel=1e-12), name
        np.testing.assert_allclose(grads, ours_grads, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize(
    "kind, params",
    [
        ("w1", {"n_points": 4, "paused": True}),
        ("w2", {"n_ops": 50, "ops": "full", "paused": True}),
        ("w9", {"positions": 2, "paused": True}),
        ("w9", {"positions": 2}),
    ],
)
def test_scalar_steps_run_with_and_without_gc_paused_and_leave_the_gc_on(kind, params):
    import gc

    step = run_one.BUILDERS[(kind, "ours")](**params)
    phases = step()
    assert phases and all(seconds >= 0 for seconds in phases.values())
    assert gc.isenabled()


def test_micrograds_w1_step_can_free_its_cycles_within_the_step():
    try:
        step = run_one.BUILDERS[("w1", "micrograd")](n_points=4, collect=True)
    except harness.EngineMissing:
        pytest.skip("micrograd is not installed")
    assert set(step()) == {"step", "free"}


@pytest.mark.parametrize("model", ["mlp", "bnmlp", "wavenet", "gpt"])
def test_w10_course_steps_run_on_the_facade_and_the_native_api(model):
    for engine in ("facade", "native"):
        step = run_one.BUILDERS[(f"w10-{model}", engine)]()
        step()
        step()
