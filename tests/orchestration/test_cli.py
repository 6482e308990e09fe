"""The acorn command's checks before it runs anything."""

import os

import pytest

from orchestration.cli import main


@pytest.fixture(autouse=True)
def restore_environment(monkeypatch):
    """acorn sets process-wide variables (PATH, ACORN_WAREHOUSE, ...); put them back afterwards."""
    for key in ("PATH", "ACORN_HOME", "ACORN_WAREHOUSE", "DAGSTER_HOME", "ACORN_SANDBOX_SEED", "ACORN_SANDBOX_PROFILE"):
        if key in os.environ:
            monkeypatch.setenv(key, os.environ[key])
        else:
            monkeypatch.delenv(key, raising=False)


def test_run_without_credentials_stops_early(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACORN_TARGET", "amazon")
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    for key in ("ACORN_LWA_CLIENT_ID", "ACORN_LWA_CLIENT_SECRET", "ACORN_LWA_REFRESH_TOKEN", "ACORN_SANDBOX_URL"):
        monkeypatch.delenv(key, raising=False)

    assert main(["run"]) == 2

    error = capsys.readouterr().err
    assert "missing Login with Amazon credentials for target 'amazon'" in error
    assert "ACORN_LWA_REFRESH_TOKEN" in error
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_unknown_target_is_rejected(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACORN_TARGET", "production")
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path))

    assert main(["run"]) == 2

    assert "target 'production' is not one of sandbox, amazon" in capsys.readouterr().err


def test_bad_scenario_file_stops_with_its_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.delenv("ACORN_SANDBOX_URL", raising=False)
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("format: acorn-sandbox-scenario/1\ntoday: [not a date\n", encoding="utf-8")

    assert main(["run", "--scenario", str(scenario)]) == 2

    error = capsys.readouterr().err
    assert error.startswith("acorn: Scenario file")
    assert "Traceback" not in error
    # The scenario's own data folder was new and nothing was written into it, so it is gone.
    assert not (tmp_path / "data" / "scenarios" / "broken").exists()


def test_empty_folders_removed_files_kept(tmp_path):
    from orchestration.cli import _remove_empty_folders

    (tmp_path / "empty" / "inbox").mkdir(parents=True)
    (tmp_path / "empty" / "ledger" / "deep").mkdir(parents=True)
    (tmp_path / "kept" / "inbox").mkdir(parents=True)
    (tmp_path / "kept" / "inbox" / "shipments.csv").write_text("shipment_id\n", encoding="utf-8")

    _remove_empty_folders(tmp_path / "empty")
    _remove_empty_folders(tmp_path / "kept")

    assert not (tmp_path / "empty").exists()
    assert (tmp_path / "kept" / "inbox" / "shipments.csv").is_file()


def test_sandbox_help_names_acorn(capsys):
    with pytest.raises(SystemExit):
        main(["sandbox", "serve", "--help"])

    assert capsys.readouterr().out.startswith("usage: acorn sandbox serve")
