"""Dagster resources: where the warehouse is and how to reach the vendor API."""

from pathlib import Path

import dagster as dg

from orchestration.settings import Settings, load_settings
from sources.spapi.client import SpApiClient

POOL = "duckdb_warehouse"  # one DuckDB writer at a time: every step that opens the file uses it


class AcornResource(dg.ConfigurableResource):
    """Paths and the API target of one acorn deployment.

    Credentials are read from the environment when the client is built, never stored in run
    config, so they do not appear in the Dagster UI or its event log.
    """

    home: str

    def settings(self) -> Settings:
        return load_settings(Path(self.home))

    def client(self) -> SpApiClient:
        settings = self.settings()
        credentials = settings.credentials
        problem = settings.missing_credentials_message()
        if problem:
            raise dg.Failure(problem)
        return SpApiClient(
            endpoint=settings.endpoint,
            token_url=settings.token_url,
            client_id=credentials["client_id"],
            client_secret=credentials["client_secret"],
            refresh_token=credentials["refresh_token"],
            archive_dir=settings.archive_dir,
        )
