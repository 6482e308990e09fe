"""dbt's `run_started_at` for sqlfluff's jinja templater: a fixed instant."""


def strftime(format_text):
    return "2026-12-04 00:00:00.000000"
