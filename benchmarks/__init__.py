"""backproplab's benchmark suite: our engine side by side with micrograd, PyTorch and numpy.

Run ``python -m benchmarks`` (full, several minutes) or ``python -m benchmarks --quick``
(under a minute). Every measurement runs in a fresh subprocess per engine, with one BLAS
thread unless a case says otherwise and Python's garbage collector on, as users run.

Modules, one concern each:

- ``harness``          timing and peak-memory measurement (child side), subprocess runner
- ``run_one``          the child entry point: ``python -m benchmarks.run_one SPEC_JSON``
- ``scalar_workloads`` W1-W3 on ``autograd.Value`` and micrograd's ``Value``
- ``tensor_workloads`` W4-W6 on our ``nn`` and on PyTorch
- ``transformer_workload`` W9, a microgpt-style scalar transformer step on our ``Value``,
  a minimal closure-free Value and micrograd's
- ``gpt_workloads``    W7: one training step of the GPT demo's model (ours, PyTorch, scalar)
- ``numpy_reference``  the hand-written numpy MLP training step (the reference for W4-W6)
- ``suite``            which cases make up the full and the quick run, and the targets
- ``report``           machine info, tables and the targets check
"""
