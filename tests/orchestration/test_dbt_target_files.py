"""The dbt project's own files against the files that dbt writes into it."""

import os

from orchestration.dbt_step import prune_invocation_targets
from orchestration.project import project_files


def make_folders(target, names_by_age):
    """Create one folder per name, the first one oldest, one minute apart."""
    for minute, name in enumerate(names_by_age):
        folder = target / name
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, (1_000_000 + 60 * minute, 1_000_000 + 60 * minute))


def test_prune_keeps_current_and_newest(tmp_path):
    target = tmp_path / "target"
    make_folders(target, ["acorn_dbt_models-a", "acorn_dbt_models-b", "acorn_dbt_models-c", "acorn_dbt_models-d"])
    (target / "manifest.json").write_text("{}")
    other_step = target / "other_step-a"
    other_step.mkdir()

    prune_invocation_targets(target / "acorn_dbt_models-b", keep=1)

    # d is the newest earlier folder, and b is the running step's own, whatever its age.
    assert sorted(path.name for path in target.iterdir()) == [
        "acorn_dbt_models-b",
        "acorn_dbt_models-d",
        "manifest.json",
        "other_step-a",
    ]


def test_prune_keeps_all_when_few(tmp_path):
    target = tmp_path / "target"
    make_folders(target, ["acorn_dbt_models-a", "acorn_dbt_models-b"])

    prune_invocation_targets(target / "acorn_dbt_models-b", keep=5)

    assert sorted(path.name for path in target.iterdir()) == ["acorn_dbt_models-a", "acorn_dbt_models-b"]


def test_project_files_skip_dbt_output(tmp_path):
    for relative in [
        "dbt_project.yml",
        "models/marts/plan.sql",
        "models/marts/plan.yml",
        "macros/dates.sql",
        "models/notes.md",
        "target/manifest.json",
        "target/acorn_dbt_models-a/compiled/plan.sql",
        "logs/dbt.log",
        "dbt_packages/pkg/macros/x.sql",
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")

    found = sorted(str(path.relative_to(tmp_path)) for path in project_files(tmp_path))

    assert found == ["dbt_project.yml", "macros/dates.sql", "models/marts/plan.sql", "models/marts/plan.yml"]
