"""The package layering of HOUSE_STYLE.md, checked by parsing imports (arrows point one way)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "marsad"
BASE = {"types", "errors", "settings"}
# layer -> layers it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "types": set(),
    "errors": set(),
    "settings": {"errors"},
    "arabic": BASE,
    "ingest": BASE | {"arabic"},
    "extract": BASE | {"arabic"},
    # events count an outlet once however it is spelt (the registry in ingest.outlets)
    "group": BASE | {"arabic", "ingest"},
    "explain": BASE | {"arabic", "group"},
    "store": {"types", "errors"},
    # export shows outlets by their Arabic names (the registry in ingest.outlets), as web does
    "export": BASE | {"arabic", "ingest", "store"},
    "refresh": BASE | {"arabic", "extract", "group", "explain", "store", "export"},
    "search": BASE | {"arabic", "extract", "group", "store"},
    "pipeline": BASE | {"arabic", "ingest", "extract", "group", "explain", "store", "refresh",
                        "export", "search"},
    "api": BASE | {"arabic", "ingest", "extract", "group", "explain", "store", "pipeline",
                   "export"},
    # the web layer reads the store; its one write (POST /api/articles) goes through `api`
    "web": BASE | {"arabic", "ingest", "store", "export", "api", "search", "__init__"},
    # Spark: the per-article stages on a cluster, the outcomes kept by pipeline.store_outcomes
    "spark": BASE | {"ingest", "pipeline", "store"},
    # the live stream: folders polled, batches through pipeline.ingest into the store
    "watch": BASE | {"ingest", "store", "pipeline"},
    "cli": BASE | {"arabic", "ingest", "extract", "group", "explain", "store", "pipeline",
                   "refresh", "export", "api", "search", "web", "cli_live", "__init__"},
    # the commands of large and live inputs (watch, spark), with cli's helpers
    "cli_live": BASE | {"ingest", "store", "export", "cli", "watch", "spark"},
    "__init__": {"api"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _marsad_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "marsad":
                if len(parts) > 1:
                    found.add(parts[1])
                else:  # `from marsad import x`
                    found.update(alias.name for alias in node.names)  # type: ignore[union-attr]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    layer = _layer(path)
    assert layer in ALLOWED, f"new layer {layer}: add it to ALLOWED with its allowed imports"
    wrong = {name for name in _marsad_imports(path) - {layer, "__version__"}
             if name not in ALLOWED[layer]}
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) must not import {sorted(wrong)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines < 600, f"{path.name} has {lines} lines: split it by job"
