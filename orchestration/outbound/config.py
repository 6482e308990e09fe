"""Settings of the outbound documents: follow-up age, acknowledgement and ASN alerts, acknowledgements per call, EDI outbox.

They come from the `[acorn.outbound]` table of `.dlt/config.toml`, then from `ACORN_OUTBOUND_*`
environment variables, which win:

    [acorn.outbound]
    processing_review_hours = 24     # a transaction Processing this long is checked against its PO
    acknowledgement_hours = 24       # Amazon's limit for acknowledging a purchase order
    acknowledgement_warning_hours = 6  # alert when less than this remains of that limit
    acknowledgements_per_call = 100  # acknowledgements sent in one submitAcknowledgement call; 1 sends each alone
    asn_hours = 24                   # alert for a shipment whose ASN is not sent this long after it left
    edi_outbox = false               # true: write X12 855/856/810 to data/outbox instead of calling the API
    edi_sender_id = "ACRNV"          # the vendor's EDI interchange id (ISA06, GS02), required with edi_outbox
    edi_receiver_id = "AMAZON"       # ISA08, GS03
    edi_usage = "P"                  # ISA15: P production, T test
    remit_to_party_id = ""           # invoices: the party Amazon pays; empty means the selling party
    tax_type = "VAT"                 # invoices: Amazon's taxType for the tax amounts, e.g. VAT, GST, ST
    charge_type = "Freight"          # invoices: Amazon's charge type for the charge amounts
    allowance_type = "Discount"      # invoices: Amazon's allowance type for the allowance amounts

The ASN alert also reads `asn_lookback_days` from the vars of dbt_project/dbt_project.yml: the
outbound models build ASNs only for shipments that recent, and older shipments count as
confirmed before acorn.
"""

import os
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml

DBT_PROJECT_FILE = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"


class OutboundSettingsError(ValueError):
    """An outbound setting is invalid; the message names it and the fix."""


@dataclass(frozen=True)
class OutboundSettings:
    processing_review_hours: float = 24.0
    # Amazon's Vendor Orders API documentation sets 24 hours from receipt of a purchase order
    # to acknowledge it, backorders included.
    acknowledgement_hours: float = 24.0
    acknowledgement_warning_hours: float = 6.0
    # Amazon's model of submitAcknowledgement takes a list and sets no maximum length. Each call
    # is one transaction with one status, so a larger call needs fewer rate-limited requests and
    # polls. When one document fails, every other document of its call is sent again.
    # NOTE: 100 is an estimate, not a limit Amazon documents.
    acknowledgements_per_call: int = 100
    # How long after the ship date a shipment may go without a sent ASN before it is alerted.
    # Amazon's exact deadline depends on the vendor's agreement with Amazon, so the default is
    # an estimate: set it to the deadline in that agreement.
    asn_hours: float = 24.0
    # The dbt variable of the same name, which load_outbound_settings reads; 3 is its value in
    # the dbt project as shipped.
    asn_lookback_days: int = 3
    edi_outbox: bool = False
    edi_sender_id: str = ""
    edi_receiver_id: str = "AMAZON"
    edi_usage: str = "P"
    # Invoices: the party Amazon pays (default: the selling party) and Amazon's type codes for
    # the tax, charges and allowances the outbound models carry as amounts.
    remit_to_party_id: str = ""
    tax_type: str = ""
    charge_type: str = ""
    allowance_type: str = ""

    @property
    def processing_review_age(self) -> timedelta:
        return timedelta(hours=self.processing_review_hours)

    @property
    def acknowledgement_limit(self) -> timedelta:
        return timedelta(hours=self.acknowledgement_hours)

    @property
    def acknowledgement_warning(self) -> timedelta:
        return timedelta(hours=self.acknowledgement_warning_hours)

    @property
    def asn_limit(self) -> timedelta:
        return timedelta(hours=self.asn_hours)


FIELDS = ("processing_review_hours", "acknowledgement_hours", "acknowledgement_warning_hours", "asn_hours")


