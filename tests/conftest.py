"""Shared fixtures: where ../shared is; without it a test skips with a clear reason, and fails
in CI (CI=true), where a quality gate must never pass for want of its data."""

from __future__ import annotations

import os
from pathlib import Path

# One BLAS thread, as marsad's worker processes use: on two busy cores the tagger's small
# matrix products are several times slower with a second BLAS thread fighting for a core.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))


def _need(path: Path) -> Path:
    if not path.exists():
        message = (f"needs {path} (the shared evaluation data beside the project); "
                   "set MARSAD_SHARED to its location")
        if os.environ.get("CI"):
            pytest.fail(message + " -- in CI a quality gate without its data fails")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SHARED / "seeds")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return PROJECT / "examples"
