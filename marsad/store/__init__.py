"""Embedded storage of analysed articles (SQLite by default)."""

from marsad.store.sqlite import Store, text_digest

__all__ = ["Store", "text_digest"]
