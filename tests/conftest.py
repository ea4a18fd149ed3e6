"""Shared fixtures: where ../shared is; without it a test skips with a clear reason, and fails
in CI (CI=true), where a quality gate must never pass for want of its data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
