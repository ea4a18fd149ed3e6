"""The docs keep up with the code: settings, error codes, the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from marsad import errors
from marsad.settings import SETTINGS, Settings

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in README]
    assert not missing, f"README.md does not mention settings {missing}"


def test_settings_table_and_dataclass_agree() -> None:
    defaults = Settings()
    assert {s.name for s in SETTINGS} == set(vars(defaults))
    for s in SETTINGS:
        assert getattr(defaults, s.name) == s.default, s.name


def test_every_rejection_code_is_documented() -> None:
    codes = [v for k, v in vars(errors).items() if k.startswith("E_") and isinstance(v, str)]
    contract = (PROJECT / "docs" / "analysis-json.md").read_text(encoding="utf-8")
    for code in codes:
        assert code in README, code
        assert code in contract, code


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README.split("## Commands")[0], re.S)
    assert len(commands) == 2, commands
    demo, tests = commands
    assert "marsad analyze examples/demo" in demo
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests.strip() in ci
