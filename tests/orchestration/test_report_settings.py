"""Report feed settings: selling programs, distributor views, report periods and the restatement date."""

from datetime import date

import pytest

from orchestration.settings import SettingsError, load_settings


def write_config(home, text):
    (home / ".dlt").mkdir()
    (home / ".dlt" / "config.toml").write_text(text)


def test_defaults_are_retail_and_manufacturing(tmp_path):
    settings = load_settings(tmp_path, environ={})

    assert settings.selling_programs == ("RETAIL",)
    assert settings.distributor_views == ("MANUFACTURING",)
    assert settings.restate_from is None


def test_programs_views_and_restatement_read(tmp_path):
    write_config(
        tmp_path,
        '[acorn]\nselling_programs = ["RETAIL", "FRESH"]\ndistributor_views = ["SOURCING"]\nrestate_from = 2026-11-01\n',
    )

    settings = load_settings(tmp_path, environ={})

    assert settings.selling_programs == ("RETAIL", "FRESH")
    assert settings.distributor_views == ("SOURCING",)
    assert settings.restate_from == date(2026, 11, 1)


def test_unknown_program_rejected(tmp_path):
    write_config(tmp_path, '[acorn]\nselling_programs = ["BUSINESS"]\n')

    with pytest.raises(SettingsError, match=r"\[acorn\] selling_programs is \['BUSINESS'\]; list one or more of RETAIL, FRESH"):
        load_settings(tmp_path, environ={})


def test_restatement_date_from_environment(tmp_path):
    assert load_settings(tmp_path, environ={"ACORN_RESTATE_FROM": "2026-10-04"}).restate_from == date(2026, 10, 4)
    with pytest.raises(SettingsError, match="restate_from 'last week' is not a YYYY-MM-DD date"):
        load_settings(tmp_path, environ={"ACORN_RESTATE_FROM": "last week"})


def test_archive_retention_read_and_checked(tmp_path):
    assert load_settings(tmp_path, environ={}).archive_retention_days is None
    assert load_settings(tmp_path, environ={"ACORN_ARCHIVE_RETENTION_DAYS": "400"}).archive_retention_days == 400
    with pytest.raises(SettingsError, match="archive_retention_days 'a year' is not a whole number of days"):
        load_settings(tmp_path, environ={"ACORN_ARCHIVE_RETENTION_DAYS": "a year"})
    with pytest.raises(SettingsError, match="archive_retention_days is 0; keep at least 1 day"):
        load_settings(tmp_path, environ={"ACORN_ARCHIVE_RETENTION_DAYS": "0"})


def test_analytics_reports_default(tmp_path):
    settings = load_settings(tmp_path, environ={})

    assert settings.traffic_periods == ()
    assert settings.net_pure_product_margin_periods == ()
    assert settings.real_time_inventory is True


def test_analytics_reports_read(tmp_path):
    write_config(
        tmp_path,
        '[acorn]\ntraffic_periods = ["WEEK", "QUARTER"]\nnet_pure_product_margin_periods = ["YEAR"]\n'
        "real_time_inventory = false\n",
    )

    settings = load_settings(tmp_path, environ={})

    assert settings.traffic_periods == ("WEEK", "QUARTER")
    assert settings.net_pure_product_margin_periods == ("YEAR",)
    assert settings.real_time_inventory is False


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('traffic_periods = ["WEEK", "HOUR"]', r"\[acorn\] traffic_periods lists \['HOUR'\]; use DAY, WEEK, MONTH, QUARTER, YEAR"),
        ('net_pure_product_margin_periods = "MONTH"', r"\[acorn\] net_pure_product_margin_periods is 'MONTH'; give a list such as"),
        ('real_time_inventory = "no"', r"\[acorn\] real_time_inventory is 'no'; write true or false, without quotes"),
    ],
)
def test_analytics_report_setting_rejected(tmp_path, line, message):
    write_config(tmp_path, f"[acorn]\n{line}\n")

    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path, environ={})
