"""The digits CNN demo reaches its target on the held-out digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

from demos import digits_cnn  # noqa: E402


def test_split_is_stratified_and_disjoint():
    X_train, y_train, X_test, y_test = digits_cnn.load_split(0)
    assert X_train.shape[1:] == (1, 8, 8) and len(X_train) + len(X_test) == 1797
    assert X_train.min() >= 0.0 and X_train.max() <= 1.0
    counts = np.bincount(y_test, minlength=10)
    assert counts.min() >= 0.19 * np.bincount(y_train, minlength=10).min()
    train_rows = {x.tobytes() for x in X_train}
    assert sum(x.tobytes() in train_rows for x in X_test) < 5  # (a few digits are duplicates)


def test_full_run_reaches_97_percent_on_held_out_digits(tmp_path: Path):
    result = digits_cnn.run(tmp_path)
    assert result["test_accuracy"] >= 0.97
    assert Path(result["files"][0]).stat().st_size > 10_000
