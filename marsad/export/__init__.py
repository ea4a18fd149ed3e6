"""Exports of an Analysis: the analysis JSON file (the contract) and the HTML report."""

from marsad.export.html_report import render_html, write_html
from marsad.export.json_contract import (
    SCHEMA_ID, analysis_from_dict, analysis_to_dict, load_schema, validate, write_json,
)

__all__ = ["SCHEMA_ID", "analysis_from_dict", "analysis_to_dict", "load_schema", "render_html",
           "validate", "write_html", "write_json"]
