"""The `vars` of dbt_project.yml, so sqlfluff renders each model with the project's defaults."""

from pathlib import Path

import yaml

DEFAULTS = yaml.safe_load((Path(__file__).resolve().parent.parent / "dbt_project.yml").read_text())["vars"]


def value(name, default=None):
    return DEFAULTS.get(name, default)
