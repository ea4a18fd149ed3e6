"""The app as an import string, for `marsad serve --workers N` (uvicorn starts N processes,
each importing this module): the store, token and settings come from the environment that
`marsad serve` sets before it starts them."""

from __future__ import annotations

import json
import os
from dataclasses import fields

from fastapi import FastAPI

from marsad.settings import Settings

ENV_DB = "MARSAD_SERVE_DB"
ENV_TOKEN = "MARSAD_SERVE_TOKEN"
ENV_SETTINGS = "MARSAD_SERVE_SETTINGS"


def settings_to_env(settings: Settings) -> str:
    return json.dumps({f.name: getattr(settings, f.name) for f in fields(settings)})


def app() -> FastAPI:
    """The application of one worker process (a uvicorn factory)."""
    from marsad.web import create_app
    overrides = json.loads(os.environ.get(ENV_SETTINGS) or "{}")
    return create_app(os.environ[ENV_DB], token=os.environ.get(ENV_TOKEN) or None,
                      settings=Settings(**overrides))
