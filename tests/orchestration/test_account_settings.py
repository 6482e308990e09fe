"""Vendor accounts in the settings: the single-account form, the list form, and their errors."""

from datetime import date
from pathlib import Path

import pytest

from orchestration.settings import SettingsError, load_settings

TODAY = date(2026, 12, 4)

TWO_ACCOUNTS = """\
[acorn]
target = "amazon"

[[acorn.accounts]]
name = "acme-us"
region = "NA"
vendor_codes = ["ACMUS", "ACMU2"]
marketplace_ids = ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]
client_secret_expires_on = 2027-01-03

[[acorn.accounts]]
name = "acme_eu"
region = "eu"
vendor_codes = ["ACMDE"]
marketplace_ids = ["A1PA6795UKMFR9"]
"""

SECRETS = """\
[sources.vendor_api.credentials]
client_id = "amzn1.application-oa2-client.shared"
client_secret = "shared-secret-value"

[sources.vendor_api.accounts.acme-us.credentials]
refresh_token = "Atzr|us-token-value"

[sources.vendor_api.accounts.acme_eu.credentials]
client_secret = "eu-own-secret-value"
refresh_token = "Atzr|eu-token-value"
"""


def write_home(home: Path, config: str, secrets: str | None = None) -> Path:
    (home / ".dlt").mkdir(exist_ok=True)
    (home / ".dlt" / "config.toml").write_text(config)
    if secrets is not None:
        (home / ".dlt" / "secrets.toml").write_text(secrets)
    return home


def two_accounts(tmp_path, environ=None, config=TWO_ACCOUNTS, secrets=SECRETS):
    return load_settings(write_home(tmp_path, config, secrets), environ=environ or {})


def test_single_form_is_one_account(tmp_path):
    settings = load_settings(tmp_path, environ={"ACORN_SANDBOX_URL": "http://127.0.0.1:8700"})

    (account,) = settings.accounts
    assert account.name == "sandbox"
    assert account.region == "NA"
    assert account.marketplace_ids == ("ATVPDKIKX0DER",)
    assert account.vendor_codes == ()
    assert account.listed is False
    assert account.pipeline_name == "acorn_vendor_api"
    assert account.archive_dir == tmp_path / "data" / "archive"
    assert account.endpoint == "http://127.0.0.1:8700"
    assert account.report_vendor_code is None


def test_single_form_reads_lwa_environment(tmp_path):
    write_home(tmp_path, '[acorn]\naccount = "brand"\nregion = "FE"\nmarketplace_ids = ["A1VC38T7YXB528"]\nvendor_codes = ["BRNDJ"]\n')
    environ = {
        "ACORN_TARGET": "amazon",
        "ACORN_LWA_CLIENT_ID": "id",
        "ACORN_LWA_CLIENT_SECRET": "secret",
        "ACORN_LWA_REFRESH_TOKEN": "token",
    }

    (account,) = load_settings(tmp_path, environ=environ).accounts

    assert account.name == "brand"
    assert account.endpoint == "https://sellingpartnerapi-fe.amazon.com"
    assert account.vendor_codes == ("BRNDJ",)
    assert account.credentials == {"client_id": "id", "client_secret": "secret", "refresh_token": "token"}
    assert account.missing_credentials_message() is None


def test_list_form_reads_every_account(tmp_path):
    settings = two_accounts(tmp_path)

    us, eu = settings.accounts
    assert (us.name, us.region, us.vendor_codes) == ("acme-us", "NA", ("ACMUS", "ACMU2"))
    assert us.marketplace_ids == ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2")
    assert us.endpoint == "https://sellingpartnerapi-na.amazon.com"
    assert us.client_secret_expires_on == date(2027, 1, 3)
    assert (eu.name, eu.region, eu.vendor_codes) == ("acme_eu", "EU", ("ACMDE",))
    assert eu.endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert eu.client_secret_expires_on is None


def test_accounts_get_own_files_and_pipelines(tmp_path):
    us, eu = two_accounts(tmp_path).accounts

    assert us.archive_dir == tmp_path / "data" / "archive" / "acme-us"
    assert eu.archive_dir == tmp_path / "data" / "archive" / "acme_eu"
    assert us.pipeline_name == "acorn_vendor_api__acme_us"
    assert eu.pipeline_name == "acorn_vendor_api__acme_eu"


def test_report_vendor_code_joins_codes(tmp_path):
    us, eu = two_accounts(tmp_path).accounts

    assert us.report_vendor_code == "ACMUS,ACMU2"
    assert eu.report_vendor_code == "ACMDE"


