"""The dbt project that the Dagster definitions load.

This module contains the `DbtProject` only, without the `@dbt_assets`, so that
`dagster-dbt project prepare-and-package --file orchestration/project.py` can build the manifest
before anything imports the asset definitions.
"""

import os
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_WRAPPER = PROJECT_ROOT / "bin" / "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than a model file."""
    from orchestration.settings import load_settings

    # profiles.yml reads the warehouse path from the environment, even to parse.
    os.environ.setdefault("ACORN_WAREHOUSE", str(load_settings().warehouse_path))
    manifest = dbt_project.manifest_path
    sources = [path for path in DBT_PROJECT_DIR.rglob("*") if path.suffix in {".sql", ".yml", ".yaml"}]
    newest = max((path.stat().st_mtime for path in sources), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        dbt_project.preparer.prepare(dbt_project)
    return manifest
