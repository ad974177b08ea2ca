"""Short, readable demos of backproplab. Each writes its pictures into a folder.

Run them all with ``python -m demos --out out`` (what ``make demo`` does), or
one with ``python -m demos.NAME --out out``. Every demo module has
``run(out_dir, quick=False) -> dict`` (a summary, numbers, the files written)
and ``main(argv=None)``; ``quick=True`` uses tiny settings, for the tests.
"""

# In the order `python -m demos` runs them: from one neuron to whole experiments.
DEMOS = [
    "neuron",
    "animate",
    "sigmoid_autodiff",
    "activations",
    "derivatives",
    "regression",
    "classification",
    "perceptron",
    "moons",
    "dropout",
    "weighted_loss",
    "interpolate",
    "gpt",
    "digits_cnn",
]
