"""The HTTP API and the web pages over a marsad store (`marsad serve`)."""

from marsad.web.app import create_app

__all__ = ["create_app"]