def load_outbound_settings(
    home: Path, environ: dict[str, str] | None = None, dbt_project_file: Path = DBT_PROJECT_FILE
) -> OutboundSettings:
    """Read the outbound settings of the project at `home`, and the ASN lookback of the dbt project."""
    env = os.environ if environ is None else environ
    path = Path(home) / ".dlt" / "config.toml"
    config: dict = {}
    if path.exists():
        with path.open("rb") as handle:
            try:
                config = tomllib.load(handle).get("acorn", {}).get("outbound", {})
            except tomllib.TOMLDecodeError as error:
                raise OutboundSettingsError(f"{path} is not valid TOML ({error}); fix the file and run again") from error
    values = {}
    for name in FIELDS:
        raw = env.get(f"ACORN_OUTBOUND_{name.upper()}", config.get(name))
        if raw is None:
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise OutboundSettingsError(
                f"[acorn.outbound] {name} is {raw!r}; set it to a number of hours, e.g. 24"
            ) from None
        if value <= 0:
            raise OutboundSettingsError(f"[acorn.outbound] {name} is {value}; set it to a number of hours above 0")
        values[name] = value
    per_call = env.get("ACORN_OUTBOUND_ACKNOWLEDGEMENTS_PER_CALL", config.get("acknowledgements_per_call"))
    if per_call is not None:
        values["acknowledgements_per_call"] = _whole_number_above_zero("acknowledgements_per_call", per_call)
    edi_outbox = env.get("ACORN_OUTBOUND_EDI_OUTBOX", config.get("edi_outbox", False))
    if isinstance(edi_outbox, str):
        if edi_outbox.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise OutboundSettingsError(f"[acorn.outbound] edi_outbox is {edi_outbox!r}; set it to true or false")
        edi_outbox = edi_outbox.lower() in ("true", "1", "yes")
    values["edi_outbox"] = bool(edi_outbox)
    for name in ("edi_sender_id", "edi_receiver_id", "edi_usage", "remit_to_party_id", "tax_type", "charge_type", "allowance_type"):
        raw = env.get(f"ACORN_OUTBOUND_{name.upper()}", config.get(name))
        if raw is not None:
            values[name] = str(raw)
    values["asn_lookback_days"] = read_asn_lookback_days(dbt_project_file)
    settings = OutboundSettings(**values)
    if settings.edi_outbox and not settings.edi_sender_id:
        raise OutboundSettingsError(
            "[acorn.outbound] edi_outbox is on but edi_sender_id is empty; set it to the vendor's EDI interchange id"
        )
    if settings.acknowledgement_warning_hours >= settings.acknowledgement_hours:
        raise OutboundSettingsError(
            f"[acorn.outbound] acknowledgement_warning_hours ({settings.acknowledgement_warning_hours}) must be less "
            f"than acknowledgement_hours ({settings.acknowledgement_hours})"
        )
    return settings


def _whole_number_above_zero(name: str, raw) -> int:
    text = str(raw).strip()
    if isinstance(raw, bool) or isinstance(raw, float) or not text.isdigit() or int(text) < 1:
        raise OutboundSettingsError(f"[acorn.outbound] {name} is {raw!r}; set it to a whole number of 1 or more, e.g. 100")
    return int(text)


def read_asn_lookback_days(project_file: Path = DBT_PROJECT_FILE) -> int:
    """Read the dbt variable `asn_lookback_days`: how many days before today a shipment gets an ASN."""
    try:
        with project_file.open(encoding="utf-8") as handle:
            project = yaml.safe_load(handle)
    except FileNotFoundError:
        raise OutboundSettingsError(
            f"{project_file} was not found; the ASN alert reads asn_lookback_days from it, so restore the dbt project"
        ) from None
    except yaml.YAMLError as error:
        raise OutboundSettingsError(f"{project_file} is not valid YAML ({error}); fix the file and run again") from None
    variables = project.get("vars") if isinstance(project, dict) else None
    value = variables.get("asn_lookback_days") if isinstance(variables, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OutboundSettingsError(
            f"{project_file}: vars.asn_lookback_days is {value!r}; set it to a whole number of days, e.g. 3"
        )
    return value
