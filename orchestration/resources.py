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

    def client(self, account: str | None = None) -> SpApiClient:
        """Open the API client of the vendor account named `account`.

        Without a name, the only configured account is used. With several accounts a name is
        required, so that no account's documents go out with another account's credentials.
        """
        settings = self.settings()
        if account is None:
            if len(settings.accounts) != 1:
                names = ", ".join(item.name for item in settings.accounts)
                raise dg.Failure(
                    f"{len(settings.accounts)} vendor accounts are configured ({names}), and no account was "
                    "named, so no API client is opened rather than use one account's credentials for "
                    "another account's data; pass the account's name"
                )
            selected = settings.accounts[0]
        else:
            selected = settings.find_account(account)
        problem = selected.missing_credentials_message()
        if problem:
            raise dg.Failure(problem)
        credentials = selected.credentials
        return SpApiClient(
            endpoint=selected.endpoint,
            token_url=selected.token_url,
            client_id=credentials["client_id"],
            client_secret=credentials["client_secret"],
            refresh_token=credentials["refresh_token"],
            archive_dir=selected.archive_dir,
        )
