"""The dbt project that the Dagster definitions load.

This module contains the `DbtProject` only, without the `@dbt_assets`, so that
`dagster-dbt project prepare-and-package --file orchestration/project.py` can build the manifest
before anything imports the asset definitions.
"""

import os
from collections.abc import Iterator
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_WRAPPER = PROJECT_ROOT / "bin" / "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


# Folders that dbt writes into. Every dbt step writes compiled SQL there, so their files would
# make the manifest look out of date after each run.
DBT_OUTPUT_FOLDERS = {"target", "logs", "dbt_packages"}


def project_files(root: Path = DBT_PROJECT_DIR) -> Iterator[Path]:
    """Yield the SQL and YAML files of the dbt project in `root`, outside the folders dbt writes into."""
    for folder, subfolders, files in os.walk(root):
        if Path(folder) == root:
            subfolders[:] = [name for name in subfolders if name not in DBT_OUTPUT_FOLDERS]
        for name in files:
            if Path(name).suffix in {".sql", ".yml", ".yaml"}:
                yield Path(folder) / name


def prepare_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than a project file."""
    from orchestration.settings import load_settings

    # profiles.yml reads the warehouse path from the environment, even to parse.
    os.environ.setdefault("ACORN_WAREHOUSE", str(load_settings().warehouse_path))
    manifest = dbt_project.manifest_path
    newest = max((path.stat().st_mtime for path in project_files()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        dbt_project.preparer.prepare(dbt_project)
    return manifest
