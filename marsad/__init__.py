"""marsad (مرصد): Arabic news from many outlets, turned into understood stories, offline.

The library API lives in `marsad.api` (imported lazily here so `import marsad` stays cheap):
`analyze(inputs) -> Analysis`, `summarize_file(path) -> list[str]`.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "analyze", "summarize_file"]


def __getattr__(name: str) -> Any:
    if name in ("analyze", "summarize_file"):
        from marsad import api
        return getattr(api, name)
    raise AttributeError(f"module 'marsad' has no attribute {name!r}")