def test_shared_application_credentials(tmp_path):
    us, eu = two_accounts(tmp_path).accounts

    assert us.credentials == {
        "client_id": "amzn1.application-oa2-client.shared",
        "client_secret": "shared-secret-value",
        "refresh_token": "Atzr|us-token-value",
    }
    assert eu.credentials["client_secret"] == "eu-own-secret-value"
    assert eu.credentials["refresh_token"] == "Atzr|eu-token-value"


def test_account_environment_wins(tmp_path):
    environ = {
        "ACORN_ACME_US_LWA_REFRESH_TOKEN": "Atzr|from-environment",
        "ACORN_ACME_EU_CLIENT_SECRET_EXPIRES_ON": "2027-02-01",
        "ACORN_LWA_CLIENT_ID": "id-from-environment",
    }

    us, eu = two_accounts(tmp_path, environ).accounts

    assert us.credentials["refresh_token"] == "Atzr|from-environment"
    assert us.credentials["client_id"] == "id-from-environment"
    assert eu.client_secret_expires_on == date(2027, 2, 1)


def test_sandbox_url_per_account(tmp_path):
    config = TWO_ACCOUNTS.replace('target = "amazon"', 'target = "sandbox"')
    environ = {"ACORN_ACME_US_SANDBOX_URL": "http://127.0.0.1:8701", "ACORN_SANDBOX_URL": "http://127.0.0.1:8700"}

    us, eu = two_accounts(tmp_path, environ, config=config).accounts

    assert us.endpoint == "http://127.0.0.1:8701"
    assert us.token_url == "http://127.0.0.1:8701/auth/o2/token"
    assert eu.endpoint == "http://127.0.0.1:8700"


def test_missing_sandbox_url_names_the_variable(tmp_path):
    config = TWO_ACCOUNTS.replace('target = "amazon"', 'target = "sandbox"')
    us, _ = two_accounts(tmp_path, config=config).accounts

    with pytest.raises(SettingsError, match="vendor account 'acme-us' has no sandbox URL.*ACORN_ACME_US_SANDBOX_URL"):
        us.endpoint


def test_missing_credentials_name_only_that_account(tmp_path):
    secrets = SECRETS.replace('refresh_token = "Atzr|us-token-value"\n', "")

    settings = two_accounts(tmp_path, secrets=secrets)
    us, eu = settings.accounts
    message = us.missing_credentials_message()

    assert message.startswith("vendor account 'acme-us' is missing Login with Amazon credentials for target 'amazon': refresh_token;")
    assert "[sources.vendor_api.accounts.acme-us.credentials]" in message
    assert "ACORN_ACME_US_LWA_REFRESH_TOKEN" in message
    assert "acme_eu" not in message
    assert "ACME_EU" not in message
    assert eu.missing_credentials_message() is None
    # One account with credentials is enough for a run; the other then fails on its own.
    assert settings.missing_credentials_message() is None


def test_missing_credentials_show_no_values(tmp_path):
    secrets = SECRETS.replace('client_secret = "shared-secret-value"\n', "")

    us, _ = two_accounts(tmp_path, secrets=secrets).accounts
    message = us.missing_credentials_message()

    assert "client_secret" in message
    assert "ACORN_LWA_CLIENT_SECRET" in message
    for value in ("shared-secret-value", "Atzr|us-token-value", "eu-own-secret-value", "amzn1.application-oa2-client.shared"):
        assert value not in message


def test_no_credentials_at_all(tmp_path):
    settings = two_accounts(tmp_path, secrets="")

    message = settings.missing_credentials_message()

    assert "vendor account 'acme-us' is missing" in message
    assert "vendor account 'acme_eu' is missing" in message


def test_expiry_warning_per_account(tmp_path):
    config = TWO_ACCOUNTS.replace('marketplace_ids = ["A1PA6795UKMFR9"]', 'marketplace_ids = ["A1PA6795UKMFR9"]\nclient_secret_expires_on = "2026-12-01"')

    warnings = two_accounts(tmp_path, config=config).client_secret_warnings(TODAY)

    # 4 December to 3 January is 30 days; 1 December was 3 days before 4 December.
    assert len(warnings) == 2
    assert warnings[0].startswith("the LWA client secret of account 'acme-us' expires in 30 days (2027-01-03)")
    assert "client_secret_expires_on of account 'acme-us' in [[acorn.accounts]]" in warnings[0]
    assert warnings[1].startswith("the LWA client secret of account 'acme_eu' expired 3 days ago (2026-12-01)")
    assert "ACORN_ACME_EU_LWA_CLIENT_SECRET" in warnings[1]


def test_shared_expiry_date_applies(tmp_path):
    config = TWO_ACCOUNTS.replace('target = "amazon"', 'target = "amazon"\nclient_secret_expires_on = 2026-12-20')

    us, eu = two_accounts(tmp_path, config=config).accounts

    assert us.client_secret_expires_on == date(2027, 1, 3)
    assert eu.client_secret_expires_on == date(2026, 12, 20)


