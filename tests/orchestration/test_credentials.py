"""The client secret expiry warning, from settings to the Dagster check."""

from datetime import UTC, date, datetime, timedelta

import dagster as dg
import pytest

from orchestration.defs.credentials import client_secret_expiry
from orchestration.resources import AcornResource
from orchestration.settings import SettingsError, load_settings

TODAY = date(2026, 12, 4)


def account_with(tmp_path, expires_on):
    return load_settings(tmp_path, environ={"ACORN_CLIENT_SECRET_EXPIRES_ON": expires_on}).accounts[0]


def test_no_warning_31_days_ahead(tmp_path):
    # 4 December plus 31 days is 4 January.
    assert account_with(tmp_path, "2027-01-04").client_secret_warning(TODAY) is None


def test_warning_from_30_days_ahead(tmp_path):
    warning = account_with(tmp_path, "2027-01-03").client_secret_warning(TODAY)

    assert warning is not None
    assert "expires in 30 days (2027-01-03)" in warning
    assert "rotate it" in warning


def test_warning_after_expiry(tmp_path):
    warning = account_with(tmp_path, "2026-12-01").client_secret_warning(TODAY)

    assert "expired 3 days ago (2026-12-01)" in warning


def test_no_date_no_warning(tmp_path):
    assert load_settings(tmp_path, environ={}).accounts[0].client_secret_warning(TODAY) is None


def test_date_from_config_file(tmp_path):
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text("[acorn]\nclient_secret_expires_on = 2027-01-03\n")

    assert load_settings(tmp_path, environ={}).accounts[0].client_secret_expires_on == date(2027, 1, 3)


def test_invalid_date_rejected(tmp_path):
    with pytest.raises(SettingsError, match="client_secret_expires_on '3 Jan 2027' is not a YYYY-MM-DD date"):
        account_with(tmp_path, "3 Jan 2027")


def test_check_warns_near_expiry(tmp_path, monkeypatch):
    soon = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    monkeypatch.setenv("ACORN_CLIENT_SECRET_EXPIRES_ON", soon)

    result = client_secret_expiry(acorn=AcornResource(home=str(tmp_path)))

    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert "expires in 5 days" in result.description


def test_check_passes_without_date(tmp_path, monkeypatch):
    monkeypatch.delenv("ACORN_CLIENT_SECRET_EXPIRES_ON", raising=False)

    result = client_secret_expiry(acorn=AcornResource(home=str(tmp_path)))

    assert result.passed is True
    assert result.metadata["expires_on"].value == "not configured"