def test_describe_leaves_out_credentials(tmp_path):
    described = repr(two_accounts(tmp_path).describe())

    assert "acme-us" in described
    for value in ("shared-secret-value", "Atzr|us-token-value", "eu-own-secret-value"):
        assert value not in described


def test_repr_leaves_out_credentials(tmp_path):
    text = repr(two_accounts(tmp_path))

    for value in ("shared-secret-value", "Atzr|us-token-value", "eu-own-secret-value"):
        assert value not in text


def test_find_account_unknown(tmp_path):
    settings = two_accounts(tmp_path)

    assert settings.find_account("acme_eu").region == "EU"
    with pytest.raises(SettingsError, match="vendor account 'acme' is not configured; the accounts are: acme-us, acme_eu"):
        settings.find_account("acme")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('name = "acme_eu"', 'name = "ACME-US"'),
            r"accounts 'acme-us' and 'ACME-US' have the same name .* give each account its own name",
        ),
        (
            ('region = "eu"', 'region = "APAC"'),
            r"account 'acme_eu' in \[\[acorn.accounts\]\]: region 'APAC' is not one of NA, EU, FE",
        ),
        (
            ('vendor_codes = ["ACMDE"]', 'vendor_codes = ["ACMDE", "ACMDE"]'),
            r"vendor code ACMDE is listed twice; a vendor code belongs to one account, so remove it from "
            r"vendor_codes of account 'acme_eu'",
        ),
        (
            ('vendor_codes = ["ACMDE"]', 'vendor_codes = ["ACMUS"]'),
            r"vendor code ACMUS is listed by accounts 'acme-us' and 'acme_eu'",
        ),
        (
            ('vendor_codes = ["ACMDE"]', 'vendor_codes = "ACMDE"'),
            r"vendor_codes of account 'acme_eu' in \[\[acorn.accounts\]\] is 'ACMDE'; give a list of codes",
        ),
        (
            ('vendor_codes = ["ACMDE"]\n', ""),
            r"vendor_codes of account 'acme_eu' in \[\[acorn.accounts\]\] is None; give a list of codes",
        ),
        (
            ('marketplace_ids = ["A1PA6795UKMFR9"]', 'marketplace_ids = ["ATVPDKIKX0DER"]'),
            r"marketplace_ids of account 'acme_eu' .* lists ATVPDKIKX0DER, a marketplace of region NA, but the region is EU",
        ),
        (
            ('name = "acme_eu"', 'name = "acme eu"'),
            r"\[\[acorn.accounts\]\] number 2: name 'acme eu' is not a valid account name",
        ),
        (
            ('name = "acme_eu"', 'name = "acme_eu"\nvendor_code = "ACMDE"'),
            r"\[\[acorn.accounts\]\] number 2 has unknown keys vendor_code; the keys are name, region",
        ),
    ],
)
def test_invalid_account_rejected(tmp_path, change, message):
    old, new = change
    assert old in TWO_ACCOUNTS

    with pytest.raises(SettingsError, match=message):
        two_accounts(tmp_path, config=TWO_ACCOUNTS.replace(old, new, 1))


def test_single_form_keys_rejected_beside_list(tmp_path):
    config = TWO_ACCOUNTS.replace('target = "amazon"', 'target = "amazon"\naccount = "brand"')

    with pytest.raises(SettingsError, match=r"account belong to the single-account form, but \[\[acorn.accounts\]\] lists"):
        two_accounts(tmp_path, config=config)


def test_shared_refresh_token_rejected(tmp_path):
    with pytest.raises(SettingsError, match=r"ACORN_LWA_REFRESH_TOKEN belong to the single-account form"):
        two_accounts(tmp_path, {"ACORN_LWA_REFRESH_TOKEN": "Atzr|shared"})


def test_same_refresh_token_rejected(tmp_path):
    secrets = SECRETS.replace("Atzr|eu-token-value", "Atzr|us-token-value")

    with pytest.raises(SettingsError, match="accounts 'acme-us' and 'acme_eu' have the same refresh token") as raised:
        two_accounts(tmp_path, secrets=secrets)
    assert "Atzr|us-token-value" not in str(raised.value)


def test_empty_account_list_rejected(tmp_path):
    with pytest.raises(SettingsError, match=r"\[acorn\] accounts must be one or more \[\[acorn.accounts\]\] tables"):
        two_accounts(tmp_path, config="[acorn]\naccounts = []\n")


def test_single_form_marketplace_checked(tmp_path):
    write_home(tmp_path, '[acorn]\nregion = "EU"\n')

    with pytest.raises(SettingsError, match=r"\[acorn\] marketplace_ids lists ATVPDKIKX0DER, a marketplace of region NA"):
        load_settings(tmp_path, environ={})
